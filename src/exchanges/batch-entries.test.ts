import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { batchEntries, type HashListBatch } from './batch-entries.js';
import type { HashListItem } from './types.js';

async function* items(kinds: string): AsyncGenerator<HashListItem> {
  let line = 0;
  for (const kind of kinds) {
    line++;
    yield kind === 'e'
      ? { kind: 'entry', line, signalType: 'md5', value: 'a'.repeat(32) }
      : { kind: 'rejected', line, reason: 'bad', text: 'x' };
  }
}

async function shape(kinds: string, size: number): Promise<[number[], number[]][]> {
  const batches: HashListBatch[] = [];
  for await (const batch of batchEntries(items(kinds), size)) batches.push(batch);
  return batches.map((batch) => [batch.entries.map((entry) => entry.line), batch.rejected.map((item) => item.line)]);
}

describe('batchEntries', () => {
  test('emits batches of up to size entries with the rejections met on the way, in order', async () => {
    assert.deepEqual(await shape('eereee', 2), [
      [[1, 2], []],
      [[4, 5], [3]],
      [[6], []],
    ]);
  });

  test('also cuts a batch at size rejections, so a file of bad lines still streams', async () => {
    assert.deepEqual(await shape('rrrrr', 2), [
      [[], [1, 2]],
      [[], [3, 4]],
      [[], [5]],
    ]);
  });

  test('emits nothing for nothing, and refuses a size that is not a positive integer', async () => {
    assert.deepEqual(await shape('', 3), []);
    for (const size of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(shape('e', size), RangeError);
    }
  });
});
