import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { vectorsRoot } from '../../../test/support/vectors.js';
import { ffmpegPath, readFrames } from '../../video/index.js';
import {
  readTmkFile,
  type TmkFeatures,
  tmkFileSize,
  tmkFrameReading,
  tmkFromFrames,
  tmkLevel1Score,
  tmkLevel2Score,
  writeTmkFile,
} from './index.js';

/**
 * TMK+PDQF of the shared benign sample videos against values derived from the hashes Meta
 * publishes in facebook/ThreatExchange at commit baefb4ed67b6cdc1d4c82dbaef858d50866ac424,
 * `tmk/sample-hashes/{doorknob-hd-no-bar,chair-19-sd-bar,pattern-sd-grey-bar}.tmk` (the files
 * themselves are not in this repository: only their header, a few of doorknob's floats at fixed
 * places, the SHA-256 of doorknob's file, and the level-1/level-2 scores of the published files
 * against each other, computed with this module's reader and scorer).
 *
 * Observed on FFmpeg 5.1.9 (Debian 12): our file for every one of the three videos is byte-for-byte
 * the published one (level-1 and level-2 scores against it 1.000000), so the SHA-256 matches. Another
 * FFmpeg may scale a few pixels differently; the floats are then held to 1e-3 and the scores to
 * 0.99 (the SHA-256 check is then reported, not asserted).
 */
const published = {
  doorknob: {
    header: {
      algorithm: 'PDQF',
      framesPerSecond: 15,
      periods: [2731, 4391, 9767, 14653],
      coefficients: 32,
      dimension: 256,
      frameCount: 62,
    },
    bytes: 263_344,
    sha256: '34ff0ccbdfbca36c3a76913783b6ecfb3d1ed2c0c00ef36c95fd4e236c45efe7',
    pureAverage: [
      [0, -24.801271438598633],
      [100, 4.213694095611572],
      [255, 1.4021756649017334],
    ],
    cos: [
      [0, -0.13165175914764404],
      [1000, 0.00034061892074532807],
      [20000, 0.007735283579677343],
      [32767, 0.0000019854192032653373],
    ],
    sin: [
      [300, -0.008552748709917068],
      [1000, -0.0003455449768807739],
      [20000, 0.00008838146459311247],
      [32767, 0.0000013175864523873315],
    ],
  },
  /** Level-1 and level-2 scores between the published files. */
  crossScores: [
    { a: 'doorknob-hd-no-bar', b: 'chair-19-sd-bar', level1: 0.199326, level2: 0.281833 },
    { a: 'doorknob-hd-no-bar', b: 'pattern-sd-grey-bar', level1: -0.017964, level2: 0.024125 },
    { a: 'chair-19-sd-bar', b: 'pattern-sd-grey-bar', level1: -0.047791, level2: 0.020656 },
  ],
} as const;

const root = join(vectorsRoot, 'vpdq', 'videos');
const videoNames = ['doorknob-hd-no-bar', 'chair-19-sd-bar', 'pattern-sd-grey-bar'];

function skipReason(): string | false {
  if (!existsSync(root)) return `the shared sample videos are not at ${root}`;
  try {
    ffmpegPath();
  } catch {
    return 'no ffmpeg on this machine (install ffmpeg or set PREVAIL_FFMPEG)';
  }
  return false;
}

const relativelyClose = (actual: number, expected: number, tolerance: number): boolean =>
  Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));

describe('TMK+PDQF of the shared sample videos', { skip: skipReason() }, () => {
  const hashed = new Map<string, TmkFeatures>();
  before(async () => {
    for (const name of videoNames) {
      hashed.set(name, await tmkFromFrames(readFrames(join(root, `${name}.mp4`), tmkFrameReading)));
    }
  });
  const ours = (name: string): TmkFeatures => hashed.get(name) ?? assert.fail(`${name} was not hashed`);

  test('doorknob-hd-no-bar: the published header and floats; its file round-trips', (context) => {
    const features = ours('doorknob-hd-no-bar');
    const expected = published.doorknob;
    assert.equal(features.algorithm, expected.header.algorithm);
    assert.equal(features.framesPerSecond, expected.header.framesPerSecond);
    assert.deepEqual(features.periods, expected.header.periods);
    assert.equal(features.fourierCoefficients.length, expected.header.coefficients);
    assert.equal(features.dimension, expected.header.dimension);
    assert.equal(features.frameCount, expected.header.frameCount);
    for (const [vector, places] of [
      [features.pureAverage, expected.pureAverage],
      [features.cos, expected.cos],
      [features.sin, expected.sin],
    ] as const) {
      for (const [index, value] of places) {
        const actual = vector[index] as number;
        assert.ok(relativelyClose(actual, value, 1e-3), `element ${index}: ${actual}, published ${value}`);
      }
    }
    const bytes = writeTmkFile(features);
    assert.equal(bytes.length, expected.bytes);
    assert.equal(tmkFileSize(4, 32, 256), expected.bytes);
    const digest = createHash('sha256').update(bytes).digest('hex');
    context.diagnostic(`our file ${digest === expected.sha256 ? 'is' : 'is NOT'} byte-identical to the published one`);
    const again = readTmkFile(bytes);
    assert.deepEqual(again, { ...features, fourierCoefficients: again.fourierCoefficients });
    assert.equal(Buffer.compare(Buffer.from(writeTmkFile(again)), Buffer.from(bytes)), 0);
    assert.ok(tmkLevel1Score(again, features) >= 0.99 && tmkLevel2Score(again, features) >= 0.99);
  });

  test('the three videos score against each other as the published files do', () => {
    for (const { a, b, level1, level2 } of published.crossScores) {
      const s1 = tmkLevel1Score(ours(a), ours(b));
      const s2 = tmkLevel2Score(ours(a), ours(b));
      assert.ok(Math.abs(s1 - level1) <= 0.01, `${a} / ${b} level 1: ${s1}, published ${level1}`);
      assert.ok(Math.abs(s2 - level2) <= 0.01, `${a} / ${b} level 2: ${s2}, published ${level2}`);
    }
  });

  test('each video scores ≥ 0.99 at both levels against itself, and the three do not match each other', () => {
    for (const name of videoNames) {
      assert.ok(tmkLevel1Score(ours(name), ours(name)) >= 0.99, name);
      assert.ok(tmkLevel2Score(ours(name), ours(name)) >= 0.99, name);
    }
    for (const { a, b } of published.crossScores) assert.ok(tmkLevel1Score(ours(a), ours(b)) < 0.7, `${a} / ${b}`);
  });
});
