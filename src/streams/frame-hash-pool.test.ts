import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import type { VideoFrame } from '../video/index.js';
import { defaultFrameViews, frameHasher, frameViewsWith } from './frame-views.js';

/** What a worker computes for a frame of a stream's first (no moving region can be found in one frame). */
const mainThread = (item: VideoFrame) => frameHasher(defaultFrameViews)(item);

import { FrameHashPool, type FrameHashPoolSettings } from './frame-hash-pool.js';

/** A frame of varied pixels (quality well above 50), distinct per `seed`. */
function frame(seed: number, width = 96, height = 54): VideoFrame {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37 + (i >> 7) * 11 + seed * 101) & 255;
  return { index: seed, timestamp: seed, width, height, rgb };
}

/**
 * A stand-in worker (plain CommonJS, evaluated): answers each frame with its index as the hash, and
 * exits with code 3 on a frame 13 pixels wide, as a crashing native hasher would.
 */
const crashingEntry = {
  eval: true,
  script: `
    const { parentPort } = require('node:worker_threads');
    parentPort.on('message', ({ id, frame }) => {
      if (frame.width === 13) process.exit(3);
      parentPort.postMessage({ id, ok: true, hashes: { hash: String(frame.index), quality: frame.rgb.length } });
    });`,
};

describe('the frame hashing pool', () => {
  const pools: FrameHashPool[] = [];
  const pool = (settings: FrameHashPoolSettings) => {
    const created = new FrameHashPool(settings);
    pools.push(created);
    return created;
  };
  after(() => Promise.all(pools.map((created) => created.close())));

  test('hashes in a worker exactly as the default views hasher does on the main thread', async () => {
    const hashing = pool({ workers: 2 });
    const frames = [frame(1), frame(2), frame(3, 320, 180)];
    const results = await Promise.all(frames.map((each, index) => hashing.hash(`s${index}`, each)));
    assert.deepEqual(
      results,
      frames.map((item) => mainThread(item)),
    );
    assert.equal(hashing.stats().hashed, 3);
  });

  test('with extra views, workers hash those views too, exactly as frameHasher with them on the main thread', async () => {
    const views = frameViewsWith(['corners', 'small-insets', 'off-centre']);
    const hashing = pool({ workers: 1, views });
    assert.equal(hashing.views, views);
    const frames = [frame(4, 320, 180), frame(5)];
    const results = await Promise.all(frames.map((each, index) => hashing.hash(`s${index}`, each)));
    assert.deepEqual(
      results,
      frames.map((item) => frameHasher(views)(item)),
    );
    for (const result of results)
      assert.equal(result?.views?.filter((view) => view.view === 'quarter').length, 4, 'four corner views');
    assert.notDeepEqual(results[0], mainThread(frames[0] as VideoFrame), 'not the default views');
  });

  test("a stream's hasher finds its moving region on the main thread: the same views as frameHasher", async () => {
    const hashing = pool({ workers: 2 });
    // A still patterned background with a 64×40 window whose picture changes every frame.
    const scene = (seed: number): VideoFrame => {
      const still = frame(0, 160, 90);
      const window = frame(seed * 7 + 1, 64, 40);
      for (let row = 0; row < 40; row++) {
        still.rgb.set(window.rgb.subarray(row * 64 * 3, (row + 1) * 64 * 3), ((row + 24) * 160 + 48) * 3);
      }
      return { ...still, index: seed, timestamp: seed };
    };
    const frames = [1, 2, 3, 4].map(scene);
    const reference = frameHasher(defaultFrameViews);
    const expected = frames.map((item) => reference(item));
    const lane = hashing.hasherFor('window');
    const results = [];
    for (const item of frames) results.push(await lane(item));
    assert.deepEqual(results, expected);
    assert.ok(
      results.some((result) => result?.views?.some((view) => view.view === 'moving')),
      'the moving window was hashed as a view',
    );
  });

  test('the caller may reuse its buffer at once: the pool hashes its own copy', async () => {
    const hashing = pool({ workers: 1 });
    const original = frame(5);
    const expected = mainThread(original);
    const pending = hashing.hash('s', original);
    original.rgb.fill(0);
    assert.deepEqual(await pending, expected);
  });

  test('one frame waits per stream: a newer frame replaces it, the older resolves undefined', async () => {
    const hashing = pool({ workers: 1, entry: crashingEntry });
    const first = hashing.hash('a', frame(1));
    const replaced = hashing.hash('a', frame(2));
    const newest = hashing.hash('a', frame(3));
    assert.equal(await replaced, undefined);
    assert.deepEqual(await Promise.all([first, newest]), [
      { hash: '1', quality: frame(1).rgb.length },
      { hash: '3', quality: frame(3).rgb.length },
    ]);
    assert.equal(hashing.stats().superseded, 1);
  });

  test('streams are served round robin, each stream in order', async () => {
    const hashing = pool({ workers: 1, entry: crashingEntry });
    const order: string[] = [];
    const submit = (lane: string, seed: number) =>
      hashing.hash(lane, frame(seed)).then((result) => {
        if (result !== undefined) order.push(`${lane}${result.hash}`);
      });
    // a1 runs; a2 waits behind it (a has a frame running), then b1 and c1: a2 goes after them.
    await Promise.all([submit('a', 1), submit('a', 2), submit('b', 1), submit('c', 1)]);
    assert.deepEqual(order, ['a1', 'b1', 'c1', 'a2']);
  });

  test('a worker crash fails that frame only: the stream goes on in a new worker, the crash is counted', async () => {
    const hashing = pool({ workers: 1, entry: crashingEntry });
    const crashed = hashing.hash('a', frame(1, 13, 4));
    const next = hashing.hash('a', frame(2));
    await assert.rejects(crashed, (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.code, 'INTERNAL');
      assert.match(error.message, /exit code 3/);
      return true;
    });
    assert.deepEqual(await next, { hash: '2', quality: frame(2).rgb.length });
    assert.equal(hashing.stats().crashes, 1);
    assert.equal(hashing.stats().workers, 1);
  });

  test('close ends every worker thread and drops waiting frames', async () => {
    const hashing = pool({ workers: 2, entry: crashingEntry });
    await Promise.all([hashing.hash('a', frame(1)), hashing.hash('b', frame(2))]);
    assert.equal(hashing.stats().workers, 2);
    const running = hashing.hash('a', frame(3));
    const waiting = hashing.hash('a', frame(4));
    await hashing.close();
    assert.equal(hashing.stats().workers, 0, 'every worker thread has exited');
    assert.equal(await waiting, undefined);
    const last = await running;
    assert.ok(
      last === undefined || last.hash === '3',
      'the frame in a worker resolves with its hash if the worker answered before it ended, else undefined',
    );
    assert.equal(await hashing.hash('a', frame(5)), undefined, 'a closed pool hashes nothing');
  });

  test('refuses a size that is not a whole number of workers', () => {
    assert.throws(() => new FrameHashPool({ workers: 0 }), /CONFIG_INVALID|integer ≥ 1/);
    assert.throws(() => new FrameHashPool({ workers: 1.5 }), /integer ≥ 1/);
  });
});
