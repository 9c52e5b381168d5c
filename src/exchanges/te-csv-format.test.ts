import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import { readHashList } from './read-hash-list.js';
import { isTeCsvHeaderLine, looksTeCsvRow, readTeCsvHeader } from './te-csv-format.js';
import type { HashListItem, ReadHashListOptions } from './types.js';

const pdq = '0123456789abcdef'.repeat(4);
const md5 = 'aaaabbbbccccdddd'.repeat(2);

async function read(text: string, options: ReadHashListOptions): Promise<HashListItem[]> {
  const items: HashListItem[] = [];
  for await (const item of readHashList(Readable.from([Buffer.from(text)]), options)) items.push(item);
  return items;
}

function isInvalidFormat(error: unknown): boolean {
  return error instanceof EngineError && error.code === 'IMPORT_INVALID_FORMAT';
}

describe('te-csv format', () => {
  test('reads pytx simple.HASH_PDQ.te rows: indicator, first_descriptor_id, added_on, labels', async () => {
    const items = await read(`${pdq},1234567890,2020-07-31T18:47:45+0000,true_positive hma_test\n${pdq},42,mine,\n`, {
      format: 'te-csv',
      fileName: '/state/simple.HASH_PDQ.te',
    });
    assert.deepEqual(items, [
      {
        kind: 'entry',
        line: 1,
        signalType: 'pdq',
        value: pdq,
        category: 'true_positive hma_test',
        addedAt: '2020-07-31T18:47:45.000Z',
      },
      { kind: 'entry', line: 2, signalType: 'pdq', value: pdq },
    ]);
  });

  test('reads HMA <group>.hash_video_md5.te rows: indicator, indicator_id, first_descriptor_id, added_on, labels', async () => {
    const items = await read(`${md5.toUpperCase()},10736405276340,1234567890,2020-07-31T18:47:45+0000,"a  b"\n`, {
      format: 'te-csv',
      fileName: '258601789084078.hash_video_md5.te',
    });
    assert.deepEqual(items, [
      {
        kind: 'entry',
        line: 1,
        signalType: 'md5',
        value: md5,
        externalId: '10736405276340',
        category: 'a b',
        addedAt: '2020-07-31T18:47:45.000Z',
      },
    ]);
  });

  test("reads Prevail's export header, with a per-row indicator type", async () => {
    const text = `indicator,indicator_type,indicator_id,added_on,labels\n${pdq},HASH_PDQ,"id,1",2024-01-02T03:04:05.678Z,x\n${md5},hash_video_md5,,,\n`;
    const items = await read(text, { format: 'te-csv' });
    assert.deepEqual(items, [
      {
        kind: 'entry',
        line: 2,
        signalType: 'pdq',
        value: pdq,
        externalId: 'id,1',
        category: 'x',
        addedAt: '2024-01-02T03:04:05.678Z',
      },
      { kind: 'entry', line: 3, signalType: 'md5', value: md5 },
    ]);
  });

  test("reads HMA's column names and `threatexchange dataset -P --csv` output", async () => {
    const hma = await read(`HASH,indicator_id,descriptor_id,timestamp,tags\n${pdq},7,8,2021-01-01,t\n`, {
      format: 'te-csv',
      signalType: 'pdq',
    });
    assert.deepEqual(hma, [
      {
        kind: 'entry',
        line: 2,
        signalType: 'pdq',
        value: pdq,
        externalId: '7',
        category: 't',
        addedAt: '2021-01-01T00:00:00.000Z',
      },
    ]);
    const pytx = await read(
      `collab,signal_type,signal_str,category,tags\nSample,video_md5,${md5},POSITIVE_CLASS,a b\n`,
      {
        format: 'te-csv',
      },
    );
    assert.deepEqual(pytx, [{ kind: 'entry', line: 2, signalType: 'md5', value: md5, category: 'a b' }]);
  });

  test('a declared signal type wins over the file name; a type column that disagrees is rejected', async () => {
    const declared = await read(`${md5},1,2020-01-01,\n`, {
      format: 'te-csv',
      signalType: 'md5',
      fileName: 'simple.HASH_PDQ.te',
    });
    assert.equal(declared[0]?.kind === 'entry' && declared[0].signalType, 'md5');
    const mismatch = await read(`indicator,indicator_type\n${md5},HASH_MD5\n`, { format: 'te-csv', signalType: 'pdq' });
    assert.equal(
      mismatch[0]?.kind === 'rejected' && mismatch[0].reason,
      'signal type md5 does not match the declared signal type pdq',
    );
  });

  test('rejects bad rows with their reason and line number', async () => {
    const text = [
      `${pdq},1,2020-01-01`,
      `${pdq},1,2,3,2020-01-01,x`,
      `${pdq},"1,2020-01-01,x`,
      `${pdq},"1"x,2020-01-01,x`,
      `${pdq.slice(3)},1,2020-01-01,x`,
      `,1,2020-01-01,x`,
      `${pdq},1,2020-01-01,x`,
    ].join('\n');
    const items = await read(text, { format: 'te-csv', signalType: 'pdq' });
    assert.deepEqual(
      items.map((item) => [item.line, item.kind === 'rejected' ? item.reason.split(':')[0] : 'entry']),
      [
        [1, 'too few fields'],
        [2, 'too many fields'],
        [3, 'unterminated quoted field'],
        [4, 'text after a closing quote'],
        [5, 'invalid pdq hash'],
        [6, 'missing indicator'],
        [7, 'entry'],
      ],
    );
  });

  test('rejects rows with unknown or missing types and rows longer than the header', async () => {
    const text = `indicator,indicator_type\n${pdq},HASH_TMK\n${pdq},\n${pdq},HASH_PDQ,extra\n`;
    const items = await read(text, { format: 'te-csv' });
    assert.deepEqual(
      items.map((item) => [item.line, item.kind === 'rejected' ? item.reason : 'entry']),
      [
        [2, "unknown indicator type 'HASH_TMK'"],
        [3, 'missing indicator type'],
        [4, 'too many fields: the header has 2, got 3'],
      ],
    );
    const named = await read(`signal_str,signal_type\n${pdq},tmk\n`, { format: 'te-csv' });
    assert.equal(named[0]?.kind === 'rejected' && named[0].reason, "unknown signal type 'tmk'");
  });

  test('a header that cannot be read is IMPORT_INVALID_FORMAT before anything is yielded', async () => {
    for (const header of [
      'indicator,when,labels',
      'indicator,hash',
      'indicator_id,labels',
      'indicator,indicator_type,signal_type',
      'indicator,"labels',
    ]) {
      await assert.rejects(
        read(`# list\n\n${header}\n${pdq},x\n`, { format: 'te-csv', signalType: 'pdq' }),
        isInvalidFormat,
      );
    }
  });

  test('no signal type from anywhere, or an unmapped one in the file name, is IMPORT_INVALID_FORMAT', async () => {
    await assert.rejects(read(`${pdq},1,2020-01-01,x\n`, { format: 'te-csv' }), isInvalidFormat);
    await assert.rejects(
      read(`${pdq},1,2020-01-01,x\n`, { format: 'te-csv', fileName: 'simple.HASH_TMK.te' }),
      isInvalidFormat,
    );
    await assert.rejects(read(`${'x'.repeat(5000)}\n`, { format: 'te-csv', signalType: 'pdq' }), isInvalidFormat);
  });

  test('one CSV dialect with CSV payments: a quoted field with a newline, a quote, a BOM and CRLF', async () => {
    const text = [
      '\uFEFFindicator,indicator_id,labels',
      `${pdq},"id ""one""","a b"`,
      `${pdq},"two`,
      `lines",x`,
      `${pdq},"5"x,x`,
      `${pdq}, "4" ,"c, d" `,
    ].join('\r\n');
    const items = await read(`${text}\r\n`, { format: 'te-csv', signalType: 'pdq' });
    assert.deepEqual(
      items.map((item) =>
        item.kind === 'entry' ? [item.line, item.externalId, item.category] : [item.line, item.reason],
      ),
      [
        [2, 'id "one"', 'a b'],
        [3, 'unterminated quoted field'],
        [4, 'a quote inside an unquoted field (quote the field and double the quote)'],
        [5, 'text after a closing quote'],
        [6, '4', 'c, d'],
      ],
    );
  });

  test('header detection helpers', () => {
    assert.equal(isTeCsvHeaderLine('indicator,labels'), true);
    assert.equal(isTeCsvHeaderLine('sha,id'), true);
    assert.equal(isTeCsvHeaderLine(`${pdq},1,2,3`), false);
    assert.equal(isTeCsvHeaderLine('facefacefacefacefacefacefaceface,mine'), false);
    assert.equal(readTeCsvHeader('sha,id').ok, false);
    assert.equal(looksTeCsvRow(`${pdq},1,2,2020-07-31T18:47:45+0000,x`), true);
    assert.equal(looksTeCsvRow(`${pdq},100,a.jpg`), false);
    assert.equal(looksTeCsvRow(`${pdq},100,a.jpg,b.jpg`), false);
  });
});
