import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compareTmk,
  pdqfFeature,
  readTmkFile,
  TmkAccumulator,
  type TmkFeatures,
  tmkCompatible,
  tmkFileSize,
  tmkLevel1Score,
  tmkLevel2Score,
  writeTmkFile,
} from './index.js';

/** A deterministic pseudo-random frame feature stream (xorshift), smooth in time like video. */
function sequence(seed: number, frames: number): Float32Array[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 2 ** 32) * 2 - 1;
  };
  const out: Float32Array[] = [];
  let current = Float32Array.from({ length: 256 }, next);
  for (let t = 0; t < frames; t++) {
    // A scene cut every 30 frames, small drift in between.
    current = t % 30 === 0 ? Float32Array.from({ length: 256 }, next) : current.map((value) => value + 0.05 * next());
    out.push(current);
  }
  return out;
}

function features(frames: readonly Float32Array[]): TmkFeatures {
  const accumulator = new TmkAccumulator();
  for (const frame of frames) accumulator.add(frame);
  return accumulator.finish();
}

describe('TMK feature vectors and scores', () => {
  const original = sequence(7, 300);
  const a = features(original);

  test('a video scores 1 with itself at both levels', () => {
    assert.ok(Math.abs(tmkLevel1Score(a, a) - 1) < 1e-6);
    assert.ok(Math.abs(tmkLevel2Score(a, a) - 1) < 1e-5);
    assert.equal(compareTmk(a, a).match, true);
  });

  test('a copy trimmed at the start still matches at level 2 (the time shift is searched)', () => {
    const trimmed = features(original.slice(45));
    const comparison = compareTmk(a, trimmed);
    assert.ok(comparison.level1 > 0.9, `level 1 ${comparison.level1}`);
    assert.ok((comparison.level2 ?? 0) > 0.8, `level 2 ${comparison.level2}`);
  });

  test('the same frames in another order keep level 1 but lose level 2', () => {
    const shuffled = [...original.slice(150), ...original.slice(0, 150)].reverse();
    const b = features(shuffled);
    assert.ok(tmkLevel1Score(a, b) > 0.99);
    assert.ok(tmkLevel2Score(a, b) < tmkLevel2Score(a, features(original.slice(45))));
  });

  test('an unrelated video does not match', () => {
    const other = features(sequence(99, 300));
    const comparison = compareTmk(a, other);
    assert.equal(comparison.match, false);
    assert.ok(tmkLevel2Score(a, other) < 0.5);
  });

  test('features hashed with other periods do not compare', () => {
    const accumulator = new TmkAccumulator(256, [100, 200, 300, 400]);
    for (const frame of original.slice(0, 10)) accumulator.add(frame);
    const other = accumulator.finish();
    assert.match(tmkCompatible(a, other) ?? '', /periods/);
    assert.throws(() => tmkLevel2Score(a, other), /do not compare/);
  });

  test('the file round-trips and a bad file is refused', () => {
    const bytes = writeTmkFile(a);
    assert.equal(bytes.length, tmkFileSize(4, 32, 256));
    assert.equal(String.fromCharCode(...bytes.subarray(0, 12)), 'TMK1FVECPDQF');
    const read = readTmkFile(bytes);
    assert.equal(read.frameCount, 300);
    assert.deepEqual([...read.cos], [...a.cos]);
    assert.deepEqual([...read.sin], [...a.sin]);
    assert.deepEqual([...read.pureAverage], [...a.pureAverage]);
    assert.throws(() => readTmkFile(bytes.subarray(0, bytes.length - 4)), /bytes where the header implies/);
    const wrong = Uint8Array.from(bytes);
    wrong[4] = 'X'.charCodeAt(0);
    assert.throws(() => readTmkFile(wrong), /not a TMK feature-vector file/);
  });

  test('an empty video gives zero vectors and the accumulator takes nothing after finish', () => {
    const accumulator = new TmkAccumulator();
    const empty = accumulator.finish();
    assert.equal(empty.frameCount, 0);
    assert.equal(tmkLevel1Score(empty, a), 0);
    assert.throws(() => accumulator.add(new Float32Array(256)), /after finish/);
  });

  test('PDQF is the unthresholded DCT: a flat frame gives zeros, quadrants do not, other sizes are refused', () => {
    const flat = pdqfFeature(new Uint8Array(64 * 64 * 3).fill(128));
    assert.ok(flat.every((value) => Math.abs(value) < 1e-3));
    // Light top-left and bottom-right quadrants: (vertical, horizontal) frequency (1, 1) dominates.
    const quadrants = new Uint8Array(64 * 64 * 3);
    for (let p = 0; p < 64 * 64; p++) {
      const light = p % 64 < 32 === Math.floor(p / 64) < 32;
      quadrants.fill(light ? 220 : 30, p * 3, p * 3 + 3);
    }
    const feature = pdqfFeature(quadrants);
    const largest = Math.max(...feature.map(Math.abs));
    assert.ok(largest > 100 && Math.abs(feature[0] as number) === largest, `frequency (1, 1): ${feature[0]}`);
    assert.throws(() => pdqfFeature(new Uint8Array(32 * 32 * 3)), /64×64/);
  });
});
