import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import { looksPdqTool } from './pdq-tool-format.js';
import { readHashList } from './read-hash-list.js';
import type { HashListItem, ReadHashListOptions } from './types.js';

const pdq = '0123456789abcdef'.repeat(4);
const other = 'fedcba9876543210'.repeat(4);

async function read(text: string, options: ReadHashListOptions = { format: 'pdq-tool' }): Promise<HashListItem[]> {
  const items: HashListItem[] = [];
  for await (const item of readHashList(Readable.from([Buffer.from(text)]), options)) items.push(item);
  return items;
}

describe('pdq-tool format', () => {
  test('reads pdq-photo-hasher output: hash,quality,filename (filename keeps its commas)', async () => {
    const items = await read(`${pdq.toUpperCase()},100,photos/a,b.jpg\n${pdq},87\n${pdq}\n${pdq},,x.png\n`);
    assert.deepEqual(items, [
      { kind: 'entry', line: 1, signalType: 'pdq', value: pdq, externalId: 'photos/a,b.jpg' },
      { kind: 'entry', line: 2, signalType: 'pdq', value: pdq },
      { kind: 'entry', line: 3, signalType: 'pdq', value: pdq },
      { kind: 'entry', line: 4, signalType: 'pdq', value: pdq, externalId: 'x.png' },
    ]);
  });

  test('reads --details output (hash=…,key=value,…,filename=…) and --pdqdih-across rows', async () => {
    const items = await read(
      [
        `hash=${pdq},norm=128,delta=0,quality=100,filename=a, b.jpg`,
        `hash=${pdq},xform=rot90,filename=c.jpg`,
        `${pdq},${other},${other},${other},${other},${other},${other},${other},90,d.jpg`,
        `hash=${pdq}`,
      ].join('\n'),
    );
    assert.deepEqual(
      items.map((item) => (item.kind === 'entry' ? [item.value, item.externalId] : item.reason)),
      [
        [pdq, 'a, b.jpg'],
        [pdq, 'c.jpg'],
        [pdq, 'd.jpg'],
        [pdq, undefined],
      ],
    );
  });

  test('rejects invalid hashes and qualities with their line numbers', async () => {
    const items = await read(`${pdq.slice(1)},100,a.jpg\n${pdq},abc,a.jpg\nhash=${pdq},quality=101\n${pdq},100\n`);
    assert.deepEqual(
      items.map((item) => [item.line, item.kind === 'rejected' ? item.reason.split(':')[0] : 'entry']),
      [
        [1, 'invalid pdq hash'],
        [2, "invalid quality 'abc'"],
        [3, "invalid quality '101'"],
        [4, 'entry'],
      ],
    );
  });

  test('a declared signal type other than pdq is IMPORT_INVALID_FORMAT', async () => {
    await assert.rejects(
      read(`${pdq},100,a.jpg\n`, { format: 'pdq-tool', signalType: 'sha256' }),
      (error: unknown) => error instanceof EngineError && error.code === 'IMPORT_INVALID_FORMAT',
    );
    assert.equal((await read(`${pdq}\n`, { format: 'pdq-tool', signalType: 'pdq' })).length, 1);
  });

  test('looksPdqTool', () => {
    assert.equal(looksPdqTool(`${pdq},100,a.jpg`), true);
    assert.equal(looksPdqTool(`hash=${pdq}`), true);
    assert.equal(looksPdqTool(pdq), false);
    assert.equal(looksPdqTool(`pdq ${pdq}`), false);
  });
});
