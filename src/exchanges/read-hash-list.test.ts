import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import { readHashList } from './read-hash-list.js';
import { type HashListItem, type HashListSource, parseHashListFormat, type ReadHashListOptions } from './types.js';

const pdq = '0123456789abcdef'.repeat(4);

async function read(source: HashListSource | string, options: ReadHashListOptions): Promise<HashListItem[]> {
  const input = typeof source === 'string' ? Readable.from([Buffer.from(source)]) : source;
  const items: HashListItem[] = [];
  for await (const item of readHashList(input, options)) items.push(item);
  return items;
}

function isInvalidFormat(error: unknown): boolean {
  return error instanceof EngineError && error.code === 'IMPORT_INVALID_FORMAT';
}

describe('readHashList common rules', () => {
  test('skips blank and # comment lines (indented too), handles CRLF and a byte-order mark', async () => {
    const text = `\uFEFFpdq ${pdq}\r\n\r\n  # a comment\r\n\t\r\n#pdq ${pdq}\r\npdq ${pdq}`;
    const items = await read(text, { format: 'typed' });
    assert.deepEqual(
      items.map((item) => [item.kind, item.line]),
      [
        ['entry', 1],
        ['entry', 6],
      ],
    );
  });

  test('rejects lines over 4096 characters with their line number, truncated, and reads on', async () => {
    const long = `pdq ${pdq} ${'x'.repeat(5000)}`;
    const exact = `pdq ${pdq} ${'x'.repeat(4096 - 69)}`;
    assert.equal(exact.length, 4096);
    const items = await read(`${long}\n# ${'c'.repeat(9000)}\n${exact}\r\npdq ${pdq}\n`, { format: 'typed' });
    assert.deepEqual(items[0], {
      kind: 'rejected',
      line: 1,
      reason: 'line too long: more than 4096 characters',
      text: `${long.slice(0, 120)}…`,
    });
    assert.deepEqual(
      items.slice(1).map((item) => [item.kind, item.line]),
      [
        ['entry', 3],
        ['entry', 4],
      ],
    );
  });

  test('truncates the text of a rejected line to 120 characters', async () => {
    const line = `tmk ${'a'.repeat(300)}`;
    const [item] = await read(`${line}\n`, { format: 'typed' });
    assert.equal(item?.kind === 'rejected' && item.text, `${line.slice(0, 120)}…`);
  });

  test('an unknown format is IMPORT_INVALID_FORMAT, from the parser and from the reader', async () => {
    assert.throws(() => parseHashListFormat('csv'), isInvalidFormat);
    assert.equal(parseHashListFormat('te-csv'), 'te-csv');
    const options = { format: 'csv' } as unknown as ReadHashListOptions;
    await assert.rejects(read(`pdq ${pdq}\n`, options), isInvalidFormat);
  });

  test("a failing source's error propagates as it is", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk on fire'));
      },
    });
    await assert.rejects(read(failing, { format: 'typed' }), /disk on fire/);
  });

  test('breaking out of the loop stops reading and destroys the source', async () => {
    let produced = 0;
    const source = Readable.from(
      (function* () {
        for (;;) {
          produced++;
          yield `pdq ${pdq}\n`;
        }
      })(),
    );
    let seen = 0;
    for await (const _item of readHashList(source, { format: 'typed' })) {
      if (++seen === 10) break;
    }
    assert.equal(source.destroyed, true);
    assert.ok(produced < 1000, `produced ${produced}`);
  });

  test('streams 200,000 lines without holding them: the source is never far ahead of the reader', async () => {
    const total = 200_000;
    const perChunk = 100;
    let produced = 0;
    let maxLead = 0;
    const source = Readable.from(
      (function* () {
        while (produced < total) {
          let chunk = '';
          for (let i = 0; i < perChunk; i++) chunk += `pdq ${randomBytes(32).toString('hex')}\n`;
          produced += perChunk;
          yield Buffer.from(chunk);
        }
      })(),
    );
    let entries = 0;
    for await (const item of readHashList(source, { format: 'auto' })) {
      if (item.kind === 'entry') entries++;
      maxLead = Math.max(maxLead, produced - entries);
    }
    assert.equal(entries, total);
    // Readable.from buffers at most its high-water mark (16 chunks here): a few thousand lines.
    assert.ok(maxLead < 5_000, `the source ran ${maxLead} lines ahead`);
  });
});
