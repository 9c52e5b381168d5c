import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { EngineError } from '../core/index.js';
import { signalTypeByName } from '../signals/index.js';
import { readHashList } from './read-hash-list.js';
import { isTeCsvHeaderLine } from './te-csv-format.js';
import {
  type HashListExportEntry,
  type HashListFormat,
  type HashListItem,
  maxLineLength,
  type ReadHashListOptions,
} from './types.js';
import { writeHashList } from './write-hash-list.js';

const hexOf = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-fA-F]{${length}}$`));
const pdqHex = hexOf(64);
const md5Hex = hexOf(32);

/** Lines that look like every format, nearly-valid lines, and noise. */
const soupLine = fc.oneof(
  fc
    .tuple(fc.constantFrom('pdq', 'md5', 'sha256', 'video_md5', 'tmk', 'PDQ', "'collab' pdq"), fc.oneof(pdqHex, md5Hex))
    .map(([type, value]) => `${type} ${value}`),
  fc.oneof(pdqHex, md5Hex),
  fc
    .tuple(pdqHex, fc.constantFrom('', ',100', ',100,a.jpg', ',x', ',quality=7,filename=b'))
    .map(([h, rest]) => `${h}${rest}`),
  pdqHex.map((h) => `hash=${h},norm=1,filename=c`),
  fc
    .tuple(fc.oneof(pdqHex, md5Hex), fc.constantFrom('1,2020-01-01,x', '1,2,2020-07-31T18:47:45+0000,"a b"', '"1', '1'))
    .map(([h, rest]) => `${h},${rest}`),
  fc.constantFrom(
    'indicator,indicator_type,indicator_id,added_on,labels',
    'indicator,labels',
    'sha,filename',
    '# comment',
    '   # indented comment',
    '',
    '   ',
    '\uFEFF',
    '"',
    ',',
  ),
  fc.nat({ max: 6000 }).map((n) => 'x'.repeat(n)),
  fc.nat({ max: 6000 }).map((n) => `#${'c'.repeat(n)}`),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', '0', ' ', ',', '"', "'", '#', '\r', '\t', '='), maxLength: 30 }),
);

const soupOptions = fc.constantFrom<ReadHashListOptions>(
  { format: 'auto' },
  { format: 'auto', signalType: 'pdq' },
  { format: 'auto', fileName: 'simple.HASH_MD5.te' },
  { format: 'typed' },
  { format: 'typed', signalType: 'md5' },
  { format: 'bare', signalType: 'pdq' },
  { format: 'pdq-tool' },
  { format: 'te-csv', signalType: 'sha256' },
  { format: 'te-csv', fileName: 'x.hash_pdq.te' },
  { format: 'te-csv' },
);

/** Splits bytes into chunks at the given cut points. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

/** The line numbers a reader must account for, computed independently of the splitter. */
function contentLines(bytes: Uint8Array): { numbers: number[]; first: string | undefined } {
  const lines = new TextDecoder().decode(bytes).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const numbers: number[] = [];
  let first: string | undefined;
  for (const [index, raw] of lines.entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const head = line.slice(0, maxLineLength + 1);
    const skipped = line.length > maxLineLength ? /^\s*#/.test(head) : /^\s*(#|$)/.test(line);
    if (skipped) continue;
    numbers.push(index + 1);
    first ??= line;
  }
  return { numbers, first };
}

async function collect(chunks: Uint8Array[], options: ReadHashListOptions): Promise<HashListItem[]> {
  const items: HashListItem[] = [];
  try {
    for await (const item of readHashList(chunks, options)) items.push(item);
  } catch (error) {
    assert.ok(error instanceof EngineError, `threw ${String(error)}`);
    assert.equal(error.code, 'IMPORT_INVALID_FORMAT');
    assert.equal(items.length, 0, 'threw after yielding items');
    throw error;
  }
  return items;
}

describe('hash list properties', () => {
  test('property: any soup either fails up front with IMPORT_INVALID_FORMAT or accounts for every content line once, in order', async () => {
    let completed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(soupLine, { maxLength: 25 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        soupOptions,
        async (lines, newline, bom, cuts, options) => {
          const bytes = new TextEncoder().encode(`${bom ? '\uFEFF' : ''}${lines.join(newline)}`);
          let items: HashListItem[];
          try {
            items = await collect(chunked(bytes, cuts), options);
          } catch {
            return;
          }
          completed++;
          const expected = contentLines(bytes);
          const seen = items.map((item) => item.line);
          for (let i = 1; i < seen.length; i++) assert.ok((seen[i] ?? 0) > (seen[i - 1] ?? 0), 'increasing lines');
          const headerSkipped =
            expected.first !== undefined && isTeCsvHeaderLine(expected.first) && seen[0] !== expected.numbers[0];
          assert.deepEqual(seen, headerSkipped ? expected.numbers.slice(1) : expected.numbers);
          for (const item of items) {
            if (item.kind === 'entry') {
              assert.equal(signalTypeByName(item.signalType).parse(item.value), item.value);
            } else {
              assert.ok(item.reason.length > 0);
              assert.ok(item.text.length <= 121);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
    assert.ok(completed > 100, `only ${completed} of 300 runs got past format detection`);
  });

  test('property: random bytes never throw anything but IMPORT_INVALID_FORMAT', () =>
    fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), soupOptions, async (bytes, options) => {
        try {
          const items = await collect([bytes], options);
          assert.ok(items.length <= contentLines(bytes).numbers.length);
        } catch {
          // collect() already checked the error.
        }
      }),
    ));

  const exportEntry = (signalType: string, length: number): fc.Arbitrary<HashListExportEntry> =>
    fc.record({
      signalType: fc.constant(signalType),
      value: hexOf(length),
      externalId: fc.option(fc.string({ unit: 'grapheme', maxLength: 30 }), { nil: undefined }),
      category: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
      addedAt: fc.option(
        fc
          .date({ min: new Date('2000-01-01Z'), max: new Date('2100-01-01Z'), noInvalidDate: true })
          .map((d) => d.toISOString()),
        { nil: undefined },
      ),
    });
  const anyEntry = fc.oneof(exportEntry('pdq', 64), exportEntry('md5', 32), exportEntry('sha256', 64));

  async function roundTrip(entries: HashListExportEntry[], format: HashListFormat, options: ReadHashListOptions) {
    let text = '';
    const sink = new Writable({
      decodeStrings: false,
      write(chunk: string, _encoding, callback) {
        text += chunk;
        callback();
      },
    });
    await writeHashList(entries, sink, format);
    const items: HashListItem[] = [];
    for await (const item of readHashList([Buffer.from(text)], options)) items.push(item);
    assert.deepEqual(
      items.filter((item) => item.kind === 'rejected'),
      [],
    );
    return items.flatMap((item) => (item.kind === 'entry' ? [item] : []));
  }

  const pairs = (entries: { signalType: string; value: string }[]) =>
    entries.map((entry) => `${entry.signalType} ${entry.value.toLowerCase()}`);

  test('property: typed and te-csv exports import back to the same pairs, explicitly and with auto', () =>
    fc.assert(
      fc.asyncProperty(fc.array(anyEntry, { maxLength: 30 }), async (entries) => {
        for (const format of ['typed', 'te-csv'] as const) {
          assert.deepEqual(pairs(await roundTrip(entries, format, { format })), pairs(entries), format);
          assert.deepEqual(pairs(await roundTrip(entries, format, { format: 'auto' })), pairs(entries), format);
        }
      }),
    ));

  test('property: te-csv and pdq-tool exports keep externalId (cleaned), te-csv keeps category and addedAt', () =>
    fc.assert(
      fc.asyncProperty(fc.array(exportEntry('pdq', 64), { maxLength: 20 }), async (entries) => {
        const clean = (text: string | null | undefined) => (text ?? '').replace(/[\p{Cc}\u2028\u2029]/gu, ' ').trim();
        const teCsv = await roundTrip(entries, 'te-csv', { format: 'te-csv' });
        assert.deepEqual(
          teCsv.map((entry) => [entry.externalId ?? '', entry.category ?? '', entry.addedAt]),
          entries.map((entry) => [
            clean(entry.externalId),
            clean(entry.category).split(/\s+/).filter(Boolean).join(' '),
            entry.addedAt,
          ]),
        );
        const tool = await roundTrip(entries, 'pdq-tool', { format: 'pdq-tool' });
        assert.deepEqual(pairs(tool), pairs(entries));
        assert.deepEqual(
          tool.map((entry) => entry.externalId ?? ''),
          entries.map((entry) => clean(entry.externalId)),
        );
      }),
    ));

  test('property: a bare export of one signal type imports back with that type declared', () =>
    fc.assert(
      fc.asyncProperty(
        fc.constantFrom(['pdq', 64] as const, ['md5', 32] as const, ['sha256', 64] as const),
        fc.array(fc.nat(), { maxLength: 30 }),
        async ([signalType, length], seeds) => {
          const entries = seeds.map((seed) => ({ signalType, value: seed.toString(16).padStart(length, '0') }));
          for (const format of ['bare', 'auto'] as const) {
            assert.deepEqual(pairs(await roundTrip(entries, 'bare', { format, signalType })), pairs(entries));
          }
        },
      ),
    ));
});
