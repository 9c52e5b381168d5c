import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { flip, generator, hex, randomHash } from '../../test/support/pdq-hashes.js';
import { PdqLookupPool, SharedPdqIndex } from './index.js';

const size = 200_000;

/** An index of `size` random hashes (owners 1..size), and the hash of every 1000th owner. */
function loaded(options: ConstructorParameters<typeof SharedPdqIndex>[0] = {}) {
  const next = generator(20261207);
  const index = new SharedPdqIndex(options);
  const words = new Uint32Array(size * 8);
  for (let i = 0; i < words.length; i++) words[i] = next();
  const owners = Int32Array.from({ length: size }, (_, i) => i + 1);
  index.reserve(size);
  index.addMany(owners, words);
  const probes = Array.from({ length: size / 1000 }, (_, k) => ({ owner: k * 1000 + 1, hash: hex(words, k * 8000) }));
  return { index, probes, next };
}

function owns(hits: readonly { readonly owner: number }[], owner: number): boolean {
  return hits.some((hit) => hit.owner === owner);
}

describe('SharedPdqIndex.rebuildInBackground: lookups go on during the build, no change is lost', () => {
  test('200k hashes: lookups during the build answered and right; changes made meanwhile survive the swap', async () => {
    const { index, probes, next } = loaded({ autoRebuild: false });
    const pool = new PdqLookupPool(index, { workers: 1 });
    try {
      const fresh = () => randomHash(next);
      const added = fresh();
      const addedLate = fresh();
      const readded = fresh();
      const removed = probes[3] as { owner: number; hash: string };
      const before = index.generation;
      const done = index.rebuildInBackground();
      assert.equal(index.rebuildInBackground(), done, 'a second call joins the running rebuild');
      let answered = 0;
      let wrong = 0;
      // Bounded: at most 200,000 turns; each turn yields to the event loop, so a build that held
      // this thread would leave `rebuilding` false before the first check, or the count at 1.
      for (let turn = 0; turn < 200_000 && index.rebuilding; turn++) {
        if (turn === 0) {
          index.add(size + 1, added);
          index.remove(removed.owner);
          index.add(size + 2, readded);
          index.remove(size + 2);
          index.add(size + 2, flip(readded, 4));
        }
        if (turn === 1) index.add(size + 3, addedLate);
        const probe = probes[turn % probes.length] as { owner: number; hash: string };
        const hits = index.query(flip(probe.hash, 9), 31);
        const expected = probe.owner !== removed.owner;
        if (owns(hits, probe.owner) !== expected) wrong++;
        if (turn % 50 === 0) {
          const [fromPool = []] = await pool.queryMany([flip(probe.hash, 9)], 31);
          if (owns(fromPool, probe.owner) !== expected) wrong++;
        }
        if (!owns(index.query(added, 0), size + 1)) wrong++;
        answered++;
        await nextTurn();
      }
      await done;
      assert.ok(answered >= 2, `lookups answered while the rebuild ran: ${answered}`);
      assert.equal(wrong, 0, 'every lookup during the rebuild was right');
      assert.equal(index.rebuilding, false);
      assert.ok(index.generation > before, 'a new generation was published');
      assert.equal(index.stats.rebuilds, 1);
      assert.equal(index.stats.tombstones, 0, 'the removal was replayed onto the new store, not copied as a tombstone');

      for (const lookup of [
        (value: string, radius: number) => Promise.resolve(index.query(value, radius)),
        (value: string, radius: number) => pool.query(value, radius),
      ]) {
        assert.ok(owns(await lookup(added, 0), size + 1), 'added during the build: found');
        assert.ok(owns(await lookup(flip(addedLate, 3), 31), size + 3), 'added later in the build: found');
        assert.equal(owns(await lookup(removed.hash, 31), removed.owner), false, 'removed during the build: gone');
        assert.equal(owns(await lookup(readded, 0), size + 2), false, 'removed then re-added: the old hash gone');
        assert.ok(owns(await lookup(flip(readded, 4), 0), size + 2), 'removed then re-added: the new hash found');
        const probe = probes[7] as { owner: number; hash: string };
        assert.ok(owns(await lookup(flip(probe.hash, 20), 31), probe.owner), 'an old entry: found');
      }
      assert.equal(index.size, size - 1 + 3);
      assert.equal(index.stats.staticEntries, size - 1, 'the build covered the entries present when it began');
    } finally {
      await pool.close();
      index.close();
    }
  });

  test('closing the index during a background rebuild fails it with INTERNAL and keeps the generation', async () => {
    const { index, probes } = loaded({ autoRebuild: false });
    const before = index.generation;
    const done = index.rebuildInBackground();
    index.close();
    await assert.rejects(done, { code: 'INTERNAL' });
    assert.equal(index.generation, before);
    const probe = probes[0] as { owner: number; hash: string };
    assert.ok(owns(index.query(probe.hash, 0), probe.owner), 'the current generation still answers');
    await assert.rejects(index.rebuildInBackground(), { code: 'INTERNAL' });
  });

  test('a rebuild on this thread while a background one runs wins: the background result is dropped', async () => {
    const { index, probes } = loaded({ autoRebuild: false });
    try {
      const done = index.rebuildInBackground();
      index.rebuild();
      const generation = index.generation;
      index.add(
        size + 1,
        hex(
          Uint32Array.from({ length: 8 }, (_, i) => i + 1),
          0,
        ),
      );
      await done;
      assert.equal(index.stats.rebuilds, 1, 'only the rebuild on this thread was published');
      assert.equal(index.generation, generation);
      const probe = probes[5] as { owner: number; hash: string };
      assert.ok(owns(index.query(probe.hash, 0), probe.owner));
      assert.equal(index.size, size + 1);
    } finally {
      index.close();
    }
  });

  test('automatic rebuilds run in the background; changes during one call for the next, and none is lost', async () => {
    const next = generator(99);
    // Threshold 5: 10 removals or a 7th add past a rebuild call for the next one.
    const index = new SharedPdqIndex({ rebuildMinimum: 5, rebuildFraction: 0 });
    const hashes = new Map<number, string>();
    const addOne = (owner: number) => {
      const hash = randomHash(next);
      hashes.set(owner, hash);
      index.add(owner, hash);
    };
    try {
      for (let owner = 1; owner <= 2000; owner++) addOne(owner);
      index.rebuild();
      for (let owner = 1; owner <= 10; owner++) {
        index.remove(owner);
        hashes.delete(owner);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.ok(index.rebuilding || index.stats.rebuilds > 1, 'the tombstones started a background rebuild');
      // While it runs: more adds than the new delta holds, and more removals.
      for (let owner = 2001; owner <= 2030; owner++) addOne(owner);
      for (let owner = 11; owner <= 20; owner++) {
        index.remove(owner);
        hashes.delete(owner);
      }
      // Bounded wait for every rebuild these changes call for (one may be due on a timer turn).
      const due = () => index.rebuilding || index.stats.tombstones > 5 || index.stats.deltaEntries > 6;
      for (let wait = 0; wait < 4000 && due(); wait++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(index.rebuilding, false);
      assert.ok(index.stats.rebuilds >= 3, `rebuilds: ${index.stats.rebuilds}`);
      assert.ok(index.stats.tombstones <= 5);
      assert.equal(index.size, hashes.size);
      for (let owner = 1; owner <= 2030; owner++) {
        const hash = hashes.get(owner);
        const found = owns(index.query(hash ?? randomHash(next), 0), owner);
        assert.equal(found, hash !== undefined, `owner ${owner}`);
      }
    } finally {
      index.close();
    }
  });
});
