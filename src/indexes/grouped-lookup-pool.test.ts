import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { flip, generator, randomHash } from '../../test/support/pdq-hashes.js';
import { isEngineError } from '../core/index.js';
import { groupHits, LinearPdqIndex, PdqLookupPool, SharedGroupedPdqIndex, SharedPdqIndex } from './index.js';
import { workerEntry } from './worker-entry.js';

/**
 * The real lookup worker, which exits with code 3 when it is given the grouped index `crash`
 * (on its first lookup there). The exit listener is added once the worker's own is (before, it
 * would start the port early and the worker would miss the first messages), so it runs second.
 */
function crashingEntry(): { script: string; eval: true } {
  const entry = workerEntry('pdq-lookup-worker');
  const load = entry.eval
    ? String(entry.script).replace(/;\s*$/, '')
    : `import(${JSON.stringify(String(entry.script))})`;
  return {
    eval: true,
    script: `(${load}).then(() => require('node:worker_threads').parentPort.on('message', (message) => {
      if (message.kind === 'attach-grouped' && message.name === 'crash') process.exit(3);
    }));`,
  };
}

/** An internal error naming the crash. */
function crashed(error: unknown): boolean {
  assert.ok(isEngineError(error));
  assert.equal(error.code, 'INTERNAL');
  assert.match(error.message, /stopped: exit code 3/);
  return true;
}

describe('PdqLookupPool with a grouped index: a worker that crashes', () => {
  const next = generator(77);
  const grouped = new SharedGroupedPdqIndex({ autoRebuild: false });
  const pdq = new SharedPdqIndex({ autoRebuild: false });
  /** The reference: entries on one thread, grouped by the same table. */
  const entries = new LinearPdqIndex();
  const ownerOf = new Map<number, number>();
  const hashes: string[] = [];
  let pool: PdqLookupPool;

  const expected = (value: string, radius: number) =>
    groupHits(entries.query(value, radius), (entry) => ownerOf.get(entry));

  before(() => {
    for (let entry = 1; entry <= 500; entry++) {
      const hash = randomHash(next);
      hashes.push(hash);
      const owner = 1 + (entry % 60);
      grouped.add(entry, owner, hash);
      entries.add(entry, hash);
      ownerOf.set(entry, owner);
      pdq.add(entry, hash);
    }
    grouped.rebuild();
    pdq.rebuild();
    pool = new PdqLookupPool(pdq, { workers: 2, grouped: { frames: grouped, crash: grouped }, entry: crashingEntry() });
  });

  after(async () => {
    await pool.close();
    grouped.close();
    pdq.close();
  });

  test('fails its batches with INTERNAL and is not replaced; the other worker answers the rest', async () => {
    const query = flip(hashes[10] as string, 6);
    assert.deepEqual(
      expected(query, 31).map((hit) => hit.owner),
      [1 + (11 % 60)],
    );
    // Both workers idle: the first takes the crashing batch, the second the next one, and the
    // first (tied at one batch each) the one after, which its crash fails too.
    const crashing = pool.queryGroupedMany('crash', [query], 31);
    const answered = pool.queryGroupedMany('frames', [query], 31);
    const behind = pool.queryGroupedMany('frames', [query], 31);
    await assert.rejects(crashing, crashed);
    await assert.rejects(behind, crashed);
    assert.deepEqual(await answered, [expected(query, 31)]);
    assert.equal(pool.size, 1, 'the dead worker is not replaced');

    // The survivor answers every index, changes included.
    const added = randomHash(next);
    grouped.add(501, 999, added);
    entries.add(501, added);
    ownerOf.set(501, 999);
    const values = [query, flip(added, 4), randomHash(next)];
    assert.deepEqual(
      await pool.queryGroupedMany('frames', values, 31),
      values.map((value) => expected(value, 31)),
    );
    assert.deepEqual(await pool.queryMany([query], 31), [pdq.query(query, 31)]);
  });
});
