/**
 * One side of `npm run bench -- rules`, in a process of its own so that each side gets a fresh V8
 * heap and JIT: `node rules-side.js <root> <policy directory> <events>` opens a durable engine
 * (SQLite store in a temporary directory, the built-in packs, the benchmark's policy) on the code
 * compiled under `root` (a `build/bench` directory: this branch's, or another commit's built in its
 * own worktree), ingests the synthetic events in calls of 5,000, draining after each, and prints
 * one JSON line: seconds, CPU seconds, and the stored rule hits' number and SHA-256 (which must be
 * the same on both sides: the same events through the same policy give the same hits).
 *
 * Only the engine, storage and app doors are loaded from `root`; the events and the policy are
 * this branch's (`rules-workload.ts`, which imports nothing from src/).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { syntheticEvent } from './rules-workload.js';
import { timed } from './side-measure.js';

type AppDoor = typeof import('../../src/app/index.js');
type EngineDoor = typeof import('../../src/engine/index.js');
type StorageDoor = typeof import('../../src/storage/index.js');

const [root, policy, count] = process.argv.slice(2);
const total = Number(count);
if (root === undefined || policy === undefined || !Number.isSafeInteger(total) || total <= 0)
  throw new Error('usage: rules-side.js <build root> <policy directory> <events>');
const door = async <T>(name: string): Promise<T> =>
  (await import(pathToFileURL(join(root, 'src', name, 'index.js')).href)) as T;
const { builtinPacks } = await door<AppDoor>('app');
const { openEngine } = await door<EngineDoor>('engine');
const { openStorage } = await door<StorageDoor>('storage');

const directory = await mkdtemp(join(tmpdir(), 'prevail-rules-side-'));
try {
  const storage = await openStorage({ dataDir: directory });
  const { engine } = await openEngine(storage.engine, policy, {
    packRegistry: builtinPacks,
    snapshotEvery: 200_000,
    batchSize: 2000,
  });
  const base = Date.parse('2026-10-01T00:00:00Z');
  const { seconds, cpuSeconds } = await timed(async () => {
    for (let start = 0; start < total; start += 5000) {
      const batch = [];
      for (let i = start; i < Math.min(total, start + 5000); i++) batch.push(syntheticEvent(i, base));
      await engine.ingest(batch);
      await engine.drain();
    }
  });
  await storage.close();
  const database = new BetterSqlite3(join(directory, 'prevail.sqlite'), { readonly: true });
  const digest = createHash('sha256');
  let hits = 0;
  for (const row of database
    .prepare('select event_id, rule_id, mode, subject, reason, effects_json from rule_hits order by event_id, rule_id')
    .iterate()) {
    digest.update(`${JSON.stringify(row)}\n`);
    hits++;
  }
  database.close();
  console.log(
    JSON.stringify({
      events: total,
      seconds,
      cpuSeconds,
      hits,
      hitsSha256: digest.digest('hex'),
    }),
  );
} finally {
  await rm(directory, { recursive: true, force: true });
}
