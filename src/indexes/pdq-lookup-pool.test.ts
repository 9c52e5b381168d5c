import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { flip, generator, randomHash } from '../../test/support/pdq-hashes.js';
import { type IndexHit, LinearPdqIndex, PdqLookupPool, SharedPdqIndex } from './index.js';

describe('PdqLookupPool: lookups answered by worker threads from a SharedPdqIndex', () => {
  const next = generator(20261206);
  const index = new SharedPdqIndex({ rebuildMinimum: 20, autoRebuild: false });
  const brute = new LinearPdqIndex();
  const stored: string[] = [];
  let pool: PdqLookupPool;

  const addBoth = (owner: number, hash: string) => {
    index.add(owner, hash);
    brute.add(owner, hash);
  };
  /** The same batch sent to every worker at once (the pool spreads batches by load). */
  const everyWorker = async (values: string[], radius: number): Promise<IndexHit[][][]> =>
    Promise.all(Array.from({ length: pool.size }, () => pool.queryMany(values, radius)));

  before(() => {
    for (let owner = 1; owner <= 3000; owner++) {
      const hash = randomHash(next);
      stored.push(hash);
      addBoth(owner, hash);
    }
    index.rebuild();
    pool = new PdqLookupPool(index, { workers: 2 });
  });

  after(async () => {
    await pool.close();
    index.close();
  });

  test('answers as the brute-force scan and the index on this thread do', async () => {
    assert.equal(pool.size, 2);
    const queries = stored.slice(0, 40).map((hash, i) => flip(hash, i % 32));
    for (const radius of [0, 10, 31, 40]) {
      const expected = queries.map((query) => brute.query(query, radius));
      assert.ok(
        expected.some((hits) => hits.length > 0),
        'planted neighbours are found',
      );
      assert.deepEqual(
        queries.map((query) => index.query(query, radius)),
        expected,
      );
      for (const answer of await everyWorker(queries, radius)) assert.deepEqual(answer, expected, `radius ${radius}`);
    }
  });

  test('adds and removes are seen by every worker on its next lookup, in the delta and past it', async () => {
    const generation = index.generation;
    const added: string[] = [];
    // 25 adds: 21 fill the delta (rebuildMinimum 20), 4 lie past it and are scanned.
    for (let i = 0; i < 25; i++) {
      const hash = randomHash(next);
      added.push(hash);
      addBoth(10_000 + i, hash);
    }
    assert.equal(index.generation, generation, 'appends publish in place: no new generation');
    const queries = added.map((hash) => flip(hash, 5));
    for (const answer of await everyWorker(queries, 31)) {
      assert.deepEqual(
        answer.map((hits) => hits.map((hit) => hit.owner)),
        added.map((_, i) => [10_000 + i]),
      );
    }
    index.remove(10_003);
    brute.remove(10_003);
    index.remove(7);
    brute.remove(7);
    const gone = [flip(added[3] as string, 2), flip(stored[6] as string, 2)];
    for (const answer of await everyWorker(gone, 31)) assert.deepEqual(answer, [[], []]);
  });

  test('a rebuild makes a new generation; a lookup sent before it finishes on the old one', async () => {
    const query = flip(stored[100] as string, 9);
    const before = index.generation;
    const early = pool.queryMany([query], 31);
    index.rebuild();
    assert.ok(index.generation > before);
    assert.deepEqual((await early)[0], brute.query(query, 31));
    const fresh = randomHash(next);
    addBoth(20_000, fresh);
    for (const answer of await everyWorker([query, flip(fresh, 3)], 31)) {
      assert.deepEqual(answer, [brute.query(query, 31), brute.query(flip(fresh, 3), 31)]);
    }
  });

  test('a store that grows into new arrays is a new generation the workers follow', async () => {
    const before = index.generation;
    const owners: number[] = [];
    const words = new Uint32Array(8 * 5000);
    for (let i = 0; i < 5000; i++) {
      owners.push(30_000 + i);
      for (let w = 0; w < 8; w++) words[i * 8 + w] = next();
    }
    index.addMany(owners, words);
    brute.addMany(owners, words);
    assert.ok(index.generation > before, 'the store grew');
    let last = '';
    for (let w = 0; w < 8; w++) last += (words[4999 * 8 + w] as number).toString(16).padStart(8, '0');
    const value = flip(last, 4);
    assert.deepEqual(
      brute.query(value, 31).map((hit) => hit.owner),
      [34_999],
    );
    for (const answer of await everyWorker([value], 31)) assert.deepEqual(answer, [brute.query(value, 31)]);
    assert.equal(index.size, brute.size);
  });

  test('a malformed hash is refused before any worker sees it', async () => {
    await assert.rejects(pool.query('not a hash', 31), (error: Error & { code?: string }) => {
      return error.code === 'SIGNAL_INVALID_HASH';
    });
  });
});

describe('SharedPdqIndex rebuilds by itself, but only after the first explicit rebuild', () => {
  test('a bulk load is not rebuilt batch after batch; afterwards a full delta is folded in, in the background', async () => {
    const next = generator(7);
    const index = new SharedPdqIndex({ rebuildMinimum: 5 });
    const turn = () => new Promise((resolve) => setTimeout(resolve, 5));
    for (let owner = 1; owner <= 40; owner++) index.add(owner, randomHash(next));
    await turn();
    assert.equal(index.stats.rebuilds, 0, 'no rebuild during the load');
    index.rebuild();
    const generation = index.generation;
    for (let owner = 41; owner <= 50; owner++) index.add(owner, randomHash(next));
    assert.equal(index.stats.rebuilds, 1);
    await turn();
    assert.ok(index.rebuilding || index.stats.rebuilds === 2, 'a background rebuild started');
    // Bounded wait for the builder thread (no timing asserted: only that it finishes).
    for (let wait = 0; wait < 2000 && index.rebuilding; wait++) await turn();
    assert.equal(index.stats.rebuilds, 2, 'the overflowing delta was folded in');
    assert.ok(index.generation > generation);
    assert.equal(index.stats.deltaEntries, 0);
    index.close();
  });
});
