/**
 * The signals engine on PostgreSQL (the Kysely path; SQLite uses prepared statements): the same
 * scenario as on SQLite — a match, a session and a payment on linked entities make one case — in
 * a fresh schema dropped afterwards. Skips with a reason when PostgreSQL is unreachable, except
 * under CI.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { AuditLog } from '../../src/audit/index.js';
import { openEngine } from '../../src/engine/index.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { examplePacks, examplePolicy, syntheticEvent } from '../support/engine-harness.js';
import { dropPostgresSchemas, postgresSkipReason, postgresUrl } from '../support/postgres.js';

const skip = await postgresSkipReason();
const schema = `test_engine_${randomBytes(4).toString('hex')}`;

describe('signals engine on PostgreSQL', { skip }, () => {
  let storage: Storage | undefined;
  after(async () => {
    await storage?.close();
    await dropPostgresSchemas([schema]);
  });

  test('one case from a match, a session and a payment; idempotent ingestion; audit chain', async () => {
    storage = await openStorage({ databaseUrl: postgresUrl, schema });
    const { engine } = await openEngine(storage.engine, examplePolicy, { packRegistry: examplePacks });
    const events = [
      syntheticEvent(
        'account.updated',
        { user: 'pg-u1', payment_account: 'pg-acct' },
        {},
        '2026-11-01T08:00:00Z',
        'pg-link',
      ),
      syntheticEvent(
        'media.matched',
        { user: 'pg-u1' },
        { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 3 }] },
        '2026-11-01T09:00:00Z',
        'pg-match',
      ),
      syntheticEvent(
        'session.started',
        { user: 'pg-u1', stream: 'pg-s' },
        { kind: 'call', visibility: 'private' },
        '2026-11-01T10:00:00Z',
        'pg-session',
      ),
      syntheticEvent(
        'payment.sent',
        { payment_account: 'pg-acct', payee_account: 'pg-payee' },
        { amount: 10, currency: 'USD' },
        '2026-11-01T10:05:00Z',
        'pg-payment',
      ),
    ];
    const results = await engine.ingest(events, { wait: true });
    assert.deepEqual(
      results.map((result) => result.status),
      ['accepted', 'accepted', 'accepted', 'accepted'],
    );
    assert.deepEqual(
      (await engine.ingest(events)).map((result) => result.status),
      ['duplicate', 'duplicate', 'duplicate', 'duplicate'],
    );
    const [opened, ...others] = await storage.engine.cases.list();
    assert.equal(others.length, 0);
    assert.equal(opened?.subject, 'user:pg-u1');
    const refs = (await storage.engine.cases.timeline(opened?.id ?? 0)).map((entry) => entry.ref);
    for (const ref of ['event:pg-match', 'event:pg-session', 'event:pg-payment']) assert.ok(refs.includes(ref), ref);
    const stats = await storage.engine.ruleHitStats();
    assert.equal(stats.find((row) => row.ruleId === 'banked_media_match')?.hits, 1);
    const links = await storage.engine.links('payment_account:pg-acct');
    assert.ok(links.some((link) => link.kind === 'pays'));
    const audit = new AuditLog(storage.engine.audit);
    await audit.record({ actor: 'test', action: 'case.view', subject: `case:${opened?.id}`, reason: 'check' });
    assert.deepEqual(await audit.verify(), { ok: true, entries: 1 });
  });
});
