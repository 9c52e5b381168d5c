import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import { patternImage } from '../../test/support/images.js';
import { flatPng } from '../../test/support/upload-server.js';
import { videoTestsSkipReason, videoVector } from '../../test/support/video-vectors.js';
import { defaultMaxPixels } from '../content/index.js';
import { EngineError } from '../core/index.js';
import { type HashMediaOptions, hashableSignalNames, hashMedia, mediaSignalNames } from './hash-media.js';
import { HashPool, hashWorkerEntry } from './hash-pool.js';

const decode = { maxPixels: defaultMaxPixels };

/** The outcome of a hashing call as comparable data: the hashes, or the error's code and message. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { hashes: await run() };
  } catch (error) {
    assert.ok(error instanceof EngineError, String(error));
    return { code: error.code, message: error.message };
  }
}

/** Waits (bounded) until `condition` holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 3000; attempt++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting until ${what}`);
}

describe('the hashing pool', () => {
  const pools: HashPool[] = [];
  const pool = (settings: ConstructorParameters<typeof HashPool>[0]) => {
    const created = new HashPool(settings);
    pools.push(created);
    return created;
  };
  after(() => Promise.all(pools.map((created) => created.close())));

  test('hashes from the pool are bit-identical to the in-thread path', async () => {
    const hasher = pool({ workers: 2 });
    const jobs: [string, Uint8Array, HashMediaOptions][] = [
      ['png', await patternImage(240, 180, 'png', 3), { signals: mediaSignalNames, dihedral: false, decode }],
      ['jpeg dihedral', await patternImage(320, 200, 'jpeg', 5), { signals: mediaSignalNames, dihedral: true, decode }],
      [
        'webp, every signal',
        await patternImage(99, 131, 'webp', 7),
        { signals: hashableSignalNames, dihedral: false, decode },
      ],
      ['digests only', await patternImage(64, 64, 'gif', 2), { signals: ['md5', 'sha256'], dihedral: false, decode }],
      [
        'corrupt',
        new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
        { signals: mediaSignalNames, dihedral: false, decode },
      ],
      [
        'too many pixels',
        await flatPng(3000, 3000),
        { signals: mediaSignalNames, dihedral: false, decode: { maxPixels: 1_000_000 } },
      ],
      ['not media', new TextEncoder().encode('plain text'), { signals: mediaSignalNames, dihedral: false, decode }],
    ];
    const pooled = await Promise.all(jobs.map(([, bytes, options]) => outcome(() => hasher.hash(bytes, options))));
    for (const [index, [name, bytes, options]] of jobs.entries()) {
      assert.deepEqual(pooled[index], await outcome(() => hashMedia(bytes, options)), name);
    }
    assert.ok((pooled[0] as { hashes: { pdq: string } }).hashes.pdq.length === 64, 'a PDQ hash came back');
  });

  test('a video hashed in the pool (ffmpeg run from a worker) has the same vPDQ as in-thread', {
    skip: videoTestsSkipReason(),
  }, async () => {
    const hasher = pool({ workers: 1 });
    const video = new Uint8Array(await readFile(videoVector('chair-19-sd-bar.mp4')));
    const options: HashMediaOptions = { signals: hashableSignalNames, dihedral: false, decode };
    const pooled = await hasher.hash(video, options);
    assert.ok(pooled.vpdq !== undefined && pooled.pdq === undefined);
    assert.deepEqual(pooled, await hashMedia(video, options));
  });

  test('beyond its workers and queue the pool refuses at once with HASHER_BUSY, and recovers', async () => {
    const hasher = pool({ workers: 1, maxQueued: 1 });
    const image = await patternImage(200, 200, 'png', 4);
    const options: HashMediaOptions = { signals: mediaSignalNames, dihedral: false, decode };
    const calls = [1, 2, 3, 4].map(() => outcome(() => hasher.hash(image, options)));
    const [first, second, third, fourth] = await Promise.all(calls);
    const expected = await outcome(() => hashMedia(image, options));
    assert.deepEqual(first, expected);
    assert.deepEqual(second, expected);
    for (const refused of [third, fourth]) assert.equal((refused as { code: string }).code, 'HASHER_BUSY');
    assert.deepEqual(await outcome(() => hasher.hash(image, options)), expected, 'free again once the jobs ended');
  });

  test('images beyond the in-flight pixel budget wait for it even when a worker is free', async () => {
    const hasher = pool({ workers: 2, maxQueued: 4, maxPixelsInFlight: 5_000_000 });
    const large = await flatPng(2000, 2000);
    const options: HashMediaOptions = { signals: mediaSignalNames, dihedral: false, decode };
    const jobs = [hasher.hash(large, options), hasher.hash(large, options)];
    await until(() => hasher.stats().running === 1 && hasher.stats().queued === 1, 'one runs and one waits');
    assert.equal(hasher.stats().pixelsInFlight, 4_000_000);
    const [a, b] = await Promise.all(jobs);
    assert.deepEqual(a, b);
    assert.deepEqual(hasher.stats(), { workers: 1, admitted: 0, running: 0, queued: 0, pixelsInFlight: 0, refused: 0 });
  });

  test('a reserved place counts against the bound until released, once, whatever happens', async () => {
    const hasher = pool({ workers: 1, maxQueued: 1 });
    const image = await patternImage(64, 48, 'png', 6);
    const options: HashMediaOptions = { signals: mediaSignalNames, dihedral: false, decode };
    const first = hasher.reserve();
    const second = hasher.reserve();
    assert.throws(() => hasher.reserve(), { code: 'HASHER_BUSY' });
    await assert.rejects(hasher.hash(image, options), { code: 'HASHER_BUSY' });
    assert.deepEqual(await first.hash(image, options), await hashMedia(image, options));
    await assert.rejects(second.hash(new Uint8Array([1, 2, 3]), options), { code: 'IMAGE_UNSUPPORTED_FORMAT' });
    first.release();
    first.release();
    assert.equal(hasher.stats().admitted, 1, 'a second release gives nothing back');
    await assert.rejects(first.hash(image, options), { code: 'INTERNAL' });
    second.release();
    assert.equal(hasher.stats().admitted, 0);
    assert.equal(hasher.stats().refused, 2);
    assert.deepEqual(await hasher.hash(image, options), await hashMedia(image, options));
  });

  test('the worker entry is the compiled hash-worker.js beside compiled code, and bootstraps tsx under tsx', () => {
    const compiled = hashWorkerEntry('file:///srv/prevail/dist/hasher/hash-pool.js');
    assert.equal(String(compiled.script), 'file:///srv/prevail/dist/hasher/hash-worker.js');
    assert.equal(compiled.eval, false);
    const source = hashWorkerEntry('file:///work/prevail/src/hasher/hash-pool.ts');
    assert.equal(source.eval, true);
    assert.match(String(source.script), /tsx.*register\(\).*file:\/\/\/work\/prevail\/src\/hasher\/hash-worker\.ts/s);
    const other = hashWorkerEntry('file:///srv/prevail/dist/streams/frame-hash-pool.js', 'frame-hash-worker');
    assert.equal(
      String(other.script),
      'file:///srv/prevail/dist/streams/frame-hash-worker.js',
      'another entry, same way',
    );
  });

  test('the queue defaults to 4 places per worker, for the workers given', () => {
    assert.equal(new HashPool({ workers: 3 }).settings.maxQueued, 12);
    assert.equal(new HashPool({ workers: 3, maxQueued: 0 }).settings.maxQueued, 0);
  });

  test('settings out of range are refused with CONFIG_INVALID', () => {
    assert.throws(() => new HashPool({ workers: 0 }), { code: 'CONFIG_INVALID' });
    assert.throws(() => new HashPool({ maxQueued: -1 }), { code: 'CONFIG_INVALID' });
    assert.throws(() => new HashPool({ maxPixelsInFlight: 1.5 }), { code: 'CONFIG_INVALID' });
  });

  test('closing refuses queued and new jobs with HASHER_BUSY', async () => {
    const hasher = new HashPool({ workers: 1, maxQueued: 2 });
    const image = await flatPng(1500, 1500);
    const options: HashMediaOptions = { signals: mediaSignalNames, dihedral: false, decode };
    const jobs = [1, 2, 3].map(() => outcome(() => hasher.hash(image, options)));
    await until(() => hasher.stats().running === 1 && hasher.stats().queued === 2, 'one runs and two wait');
    await hasher.close();
    for (const closed of await Promise.all(jobs)) assert.equal((closed as { code: string }).code, 'HASHER_BUSY');
    assert.equal(((await outcome(() => hasher.hash(image, options))) as { code: string }).code, 'HASHER_BUSY');
  });
});
