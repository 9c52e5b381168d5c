import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openStorage, type Storage } from '../storage/index.js';
import { AuditLog } from './audit-log.js';
import { canonicalJson } from './canonical-json.js';

describe('AuditLog', () => {
  let directory: string;
  let storage: Storage;
  let audit: AuditLog;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-audit-'));
    storage = await openStorage({ dataDir: directory });
    audit = new AuditLog(storage.engine.audit);
    for (let i = 1; i <= 10; i++) {
      await audit.record({
        actor: `person:reviewer${i % 3}`,
        action: 'case.view',
        subject: `case:${i}`,
        reason: 'triage',
        detail: { i },
      });
    }
  });
  after(async () => {
    await storage.close();
    await rm(directory, { recursive: true, force: true });
  });

  const tamper = (statement: string) => {
    const database = new BetterSqlite3(join(directory, 'prevail.sqlite'));
    try {
      database.exec(statement);
    } finally {
      database.close();
    }
  };

  test('canonical JSON sorts keys at every level', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }),
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  test('a fresh chain verifies, and concurrent records stay in one chain', async () => {
    await Promise.all([
      audit.record({ actor: 'a', action: 'x', subject: 's', reason: 'r' }),
      audit.record({ actor: 'b', action: 'y', subject: 's', reason: 'r' }),
    ]);
    assert.deepEqual(await audit.verify(), { ok: true, entries: 12 });
  });

  test('an edited entry is found', async () => {
    tamper("update audit_log set reason = 'nothing to see' where seq = 4");
    const result = await audit.verify();
    assert.deepEqual([result.ok, result.problem?.seq], [false, 4]);
    assert.match(result.problem?.reason ?? '', /edited/);
    tamper("update audit_log set reason = 'triage' where seq = 4");
    assert.equal((await audit.verify()).ok, true, 'restoring the text restores the chain');
  });

  test('a removed entry is found', async () => {
    tamper('create table saved as select * from audit_log where seq = 6; delete from audit_log where seq = 6');
    const result = await audit.verify();
    assert.deepEqual([result.ok, result.problem?.seq], [false, 6]);
    assert.match(result.problem?.reason ?? '', /missing/);
    tamper('insert into audit_log select * from saved; drop table saved');
  });

  test('reordered entries are found', async () => {
    tamper(`
      update audit_log set seq = -1 where seq = 7;
      update audit_log set seq = 7 where seq = 8;
      update audit_log set seq = 8 where seq = -1;`);
    const result = await audit.verify();
    assert.deepEqual([result.ok, result.problem?.seq], [false, 7]);
  });
});
