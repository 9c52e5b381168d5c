import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { vectorsRoot } from '../../test/support/vectors.js';
import { videoTestsSkipReason } from '../../test/support/video-vectors.js';
import { sniffMediaFormat } from '../content/index.js';
import { isEngineError } from '../core/index.js';
import { readVpdqFeatures } from '../signals/index.js';
import { hashableSignalNames, hashMedia, mediaSignalNames } from './hash-media.js';
import { hashVideoBytes } from './hash-video.js';

const doorknob = join(vectorsRoot, 'vpdq', 'videos', 'doorknob-hd-no-bar.mp4');

const decode = { maxPixels: 100_000_000 };

describe('hashing videos from bytes', { skip: videoTestsSkipReason() }, () => {
  let bytes: Uint8Array;
  let temporary: string;
  const previousTemporary = process.env.TMPDIR;
  before(async () => {
    bytes = await readFile(doorknob);
    // A private TMPDIR, so that this process's temporary files can be counted.
    temporary = await mkdtemp(join(tmpdir(), 'prevail-hash-video-test-'));
    process.env.TMPDIR = temporary;
  });
  after(async () => {
    if (previousTemporary === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTemporary;
    await rm(temporary, { recursive: true, force: true });
  });

  test('the temporary copy is deleted after hashing, and after a failure', async () => {
    assert.deepEqual(await sniffMediaFormat(bytes), { kind: 'video', format: 'mp4' });
    const features = await hashVideoBytes(bytes, 'mp4', { fps: 1 });
    assert.equal(features.length, 4);
    assert.deepEqual(await readdir(temporary), []);
    await assert.rejects(
      hashVideoBytes(bytes.subarray(0, 5000), 'mp4'),
      (error) => isEngineError(error) && error.code === 'VIDEO_UNREADABLE',
    );
    assert.deepEqual(await readdir(temporary), []);
  });

  test('frames over the pixel limit are refused before decoding', async () => {
    await assert.rejects(
      hashMedia(bytes, { signals: hashableSignalNames, dihedral: false, decode: { maxPixels: 1280 * 720 - 1 } }),
      (error) => isEngineError(error) && error.code === 'IMAGE_TOO_MANY_PIXELS',
    );
  });

  test('without vpdq in the signals, a video is not decoded (image callers behave as before)', async () => {
    await assert.rejects(
      hashMedia(bytes, { signals: mediaSignalNames, dihedral: false, decode }),
      (error) => isEngineError(error) && error.code === 'IMAGE_UNSUPPORTED_FORMAT',
    );
    const digests = await hashMedia(bytes, { signals: ['md5'], dihedral: false, decode });
    assert.deepEqual(Object.keys(digests), ['md5']);
  });

  test('video options reach the reader: every frame', async () => {
    const hashes = await hashMedia(bytes, {
      signals: ['vpdq'],
      dihedral: false,
      decode,
      video: { everyFrame: true },
    });
    assert.equal(readVpdqFeatures(hashes.vpdq ?? '').length, 120);
  });
});
