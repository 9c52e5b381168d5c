import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { EngineError } from '../core/index.js';
import { createSignalIndex, parsePdqHash, pdqDistance, pdqHashToWords, wordsToPdqHash } from '../signals/index.js';
import {
  ExactIndex,
  type IndexHit,
  LinearPdqIndex,
  MultiIndexPdqIndex,
  SharedPdqIndex,
  type SignalIndex,
} from './index.js';

/**
 * The conformance test: every index, driven by the same random sequences of adds (duplicate
 * values, several owners per value and several values per owner), removals, re-adds and
 * queries, must answer every query exactly as a brute-force scan with the signal type's
 * distance does, and report the same `size`.
 */

/** One live entry of the reference model. */
interface Entry {
  readonly owner: number;
  readonly value: string;
}

/** The contract's answer computed the slow, obvious way. */
function bruteForce(
  entries: readonly Entry[],
  query: string,
  radius: number,
  distance: (a: string, b: string) => number,
): IndexHit[] {
  const best = new Map<number, IndexHit>();
  for (const entry of entries) {
    const d = distance(query, entry.value);
    if (d > radius) continue;
    const known = best.get(entry.owner);
    if (known === undefined || d < known.distance || (d === known.distance && entry.value < known.value)) {
      best.set(entry.owner, { owner: entry.owner, distance: d, value: entry.value });
    }
  }
  return [...best.values()].sort((a, b) => a.distance - b.distance || a.owner - b.owner);
}

/** A value to add or query: a fresh one, or a stored one with some distinct bits flipped. */
type ValueSpec =
  | { readonly fresh: number[] }
  | { readonly pick: number; readonly flips: number[]; readonly upper: boolean };

type Operation =
  | { readonly kind: 'add'; readonly owner: number; readonly value: ValueSpec }
  | { readonly kind: 'remove'; readonly owner: number }
  | { readonly kind: 'query'; readonly value: ValueSpec; readonly radius: number }
  | { readonly kind: 'rebuild' };

/** Owners: mostly a few small ids (so they collide), sometimes ids far above the entry count. */
const ownerArbitrary = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2 ** 31 - 4, max: 2 ** 31 - 1 }) },
);

/** Distinct bit positions to flip; sizes cluster around the 31/32 boundary so it is hit often. */
const flipsArbitrary = fc.oneof(
  fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 0, maxLength: 12 }),
  fc
    .integer({ min: 29, max: 34 })
    .chain((size) => fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: size, maxLength: size })),
  fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 13, maxLength: 64 }),
);

const valueArbitrary: fc.Arbitrary<ValueSpec> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ fresh: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }) }) },
  { weight: 4, arbitrary: fc.record({ pick: fc.nat(), flips: flipsArbitrary, upper: fc.boolean() }) },
);

const radiusArbitrary = fc.oneof(
  fc.constantFrom(0, 1, 15, 16, 21, 22, 30, 31, 32),
  fc.integer({ min: 0, max: 40 }),
  fc.constantFrom(-1, 31.5, 64, 256),
);

const operationsArbitrary: fc.Arbitrary<Operation[]> = fc.array(
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant('add' as const), owner: ownerArbitrary, value: valueArbitrary }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), owner: ownerArbitrary }) },
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant('query' as const), value: valueArbitrary, radius: radiusArbitrary }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('rebuild' as const) }) },
  ),
  { minLength: 5, maxLength: 80 },
);

/** Turns a value spec into a PDQ hash: live values (else earlier or seed values) are the flip sources. */
function pdqValue(spec: ValueSpec, pool: readonly string[]): string {
  if ('fresh' in spec) return wordsToPdqHash(Uint32Array.from(spec.fresh, (word) => word >>> 0));
  const words = pdqHashToWords(parsePdqHash(pool[spec.pick % pool.length] as string));
  for (const bit of spec.flips) words[bit >>> 5] = ((words[bit >>> 5] as number) ^ (1 << (bit & 31))) >>> 0;
  const hash = wordsToPdqHash(words);
  return spec.upper ? hash.toUpperCase() : hash;
}

/** Exact values: a small pool of MD5-like strings, so identical values recur. */
function exactValue(spec: ValueSpec): string {
  const index = 'fresh' in spec ? (spec.fresh[0] ?? 0) % 7 : spec.pick % 5;
  return `${index.toString(16)}${'0'.repeat(31)}`;
}

interface Subject {
  readonly name: string;
  readonly create: () => SignalIndex & { rebuild?: () => void };
  readonly pdq: boolean;
}

const subjects: Subject[] = [
  { name: 'ExactIndex (md5)', create: () => new ExactIndex('md5'), pdq: false },
  { name: 'LinearPdqIndex', create: () => new LinearPdqIndex({ compactMinimum: 2 }), pdq: true },
  { name: 'MultiIndexPdqIndex, defaults', create: () => new MultiIndexPdqIndex(), pdq: true },
  {
    name: 'MultiIndexPdqIndex, 16 full 16-bit chunks, rebuilds after 5 changes',
    create: () => new MultiIndexPdqIndex({ chunks: 16, tableBits: 16, rebuildMinimum: 5 }),
    pdq: true,
  },
  {
    name: 'MultiIndexPdqIndex, 11 chunks cut to 13 bits, rebuilds after 3 changes',
    create: () => new MultiIndexPdqIndex({ chunks: 11, tableBits: 13, rebuildMinimum: 3 }),
    pdq: true,
  },
  {
    name: 'MultiIndexPdqIndex, 11 chunks cut to 8 bits (counting sort), rebuilds after 8 changes',
    create: () => new MultiIndexPdqIndex({ chunks: 11, tableBits: 8, rebuildMinimum: 8 }),
    pdq: true,
  },
  {
    // A full delta is never folded in here (no automatic rebuild): the slots past it are scanned.
    name: 'SharedPdqIndex, a 6-entry delta, rebuilt only when asked',
    create: () => new SharedPdqIndex({ rebuildMinimum: 5, autoRebuild: false }),
    pdq: true,
  },
  {
    name: 'SharedPdqIndex, 11 chunks from 4 entries, a 4-entry delta',
    create: () => new SharedPdqIndex({ rebuildMinimum: 3, elevenChunksFrom: 4, autoRebuild: false }),
    pdq: true,
  },
];

const pdqDistanceText = (a: string, b: string): number => pdqDistance(parsePdqHash(a), parsePdqHash(b));

/** Runs `operations` against `subject` and the model, comparing every answer. */
function runAgainstModel(subject: Subject, seeds: string[], operations: readonly Operation[]): number {
  const index = subject.create();
  let entries: Entry[] = [];
  const pool = [...seeds];
  let hitsSeen = 0;
  for (const operation of operations) {
    if (operation.kind === 'add') {
      const value = subject.pdq ? pdqValue(operation.value, pool) : exactValue(operation.value);
      index.add(operation.owner, value);
      const normalised = subject.pdq ? parsePdqHash(value) : value;
      entries.push({ owner: operation.owner, value: normalised });
      pool.push(normalised);
    } else if (operation.kind === 'remove') {
      index.remove(operation.owner);
      entries = entries.filter((entry) => entry.owner !== operation.owner);
    } else if (operation.kind === 'rebuild') {
      index.rebuild?.();
    } else {
      const sources = entries.length > 0 ? entries.map((entry) => entry.value) : pool;
      const value = subject.pdq ? pdqValue(operation.value, sources) : exactValue(operation.value);
      const actual = index.query(value, operation.radius);
      // Exact signals match only identical values, whatever the radius.
      const expected = subject.pdq
        ? bruteForce(entries, parsePdqHash(value), Math.floor(operation.radius), pdqDistanceText)
        : bruteForce(entries, value, operation.radius >= 0 ? 0 : -1, (a, b) => (a === b ? 0 : 1));
      assert.deepEqual(actual, expected, `query radius ${operation.radius}`);
      hitsSeen += actual.length;
    }
    assert.equal(index.size, entries.length, 'size');
  }
  return hitsSeen;
}

describe('SignalIndex conformance: every index answers as brute force does', () => {
  for (const subject of subjects) {
    test(`${subject.name} on random add/remove/query sequences`, () => {
      let hits = 0;
      fc.assert(
        fc.property(
          fc.array(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
          operationsArbitrary,
          (seedWords, operations) => {
            const seeds = seedWords.map((words) => wordsToPdqHash(Uint32Array.from(words, (word) => word >>> 0)));
            hits += runAgainstModel(subject, seeds, operations);
          },
        ),
        { numRuns: 150 },
      );
      // The generators are meant to produce matches; a property that never sees a hit proves little.
      assert.ok(hits > 100, `only ${hits} hits over all runs`);
    });
  }

  test('a hash at distance exactly 31 matches at radius 31, one at 32 does not; 32 matches at 32', () => {
    const stored = wordsToPdqHash(Uint32Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    const flip = (count: number): string => {
      const words = pdqHashToWords(stored);
      for (let bit = 0; bit < count; bit++) {
        const position = (bit * 97) % 256; // distinct positions spread over every chunk
        words[position >>> 5] = ((words[position >>> 5] as number) ^ (1 << (position & 31))) >>> 0;
      }
      return wordsToPdqHash(words);
    };
    for (const subject of subjects.filter((candidate) => candidate.pdq)) {
      const index = subject.create();
      index.add(7, stored);
      index.rebuild?.();
      assert.equal(pdqDistanceText(flip(31), stored), 31);
      assert.deepEqual(index.query(flip(31), 31), [{ owner: 7, distance: 31, value: stored }], subject.name);
      assert.deepEqual(index.query(flip(32), 31), [], subject.name);
      assert.deepEqual(index.query(flip(32), 32), [{ owner: 7, distance: 32, value: stored }], subject.name);
    }
  });

  test('an owner with several entries at its best distance shows the smallest hash', () => {
    const query = wordsToPdqHash(Uint32Array.from([0, 0, 0, 0, 0, 0, 0, 0]));
    const low = wordsToPdqHash(Uint32Array.from([0, 0, 0, 0, 0, 0, 0, 3]));
    const high = wordsToPdqHash(Uint32Array.from([0xc0000000, 0, 0, 0, 0, 0, 0, 0]));
    const farther = wordsToPdqHash(Uint32Array.from([0, 0, 0, 7, 0, 0, 0, 0]));
    for (const subject of subjects.filter((candidate) => candidate.pdq)) {
      for (const order of [
        [high, farther, low],
        [low, high, farther],
      ]) {
        const index = subject.create();
        for (const value of order) index.add(9, value);
        index.add(4, farther);
        assert.deepEqual(
          index.query(query, 31),
          [
            { owner: 9, distance: 2, value: low },
            { owner: 4, distance: 3, value: farther },
          ],
          subject.name,
        );
      }
    }
  });

  test('bulk addMany equals one add per entry, and a bad batch adds nothing', () => {
    const words = new Uint32Array(40 * 8);
    for (let i = 0; i < words.length; i++) words[i] = Math.imul(i + 1, 0x9e3779b9) >>> 0;
    const owners = Array.from({ length: 40 }, (_, i) => 1 + (i % 13));
    for (const create of [() => new LinearPdqIndex(), () => new MultiIndexPdqIndex({ rebuildMinimum: 4 })]) {
      const bulk = create();
      const single = create();
      bulk.addMany(owners, words);
      owners.forEach((owner, i) => {
        single.add(owner, wordsToPdqHash(words, i * 8));
      });
      for (let i = 0; i < 40; i += 3) {
        const query = wordsToPdqHash(words, i * 8);
        assert.deepEqual(bulk.query(query, 40), single.query(query, 40));
        assert.ok(bulk.query(query, 0).some((hit) => hit.owner === owners[i]));
      }
      assert.throws(() => bulk.addMany([1, 0], new Uint32Array(16)), isCode('INTERNAL'));
      assert.throws(() => bulk.addMany([1, 2], new Uint32Array(15)), isCode('INTERNAL'));
      assert.equal(bulk.size, 40);
    }
  });

  test('bad owners and malformed hashes are refused with registered codes; the factory picks an index', () => {
    for (const index of [new ExactIndex('sha256'), new LinearPdqIndex(), new MultiIndexPdqIndex()]) {
      for (const owner of [0, -1, 1.5, 2 ** 31, Number.NaN]) {
        assert.throws(() => index.add(owner, 'f'.repeat(64)), isCode('INTERNAL'));
      }
      index.add(1, 'f'.repeat(64));
      for (const owner of [0, -1, 1.5, 2 ** 31, Number.NaN]) index.remove(owner); // no-ops
      assert.equal(index.size, 1);
    }
    for (const index of [new LinearPdqIndex(), new MultiIndexPdqIndex()]) {
      assert.throws(() => index.add(1, 'abc'), isCode('SIGNAL_INVALID_HASH'));
      assert.throws(() => index.query('g'.repeat(64), 31), isCode('SIGNAL_INVALID_HASH'));
    }
    for (const options of [
      { chunks: 12 as 16 },
      { tableBits: 25 },
      { tableBits: 0 },
      { rebuildMinimum: 0 },
      { rebuildFraction: 2 },
    ]) {
      assert.throws(() => new MultiIndexPdqIndex(options), isCode('CONFIG_INVALID'));
    }
    assert.ok(createSignalIndex('pdq') instanceof MultiIndexPdqIndex);
    assert.equal(createSignalIndex('md5').signalType, 'md5');
    assert.equal(createSignalIndex('sha256').signalType, 'sha256');
    assert.throws(() => createSignalIndex('tmk'), isCode('SIGNAL_UNKNOWN'));
  });
});

function isCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => error instanceof EngineError && error.code === code;
}
