/**
 * The PDQ indexes against the shared regression vectors: the reference's needles and haystack
 * (pdq-data/reg-test-input), whose brute-force pairs at distance ≤ 31 are listed in
 * expected/needles_haystack_bruteforce.tsv. Every index must return exactly those 250 pairs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { pdqVector, readExpectedTsv, vectorsAvailable, vectorsSkipReason } from '../../test/support/vectors.js';
import { LinearPdqIndex, MultiIndexPdqIndex, type SignalIndex } from './index.js';

/** Hashes of a vector list: the first 64 hex characters of each non-empty line (extra fields ignored). */
function readHashes(relativePath: string): string[] {
  return readFileSync(pdqVector(relativePath), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const hash = line.trim().slice(0, 64);
      assert.match(hash, /^[0-9a-f]{64}$/i, `not a hash line in ${relativePath}: ${line}`);
      return hash.toLowerCase();
    });
}

describe('PDQ indexes on the shared needles/haystack vectors', { skip: vectorsSkipReason }, () => {
  const needles = vectorsAvailable ? readHashes('pdq-data/reg-test-input/needles.txt') : [];
  const haystack = vectorsAvailable ? readHashes('pdq-data/reg-test-input/haystack.txt') : [];
  const expected = vectorsAvailable
    ? readExpectedTsv('needles_haystack_bruteforce.tsv')
        .filter((row) => Number(row.distance) <= 31)
        .map((row) => `${row.needle_idx}\t${row.haystack_idx}\t${row.distance}\t${row.haystack}`)
        .sort()
    : [];

  test('the vector files are the ones this suite was written for', () => {
    assert.equal(needles.length, 100);
    assert.equal(haystack.length, 1350);
    assert.equal(expected.length, 250);
  });

  const variants: [string, (hashes: string[]) => SignalIndex][] = [
    ['LinearPdqIndex', (hashes) => filled(new LinearPdqIndex(), hashes)],
    ['MultiIndexPdqIndex, defaults, built', (hashes) => built(new MultiIndexPdqIndex(), hashes)],
    [
      'MultiIndexPdqIndex, 11 chunks of 20 bits',
      (hashes) => built(new MultiIndexPdqIndex({ chunks: 11, tableBits: 20 }), hashes),
    ],
    [
      'MultiIndexPdqIndex, half static and half in the delta',
      (hashes) => {
        const index = new MultiIndexPdqIndex({ chunks: 11 });
        filled(index, hashes.slice(0, 700));
        index.rebuild();
        hashes.slice(700).forEach((hash, i) => {
          index.add(701 + i, hash);
        });
        return index;
      },
    ],
  ];

  for (const [name, create] of variants) {
    test(`${name}: exactly the 250 brute-force pairs at distance ≤ 31`, () => {
      const index = create(haystack);
      const pairs: string[] = [];
      needles.forEach((needle, needleIndex) => {
        for (const hit of index.query(needle, 31)) {
          pairs.push(`${needleIndex}\t${hit.owner - 1}\t${hit.distance}\t${hit.value}`);
        }
      });
      assert.deepEqual(pairs.sort(), expected);
    });
  }
});

/** Adds `hashes[i]` for owner i + 1 (owners are positive). */
function filled<Index extends SignalIndex>(index: Index, hashes: string[]): Index {
  hashes.forEach((hash, i) => {
    index.add(i + 1, hash);
  });
  return index;
}

function built(index: MultiIndexPdqIndex, hashes: string[]): MultiIndexPdqIndex {
  filled(index, hashes).rebuild();
  return index;
}
