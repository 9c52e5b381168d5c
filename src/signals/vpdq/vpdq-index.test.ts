import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { vectorsRoot } from '../../../test/support/vectors.js';
import {
  compareVpdq,
  createSignalIndex,
  formatPytxVpdq,
  isVpdqHit,
  type PdqHash,
  parseCppVpdq,
  pdqHashToWords,
  type VpdqFeature,
  VpdqIndex,
  vpdqSignal,
  wordsToPdqHash,
} from '../index.js';

/** A PDQ hash from 8 words. */
function hashOf(words: readonly number[]): PdqHash {
  return wordsToPdqHash(Uint32Array.from(words));
}

/** `hash` with the given bits flipped. */
function flipped(hash: PdqHash, bits: readonly number[]): PdqHash {
  const words = pdqHashToWords(hash);
  for (const bit of bits) words[bit >> 5] = ((words[bit >> 5] as number) ^ (1 << (bit & 31))) >>> 0;
  return wordsToPdqHash(words);
}

function video(frames: readonly { hash: PdqHash; quality: number }[]): string {
  return formatPytxVpdq(frames.map((frame, index) => ({ frameNumber: index, timestamp: index, ...frame })));
}

/**
 * A few base frames, and videos made of near or far copies of them: small flips (≤ 31 bits, the
 * same frame re-encoded), flips around the 31/32 boundary, and large flips (another frame), with
 * some low-quality frames and repeats, so percentages take many values.
 */
const frameArbitrary = (bases: readonly PdqHash[]) =>
  fc
    .record({
      base: fc.nat({ max: bases.length - 1 }),
      flips: fc.oneof(
        fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }),
        fc
          .integer({ min: 29, max: 34 })
          .chain((size) => fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: size, maxLength: size })),
      ),
      quality: fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 100 })),
    })
    .map(({ base, flips, quality }) => ({ hash: flipped(bases[base] as PdqHash, flips), quality }));

const scenarioArbitrary = fc
  .array(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 5 })
  .map((words) => words.map(hashOf))
  .chain((bases) =>
    fc.record({
      banked: fc.array(
        fc.record({
          owner: fc.integer({ min: 1, max: 6 }),
          frames: fc.array(frameArbitrary(bases), { minLength: 1, maxLength: 8 }),
        }),
        { maxLength: 8 },
      ),
      removed: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 2 }),
      query: fc.array(frameArbitrary(bases), { minLength: 1, maxLength: 8 }),
      radius: fc.oneof(fc.constantFrom(0, 20, 50, 99.5, 100), fc.double({ min: 0, max: 100, noNaN: true })),
    }),
  );

describe('VpdqIndex', () => {
  test('answers every query as a brute-force scan with the signal distance does (conformance)', () => {
    fc.assert(
      fc.property(scenarioArbitrary, ({ banked, removed, query, radius }) => {
        const index = new VpdqIndex();
        const live: { owner: number; value: string }[] = [];
        for (const item of banked) {
          const value = vpdqSignal.parse(video(item.frames));
          index.add(item.owner, value);
          live.push({ owner: item.owner, value });
        }
        for (const owner of removed) {
          index.remove(owner);
          for (let i = live.length - 1; i >= 0; i--) if (live[i]?.owner === owner) live.splice(i, 1);
        }
        const queryValue = vpdqSignal.parse(video(query));
        const expected = new Map<number, number>();
        for (const entry of live) {
          const distance = vpdqSignal.compare(queryValue, vpdqSignal.parse(entry.value));
          if (distance > radius) continue;
          expected.set(entry.owner, Math.min(distance, expected.get(entry.owner) ?? Number.POSITIVE_INFINITY));
        }
        const wanted = [...expected]
          .map(([owner, distance]) => ({ owner, distance }))
          .sort((a, b) => a.distance - b.distance || a.owner - b.owner);
        const hits = index.query(queryValue, radius);
        assert.deepEqual(
          hits.map((hit) => ({ owner: hit.owner, distance: hit.distance })),
          wanted,
        );
        assert.equal(index.size, live.length);
      }),
      { numRuns: 300 },
    );
  });

  test('reports both percentages and applies the two thresholds separately', () => {
    const base = hashOf([1, 2, 3, 4, 5, 6, 7, 8]);
    const far = (seed: number): PdqHash => hashOf([seed, ~seed, seed * 7, 99, seed ^ 0xffff, 3, seed << 3, 0xabcdef]);
    const banked = [base, far(11), far(12), far(13)].map((hash) => ({ hash, quality: 100 }));
    const index = createSignalIndex('vpdq') as VpdqIndex;
    index.add(7, video(banked));
    assert.equal(index.frames, 4);
    // The query holds a near copy of one banked frame and nothing else: 100 % of the query, 25 % of the bank.
    const features: VpdqFeature[] = [{ frameNumber: 0, quality: 90, hash: flipped(base, [0, 40, 99]), timestamp: 0 }];
    const [hit] = index.query(formatPytxVpdq(features), 100);
    assert.ok(hit !== undefined && isVpdqHit(hit));
    assert.deepEqual(
      { ...hit },
      {
        owner: 7,
        distance: 75,
        value: base,
        queryFrame: features[0]?.hash,
        queryMatchPercent: 100,
        comparedMatchPercent: 25,
      },
    );
    assert.deepEqual(index.matchVideo(features), [], '80 % both ways by default');
    assert.equal(index.matchVideo(features, { comparedMatchPercent: 0 }).length, 1, 'pytx rule: query ≥ 80 %');
    assert.equal(index.matchVideo(features, { queryMatchPercent: 0, comparedMatchPercent: 30 }).length, 0);
    index.remove(7);
    assert.deepEqual([index.size, index.frames], [0, 0]);
    assert.deepEqual(index.query(formatPytxVpdq(features), 100), []);
  });

  test('leaves frames below quality 50 and repeated frames out of both counts', () => {
    const a = hashOf([10, 20, 30, 40, 50, 60, 70, 80]);
    const b = hashOf([0xf0f0f0f0, 0x0f0f0f0f, 3, 5, 7, 11, 13, 17]);
    const index = new VpdqIndex();
    index.add(
      1,
      video([
        { hash: a, quality: 100 },
        { hash: a, quality: 100 },
        { hash: b, quality: 49 },
      ]),
    );
    assert.equal(index.frames, 1);
    const [hit] = index.query(video([{ hash: a, quality: 50 }]), 0);
    assert.deepEqual([hit?.queryMatchPercent, hit?.comparedMatchPercent], [100, 100]);
  });
});

const sampleDirectory = join(vectorsRoot, 'vpdq', 'sample-hashes');
const sampleSkip = existsSync(sampleDirectory) ? false : `the vPDQ sample hashes are not at ${sampleDirectory}`;

describe('VpdqIndex over the vpdq sample hashes', { skip: sampleSkip }, () => {
  const sample = (name: string): VpdqFeature[] =>
    parseCppVpdq(readFileSync(join(sampleDirectory, `${name}.txt`), 'utf8'));

  test('reproduces the match percentages of the notes, and agrees with brute force', () => {
    const banked = ['chair-orig-22-sd-bar', 'pattern-hd-no-bar', 'doorknob-hd-no-bar', 'chair-20-sd-bar'];
    const index = new VpdqIndex();
    banked.forEach((name, position) => {
      index.addFeatures(position + 1, sample(name));
    });
    const rows: [string, string, number, number][] = [
      ['chair-19-sd-bar', 'chair-orig-22-sd-bar', 100.0, 85.3],
      ['chair-22-sd-sepia-bar', 'chair-orig-22-sd-bar', 100.0, 100.0],
      ['chair-22-with-small-logo-bar', 'chair-orig-22-sd-bar', 95.1, 95.0],
      ['chair-22-with-large-logo-bar', 'chair-orig-22-sd-bar', 11.0, 10.3],
      ['pattern-longer-no-bar', 'pattern-hd-no-bar', 87.9, 100.0],
      ['pattern-sd-grey-bar', 'pattern-hd-no-bar', 0.0, 0.0],
    ];
    for (const [query, compared, queryPercent, comparedPercent] of rows) {
      const owner = banked.indexOf(compared) + 1;
      const hit = index.query(formatPytxVpdq(sample(query)), 100).find((candidate) => candidate.owner === owner);
      const brute = compareVpdq(sample(query), sample(compared));
      assert.ok(hit !== undefined, `${query} against ${compared}`);
      assert.deepEqual(
        [hit.queryMatchPercent, hit.comparedMatchPercent],
        [brute.queryMatchPercent, brute.comparedMatchPercent],
      );
      assert.deepEqual(
        [Number(hit.queryMatchPercent.toFixed(1)), Number(hit.comparedMatchPercent.toFixed(1))],
        [queryPercent, comparedPercent],
        `${query} against ${compared}`,
      );
    }
    const doorknob = index.query(formatPytxVpdq(sample('doorknob-hd-no-bar')), 99.9);
    assert.deepEqual(
      doorknob.map((hit) => [hit.owner, hit.distance]),
      [[3, 0]],
      'the doorknob video finds itself and nothing else',
    );
  });
});
