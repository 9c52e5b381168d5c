import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import { type DetectionHints, detectFormat } from './detect-format.js';
import { readHashList } from './read-hash-list.js';
import type { HashListItem, ReadHashListOptions } from './types.js';

const pdq = '0123456789abcdef'.repeat(4);
const md5 = 'aaaabbbbccccdddd'.repeat(2);
const none: DetectionHints = { signalTypeDeclared: false, fileName: undefined };
const declared: DetectionHints = { signalTypeDeclared: true, fileName: undefined };

function isInvalidFormat(error: unknown): boolean {
  return error instanceof EngineError && error.code === 'IMPORT_INVALID_FORMAT';
}

async function read(text: string, options: ReadHashListOptions): Promise<HashListItem[]> {
  const items: HashListItem[] = [];
  for await (const item of readHashList(Readable.from([Buffer.from(text)]), options)) items.push(item);
  return items;
}

describe('detectFormat', () => {
  test('rule 1: a .te file name means te-csv, whatever the line', () => {
    assert.equal(detectFormat(`pdq ${pdq}`, { signalTypeDeclared: false, fileName: 'simple.HASH_PDQ.te' }), 'te-csv');
    assert.equal(detectFormat(`pdq ${pdq}`, { signalTypeDeclared: false, fileName: 'list.txt' }), 'typed');
  });

  test('rule 2: hash= means pdq-tool', () => {
    assert.equal(detectFormat(`hash=${pdq},quality=100,filename=a.jpg`, none), 'pdq-tool');
  });

  test('rule 3: a known te-csv header means te-csv', () => {
    assert.equal(detectFormat('indicator,indicator_type,indicator_id,added_on,labels', none), 'te-csv');
    assert.equal(detectFormat('collab,signal_type,signal_str,category,tags', none), 'te-csv');
    assert.throws(() => detectFormat('sha,filename', none), isInvalidFormat);
  });

  test('rule 4: a known signal name, whitespace and a value means typed', () => {
    assert.equal(detectFormat(`pdq ${pdq}`, none), 'typed');
    assert.equal(detectFormat(`video_md5\t${md5}`, declared), 'typed');
    assert.equal(detectFormat(`'Sample Data' pdq ${pdq} FetchedSignalMetadata()`, none), 'typed');
  });

  test('rule 5: 4 or 5 CSV fields with a time in the added_on position mean te-csv', () => {
    assert.equal(detectFormat(`${pdq},12345,678,2020-07-31T18:47:45+0000,true_positive`, none), 'te-csv');
    assert.equal(detectFormat(`${md5},678,2020-07-31T18:47:45+0000,`, none), 'te-csv');
  });

  test('rule 6: 64 hex characters and a comma mean pdq-tool', () => {
    assert.equal(detectFormat(`${pdq},100,a.jpg`, none), 'pdq-tool');
    assert.equal(detectFormat(`${pdq.toUpperCase()} ,100`, none), 'pdq-tool');
  });

  test('rule 7: one token is bare only when a signal type is declared', () => {
    assert.equal(detectFormat(pdq, declared), 'bare');
    assert.equal(detectFormat('not-even-hex', declared), 'bare');
    assert.throws(() => detectFormat(pdq, none), isInvalidFormat);
  });

  test('anything else is refused', () => {
    for (const line of [`${md5},100,a.jpg`, 'hello world', `tmk ${pdq}`, 'a; b']) {
      assert.throws(() => detectFormat(line, declared), isInvalidFormat, line);
    }
  });
});

describe('readHashList with format auto', () => {
  test('detects from the first content line, after comments, blank lines and a BOM', async () => {
    const items = await read(`\uFEFF# exported list\r\n\r\n   \r\npdq ${pdq}\r\nmd5 ${md5}\r\n`, { format: 'auto' });
    assert.deepEqual(items, [
      { kind: 'entry', line: 4, signalType: 'pdq', value: pdq },
      { kind: 'entry', line: 5, signalType: 'md5', value: md5 },
    ]);
  });

  test('reads each detected format', async () => {
    const cases: [string, ReadHashListOptions, string[]][] = [
      [`${md5}\n${md5}\n`, { format: 'auto', signalType: 'md5' }, [md5, md5]],
      [`${pdq},100,a.jpg\n`, { format: 'auto' }, [pdq]],
      [`${pdq},1,2020-01-01,x\n`, { format: 'auto', fileName: 'simple.HASH_PDQ.te' }, [pdq]],
      [`indicator,indicator_type\n${md5},HASH_MD5\n`, { format: 'auto' }, [md5]],
    ];
    const detected: string[] = [];
    for (const [text, options, values] of cases) {
      const items = await read(text, { ...options, onFormat: (format) => detected.push(format) });
      assert.deepEqual(
        items.map((item) => item.kind === 'entry' && item.value),
        values,
        text,
      );
    }
    assert.deepEqual(detected, ['bare', 'pdq-tool', 'te-csv', 'te-csv']);
  });

  test('an empty or comment-only list yields nothing and throws nothing', async () => {
    assert.deepEqual(await read('', { format: 'auto' }), []);
    assert.deepEqual(await read('# nothing\n\n', { format: 'auto' }), []);
  });

  test('an undetectable first line, or one too long to look at, is IMPORT_INVALID_FORMAT', async () => {
    await assert.rejects(read(`${pdq}\n`, { format: 'auto' }), isInvalidFormat);
    await assert.rejects(read(`${'a'.repeat(5000)}\npdq ${pdq}\n`, { format: 'auto' }), isInvalidFormat);
  });
});
