import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { flip, generator, randomHash } from '../../../test/support/pdq-hashes.js';
import { type IndexHit, PdqLookupPool, SharedGroupedPdqIndex, SharedPdqIndex } from '../../indexes/index.js';
import { parsePdqHash } from '../index.js';
import type { VpdqFeature } from './vpdq-feature.js';
import { VpdqIndex } from './vpdq-index.js';

/** A video of these frame hashes (quality 90, except where `low` says 20: not matchable). */
function features(hashes: readonly string[], low: ReadonlySet<number> = new Set()): VpdqFeature[] {
  return hashes.map((hash, i) => ({
    frameNumber: i,
    timestamp: i,
    quality: low.has(i) ? 20 : 90,
    hash: parsePdqHash(hash),
  }));
}

/**
 * The same bank in a `VpdqIndex` on this thread's heap (the reference) and in one whose frames
 * are a `SharedGroupedPdqIndex` a `PdqLookupPool` holds: a live stream's frame lookups
 * (`queryFrame`) must get the same answers in the worker threads, the shared index on this
 * thread and the heap index.
 */
describe('vPDQ frame lookups answered by the PDQ lookup pool', () => {
  const next = generator(20261207);
  const frames = new SharedGroupedPdqIndex({ rebuildMinimum: 20, autoRebuild: false });
  const shared = new VpdqIndex({}, 'vpdq_dense', frames);
  const heap = new VpdqIndex({}, 'vpdq_dense');
  const pdq = new SharedPdqIndex({ autoRebuild: false });
  /** Every banked frame hash, by owner. */
  const banked = new Map<number, string[]>();
  let pool: PdqLookupPool;

  const bank = (owner: number, hashes: readonly string[], low?: ReadonlySet<number>) => {
    shared.addFeatures(owner, features(hashes, low));
    heap.addFeatures(owner, features(hashes, low));
    banked.set(owner, [...(banked.get(owner) ?? []), ...hashes]);
  };
  const unbank = (owner: number) => {
    shared.remove(owner);
    heap.remove(owner);
    banked.delete(owner);
  };
  /** The same batch sent to every worker at once (the pool spreads batches by load). */
  const everyWorker = (values: readonly string[], radius: number): Promise<IndexHit[][][]> =>
    Promise.all(Array.from({ length: pool.size }, () => pool.queryGroupedMany('vpdq_dense', values, radius)));
  /** Asserts that the workers, the shared index and the heap index answer `values` alike; returns the answer. */
  const sameEverywhere = async (values: readonly string[], radius: number): Promise<IndexHit[][]> => {
    const expected = values.map((value) => heap.queryFrame(value, radius));
    assert.deepEqual(
      values.map((value) => shared.queryFrame(value, radius)),
      expected,
      `shared index on this thread, radius ${radius}`,
    );
    for (const answer of await everyWorker(values, radius))
      assert.deepEqual(answer, expected, `pool, radius ${radius}`);
    return expected;
  };

  before(() => {
    // 300 videos of 1..12 frames; owners 1..200, so some owners hold two videos; some frames low quality.
    for (let video = 0; video < 300; video++) {
      const hashes = Array.from({ length: 1 + (next() % 12) }, () => randomHash(next));
      bank(1 + (video % 200), hashes, new Set([next() % 16]));
    }
    shared.rebuild();
    heap.rebuild();
    pool = new PdqLookupPool(pdq, { workers: 2, grouped: { vpdq_dense: frames } });
  });

  after(async () => {
    await pool.close();
    frames.close();
    pdq.close();
  });

  test('planted and random frames get the same answers in the pool as on this thread', async () => {
    assert.equal(pool.size, 2);
    assert.ok(pool.hasGrouped('vpdq_dense') && !pool.hasGrouped('vpdq'));
    const planted = [...banked.values()].flatMap((hashes, i) => hashes.slice(0, 2).map((hash) => flip(hash, i % 40)));
    const random = Array.from({ length: 40 }, () => randomHash(next));
    for (const radius of [0, 16, 31, 40]) {
      const answers = await sameEverywhere([...planted, ...random], radius);
      if (radius >= 31) assert.ok(answers.filter((hits) => hits.length > 0).length > 150, 'planted frames are found');
    }
    // Random frames at the match distance find nothing; a banked frame finds its owner at 0.
    assert.ok((await sameEverywhere(random, 31)).every((hits) => hits.length === 0));
    const [owner, hashes] = [...banked][3] as [number, string[]];
    const [hits] = await pool.queryGroupedMany('vpdq_dense', [hashes[0] as string], 0);
    assert.deepEqual(
      hits?.find((hit) => hit.owner === owner),
      { owner, distance: 0, value: hashes[0] },
    );
  });

  test('banked and removed videos are seen by every worker on its next lookup', async () => {
    const generation = frames.generation;
    // 25 frames: 21 fill the delta (rebuildMinimum 20), 4 lie past it and are scanned.
    const added = Array.from({ length: 25 }, () => randomHash(next));
    bank(5000, added.slice(0, 10));
    bank(5001, added.slice(10));
    assert.equal(frames.generation, generation, 'appends publish in place: no new generation');
    const queries = added.map((hash) => flip(hash, 7));
    const answer = await sameEverywhere(queries, 31);
    assert.deepEqual(
      answer.map((hits) => hits.map((hit) => hit.owner)),
      added.map((_, i) => [i < 10 ? 5000 : 5001]),
    );
    unbank(5000);
    const gone = await sameEverywhere(queries.slice(0, 10), 31);
    assert.ok(
      gone.every((hits) => hits.length === 0),
      'a removed video is found no more',
    );
    // Its frame ids are given again to the next video: found under the new owner only.
    bank(5002, added.slice(0, 10));
    const again = await sameEverywhere(queries.slice(0, 10), 31);
    assert.deepEqual(
      again.map((hits) => hits.map((hit) => hit.owner)),
      added.slice(0, 10).map(() => [5002]),
    );
  });

  test('a rebuild, a grown owner table and a rebuild in the background are new generations the workers follow', async () => {
    const probe = flip((banked.get(9) as string[])[0] as string, 5);
    const early = pool.queryGroupedMany('vpdq_dense', [probe], 31);
    let generation = frames.generation;
    shared.rebuild();
    heap.rebuild();
    assert.ok(frames.generation > generation, 'a rebuild is a new generation');
    assert.deepEqual((await early)[0], heap.queryFrame(probe, 31), 'a lookup sent before it is answered');
    await sameEverywhere([probe], 31);

    // 1,200 more frames: past the owner table's first 1,024 entries (and the store's room).
    generation = frames.generation;
    const many = Array.from({ length: 1200 }, () => randomHash(next));
    bank(6000, many);
    assert.ok(frames.generation > generation, 'the table grew');
    const last = flip(many[1199] as string, 3);
    assert.deepEqual(
      (await sameEverywhere([last, probe], 31))[0]?.map((hit) => hit.owner),
      [6000],
    );

    // A rebuild in a builder thread: lookups are answered meanwhile; a video banked during it is
    // found after the swap, on every worker.
    generation = frames.generation;
    const building = shared.rebuildInBackground();
    assert.ok(frames.rebuilding);
    const during = await pool.queryGroupedMany('vpdq_dense', [probe, last], 31);
    assert.deepEqual(during, [heap.queryFrame(probe, 31), heap.queryFrame(last, 31)]);
    const late = randomHash(next);
    bank(6001, [late]);
    await building;
    heap.rebuild();
    assert.ok(frames.generation > generation);
    const [found] = await sameEverywhere([flip(late, 4)], 31);
    assert.deepEqual(
      found?.map((hit) => hit.owner),
      [6001],
    );
  });

  test('a malformed hash or an unknown grouped index is refused before any worker sees it', async () => {
    await assert.rejects(pool.queryGroupedMany('vpdq_dense', ['not a hash'], 31), { code: 'SIGNAL_INVALID_HASH' });
    await assert.rejects(pool.queryGroupedMany('vpdq', [randomHash(next)], 31), { code: 'INTERNAL' });
  });
});
