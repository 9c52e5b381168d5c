import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openStorage, resolveStorageTarget } from '../index.js';

/** SQLite's plan for `query`, one line. */
function plan(db: BetterSqlite3.Database, query: string): string {
  return (db.prepare(`explain query plan ${query}`).all() as { detail: string }[]).map((row) => row.detail).join(' | ');
}

test('migration 0014: a subject’s rule hits and a queue page are read through indexes, not scans and sorts', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'prevail-0014-'));
  try {
    await (await openStorage({ dataDir })).close();
    const target = resolveStorageTarget({ dataDir });
    assert.equal(target.dialect, 'sqlite');
    const db = new BetterSqlite3(target.dialect === 'sqlite' ? target.file : '');
    try {
      // EngineStore.hitsFor
      const hits = plan(db, `select * from rule_hits where subject = 'user:a' order by event_seq limit 500`);
      assert.match(hits, /USING INDEX rule_hits_by_subject \(subject=\?\)/);
      assert.doesNotMatch(hits, /TEMP B-TREE/);
      // The shape of KyselyQueueRepository.page for the default general queue (not matched by the two before it).
      const page = plan(
        db,
        `select cases.id from cases left join case_claims as claim on claim.case_id = cases.id and claim.expires_at > '2026'
         where cases.status in ('open', 'in_review', 'escalated')
           and (not (cases.source in ('hash_match', 'stream')) and not (cases.source in ('payments')))
         order by (case when cases.imminent then 0 when cases.source in ('hash_match', 'stream') then 1 else 2 end),
           cases.opened_at, cases.id limit 50`,
      );
      assert.match(page, /USING INDEX cases_queue_order/);
      assert.doesNotMatch(page, /TEMP B-TREE/);
      const indexes = db
        .prepare(`select name from sqlite_master where type = 'index' and name = 'cases_queue_traits'`)
        .all();
      assert.deepEqual(indexes, []);
    } finally {
      db.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
