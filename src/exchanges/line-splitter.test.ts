import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type SourceLine, splitLines } from './line-splitter.js';

async function split(chunks: (string | Uint8Array)[], maxLength = 10): Promise<SourceLine[]> {
  const lines: SourceLine[] = [];
  for await (const line of splitLines(chunks, maxLength)) lines.push(line);
  return lines;
}

const texts = (lines: SourceLine[]): string[] => lines.map((line) => line.text);

describe('splitLines', () => {
  test('splits on LF and CRLF, keeps a lone CR, numbers lines from 1, has no empty last line', async () => {
    const lines = await split(['a\r\nb\n\nc\rd\n']);
    assert.deepEqual(lines, [
      { number: 1, text: 'a', tooLong: false },
      { number: 2, text: 'b', tooLong: false },
      { number: 3, text: '', tooLong: false },
      { number: 4, text: 'c\rd', tooLong: false },
    ]);
  });

  test('keeps a last line without a line break; an empty input has no lines', async () => {
    assert.deepEqual(texts(await split(['a\nb'])), ['a', 'b']);
    assert.deepEqual(await split([]), []);
    assert.deepEqual(await split(['']), []);
  });

  test('joins lines across chunks, CRLF split between chunks included', async () => {
    assert.deepEqual(texts(await split(['ab', 'c\r', '\nd', 'e\n', 'f'])), ['abc', 'de', 'f']);
  });

  test('decodes UTF-8 split across byte chunks and drops a BOM on line 1 only', async () => {
    const bytes = new TextEncoder().encode('\uFEFFé€\n\uFEFFx\n');
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    assert.deepEqual(texts(await split(chunks)), ['é€', '\uFEFFx']);
    assert.deepEqual(texts(await split(['\uFEFFabc\n'])), ['abc']);
  });

  test('flags lines longer than the limit and keeps only limit + 1 characters of them', async () => {
    const lines = await split(['0123456789\n', '0123456789\r\n', '01234567890\n', `${'x'.repeat(100)}`, '\nok']);
    assert.deepEqual(lines, [
      { number: 1, text: '0123456789', tooLong: false },
      { number: 2, text: '0123456789', tooLong: false },
      { number: 3, text: '01234567890', tooLong: true },
      { number: 4, text: 'x'.repeat(11), tooLong: true },
      { number: 5, text: 'ok', tooLong: false },
    ]);
  });

  test('a huge line without breaks is never held whole', async () => {
    async function* endless(): AsyncGenerator<string> {
      for (let i = 0; i < 1000; i++) yield 'y'.repeat(10_000);
      yield '\nafter';
    }
    const lines: SourceLine[] = [];
    for await (const line of splitLines(endless(), 4096)) lines.push(line);
    assert.equal(lines.length, 2);
    assert.equal(lines[0]?.tooLong, true);
    assert.equal(lines[0]?.text.length, 4097);
    assert.equal(lines[1]?.text, 'after');
  });

  test('property: however the input is chunked, the lines are the same', () =>
    fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', 'é', ' ') }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (text, cuts) => {
          const bytes = new TextEncoder().encode(text);
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let start = 0;
          for (const point of [...points, bytes.length]) {
            chunks.push(bytes.subarray(start, point));
            start = point;
          }
          assert.deepEqual(await split(chunks, 8), await split([text], 8));
        },
      ),
    ));
});
