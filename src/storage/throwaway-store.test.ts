import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openStorage } from './index.js';

/** The index names of the SQLite file, read after the store is closed. */
function indexesOf(file: string): Set<string> {
  const connection = new BetterSqlite3(file, { readonly: true });
  try {
    const rows = connection.prepare("select name from sqlite_master where type = 'index'").all() as { name: string }[];
    return new Set(rows.map((row) => row.name));
  } finally {
    connection.close();
  }
}

describe('a throwaway SQLite store', () => {
  const directories: string[] = [];
  after(async () => {
    for (const directory of directories) await rm(directory, { recursive: true, force: true });
  });

  async function opened(throwaway: boolean) {
    const directory = await mkdtemp(join(tmpdir(), 'prevail-throwaway-'));
    directories.push(directory);
    const storage = await openStorage({ dataDir: directory, throwaway });
    await storage.banks.createBank({ name: 'SAMPLE_BANK' });
    const wal = existsSync(join(directory, 'prevail.sqlite-wal'));
    const banks = await storage.banks.listBanks();
    await storage.close();
    return { wal, banks, indexes: indexesOf(join(directory, 'prevail.sqlite')) };
  }

  test('writes without a WAL and drops only the indexes people read by; a kept store keeps both', async () => {
    const kept = await opened(false);
    const throwaway = await opened(true);
    assert.equal(kept.wal, true);
    assert.equal(throwaway.wal, false);
    assert.deepEqual(
      throwaway.banks.map((bank) => bank.name),
      ['SAMPLE_BANK'],
    );
    for (const name of [
      'case_timeline_by_time',
      'case_timeline_by_kind',
      'rule_hits_by_subject',
      'cases_queue_order',
    ]) {
      assert.ok(kept.indexes.has(name), `a kept store has ${name}`);
      assert.ok(!throwaway.indexes.has(name), `a throwaway store has no ${name}`);
    }
    // What the engine reads while processing keeps its indexes: links by either end, open cases.
    for (const name of ['entity_links_to', 'cases_one_open_per_subject']) assert.ok(throwaway.indexes.has(name), name);
  });
});
