import { join } from 'node:path';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { builtinPacks } from './build/bench/src/app/index.js';
import { openEngine } from './build/bench/src/engine/index.js';
import { openStorage } from './build/bench/src/storage/index.js';
import { syntheticEvent, writePolicy } from './build/bench/bench/lib/rules-workload.js';
await writePolicy('/tmp/rules-policy');
const directory = await mkdtemp(join(tmpdir(), 'scratch-size-'));
const storage = await openStorage({ dataDir: directory });
const { engine } = await openEngine(storage.engine, '/tmp/rules-policy', { packRegistry: builtinPacks, snapshotEvery: 200_000, batchSize: 2000 });
const base = Date.parse('2026-10-01T00:00:00Z');
for (let start = 0; start < 100000; start += 5000) {
  const batch = [];
  for (let i = start; i < start + 5000; i++) batch.push(syntheticEvent(i, base));
  await engine.ingest(batch);
  await engine.drain();
}
await storage.close();
const db = new BetterSqlite3(join(directory, 'prevail.sqlite'), { readonly: true });
for (const row of db.prepare("select name, sum(pgsize) as bytes, count(*) as pages from dbstat group by name order by bytes desc limit 12").all()) process.stdout.write(JSON.stringify(row) + '\n');
for (const t of ['events','rule_hits','entity_links','typology_contributions','cases','case_timeline']) {
  try { process.stdout.write(t + ' ' + db.prepare(`select count(*) from ${t}`).pluck().get() + '\n'); } catch (e) { process.stdout.write(t + ' ' + e.message + '\n'); }
}
process.stdout.write(JSON.stringify(db.prepare('select * from rule_hits limit 2').all()) + '\n');
process.stdout.write(JSON.stringify(db.prepare('select * from events limit 2').all()) + '\n');
process.stdout.write(directory + '\n');
