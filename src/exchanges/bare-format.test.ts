import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import { readHashList } from './read-hash-list.js';
import type { HashListItem, ReadHashListOptions } from './types.js';

const pdq = '0123456789abcdef'.repeat(4);
const md5 = 'aaaabbbbccccdddd'.repeat(2);

async function read(text: string, options: ReadHashListOptions): Promise<HashListItem[]> {
  const items: HashListItem[] = [];
  for await (const item of readHashList(Readable.from([Buffer.from(text)]), options)) items.push(item);
  return items;
}

describe('bare format', () => {
  test('reads one value per line as the declared signal type, trimmed and lower-cased', async () => {
    const items = await read(`  ${md5.toUpperCase()}  \n${md5}\n`, { format: 'bare', signalType: 'md5' });
    assert.deepEqual(items, [
      { kind: 'entry', line: 1, signalType: 'md5', value: md5 },
      { kind: 'entry', line: 2, signalType: 'md5', value: md5 },
    ]);
  });

  test('accepts a pytx name as the declared type and reports the Prevail name', async () => {
    const items = await read(`${md5}\n`, { format: 'bare', signalType: 'video_md5' });
    assert.deepEqual(items, [{ kind: 'entry', line: 1, signalType: 'md5', value: md5 }]);
  });

  test('rejects lines with more than one field and invalid values, with line numbers', async () => {
    const items = await read(`${pdq} ${pdq}\n${pdq.slice(2)}\npdq ${pdq}\n${pdq}\n`, {
      format: 'bare',
      signalType: 'pdq',
    });
    assert.deepEqual(
      items.map((item) => [item.line, item.kind === 'rejected' ? item.reason.split(':')[0] : 'entry']),
      [
        [1, 'too many fields'],
        [2, 'invalid pdq hash'],
        [3, 'too many fields'],
        [4, 'entry'],
      ],
    );
  });

  test('without a declared signal type it is IMPORT_INVALID_FORMAT, even for an empty list', async () => {
    for (const text of [`${pdq}\n`, '']) {
      await assert.rejects(
        read(text, { format: 'bare' }),
        (error: unknown) => error instanceof EngineError && error.code === 'IMPORT_INVALID_FORMAT',
      );
    }
  });
});
