import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import { formatPytxVpdq, type VpdqFeature } from '../signals/index.js';
import { readHashList } from './read-hash-list.js';
import { isTypedVpdqLine, vpdqLineValue } from './typed-format.js';
import { type HashListItem, maxLineLength, maxVideoLineLength } from './types.js';
import { formatHashListLine, writeHashList } from './write-hash-list.js';

const hashA = 'e271017837246aac2ee9b4c5ef11d6f5a4c1dc0d2cf0a7d1c8760a5d06f3055c';
const hashB = 'dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c';

/** A pytx vPDQ signal string of `frames` frames (about 80 characters each). */
function signal(frames: number): string {
  const features = Array.from({ length: frames }, (_, index) => ({
    frameNumber: index,
    quality: 100,
    hash: (index % 2 === 0 ? hashA : hashB) as VpdqFeature['hash'],
    timestamp: index,
  }));
  return formatPytxVpdq(features);
}

async function read(text: string, signalType?: string): Promise<HashListItem[]> {
  const items: HashListItem[] = [];
  const options = { format: 'auto' as const, ...(signalType !== undefined ? { signalType } : {}) };
  for await (const item of readHashList(Readable.from([Buffer.from(text)]), options)) items.push(item);
  return items;
}

describe('vpdq lines in typed hash lists', () => {
  test('the value is the JSON list after the name, spaces included; metadata after it is ignored', async () => {
    const value = signal(3);
    const items = await read(`vpdq ${value}\n'Test Collab' VPDQ ${value} {"tags": ["a b"]}\npdq ${hashA}\n`);
    assert.deepEqual(
      items.map((item) => (item.kind === 'entry' ? [item.signalType, item.value] : [item.kind, item.reason])),
      [
        ['vpdq', value],
        ['vpdq', value],
        ['pdq', hashA],
      ],
    );
  });

  test('a value in another notation is normalised to the pytx string', async () => {
    const compact = JSON.stringify([`${hashA.toUpperCase()},100,0`, `${hashB},90,100.5`]);
    const [item] = await read(`vpdq ${compact}`);
    assert.deepEqual(item?.kind === 'entry' ? item.value : item, `["${hashA},100,0.0", "${hashB},90,1e+02"]`);
  });

  test('vpdq lines may be far longer than other lines, up to the video line limit', async () => {
    const long = signal(2000);
    assert.ok(long.length > maxLineLength * 10);
    const items = await read(`vpdq ${long}\npdq ${hashA} ${'x'.repeat(maxLineLength)}\nvpdq ${signal(15_000)}\n`);
    assert.equal(items[0]?.kind, 'entry');
    assert.deepEqual(
      items[1]?.kind === 'rejected' ? items[1].reason : items[1],
      'line too long: more than 4096 characters',
    );
    assert.deepEqual(
      items[2]?.kind === 'rejected' ? items[2].reason : items[2],
      `line too long: more than ${maxVideoLineLength} characters`,
    );
  });

  test('bad vpdq values are rejected with the reason, and reading goes on', async () => {
    const items = await read(`vpdq ${signal(1)}\nvpdq ["${hashA},100"]\nvpdq []\nvpdq [unterminated\n`);
    assert.deepEqual(
      items.map((item) => (item.kind === 'rejected' ? item.reason.slice(0, 35) : 'entry')),
      [
        'entry',
        'invalid vpdq hash: vPDQ item 0 is n',
        'invalid vpdq hash: a vPDQ signal ho',
        'invalid vpdq hash: a vPDQ signal is',
      ],
    );
  });

  test('helpers: the value scan skips brackets inside strings; the long-line test reads the name only', () => {
    assert.equal(vpdqLineValue('["a]b", "c"] trailing', 'x'), '["a]b", "c"]');
    assert.equal(vpdqLineValue('token rest', 'token'), 'token');
    assert.ok(isTypedVpdqLine(`"collab \\" name" vpdq [`));
    assert.ok(!isTypedVpdqLine(`pdq ${hashA} vpdq`));
  });

  test('typed export writes vpdq lines that import back; bare export refuses them', async () => {
    const value = signal(4);
    assert.equal(formatHashListLine('typed', { signalType: 'vpdq', value }), `vpdq ${value}`);
    assert.throws(
      () => formatHashListLine('bare', { signalType: 'vpdq', value }),
      (error) => error instanceof EngineError && error.code === 'REQUEST_INVALID',
    );
    assert.throws(
      () => formatHashListLine('te-csv', { signalType: 'vpdq', value }),
      (error) => error instanceof EngineError && error.code === 'REQUEST_INVALID',
    );
    const chunks: string[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    await writeHashList([{ signalType: 'vpdq', value, externalId: 'Test Sender clip' }], output, 'typed');
    const [item] = await read(chunks.join(''));
    assert.deepEqual(item?.kind === 'entry' ? item.value : item, value);
  });
});
