/**
 * Retention against history ingested late, far-future clocks and legal holds, on SQLite and
 * PostgreSQL: a case is purged only when it is closed, its retention (counted from its closing)
 * has ended, and it has no legal hold; instants are compared as numbers.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { caseBackends, openCaseRig } from '../support/case-backends.js';
import { syntheticEvent } from '../support/engine-harness.js';

const backends = await caseBackends();
const access = { actor: 'person:reviewer', reason: 'retention test' };
const yearMs = 365 * 24 * 3600 * 1000;

const oldMatch = (id: string, user: string) =>
  syntheticEvent(
    'media.matched',
    { user },
    { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 2 }] },
    '2019-03-01T09:00:00Z',
    id,
  );

for (const backend of backends) {
  describe(`case retention on ${backend.name}`, { skip: backend.skip }, () => {
    after(() => backend.cleanup());

    /** A rig whose cases-service clock the test sets. */
    async function rigWithClock(start: string) {
      let now = new Date(start);
      const rig = await openCaseRig(backend, await backend.place(), () => now);
      return { rig, setNow: (iso: string) => (now = new Date(iso)) };
    }

    test('open cases are never purged, whatever their retention date', async () => {
      const { rig, setNow } = await rigWithClock('2026-12-06T08:00:00Z');
      try {
        // History from 2019 ingested today: the case's events are years old.
        await rig.engine.ingest([oldMatch('old-1', 'old')], { wait: true });
        const [opened] = await rig.storage.engine.cases.list({ subject: 'user:old' });
        assert.ok(opened);
        assert.equal(opened.retainUntil, null, 'no retention clock while the case is not closed');
        setNow('2090-01-01T00:00:00Z');
        assert.deepEqual(await rig.cases.purgeExpired('system:test'), [], 'open');
        for (const step of [
          { status: 'in_review' as const },
          { status: 'decided' as const, decision: 'confirmed' as const },
          { status: 'reported' as const },
        ]) {
          await rig.cases.update(opened.id, step, access);
          assert.deepEqual(await rig.cases.purgeExpired('system:test'), [], step.status);
        }
        assert.equal((await rig.storage.engine.cases.get(opened.id))?.status, 'reported');
      } finally {
        await rig.close();
      }
    });

    test('retention runs from the closing time, not from the time of the events', async () => {
      const closedAt = '2026-12-06T08:00:00.000Z';
      const { rig, setNow } = await rigWithClock(closedAt);
      try {
        await rig.engine.ingest([oldMatch('old-2', 'closing')], { wait: true });
        const [opened] = await rig.storage.engine.cases.list({ subject: 'user:closing' });
        assert.ok(opened);
        const closed = await rig.cases.update(opened.id, { status: 'closed' }, access);
        assert.equal(closed.closedAt, closedAt);
        const end = Date.parse(closedAt) + yearMs;
        assert.equal(closed.retainUntil, new Date(end).toISOString());
        setNow(new Date(end - 1).toISOString());
        assert.deepEqual(await rig.cases.purgeExpired('system:test'), [], 'one millisecond before the end');
        setNow(new Date(end + 1).toISOString());
        assert.deepEqual(await rig.cases.purgeExpired('system:test'), [opened.id]);
        const entries = [];
        for (let seq = 0; ; seq += 1000) {
          const page = await rig.storage.engine.audit.page(seq, 1000);
          if (page.length === 0) break;
          entries.push(...page);
        }
        assert.equal(entries.filter((entry) => entry.action === 'case.purge').length, 1, 'the purge is audited once');
      } finally {
        await rig.close();
      }
    });

    test('a legally held case is never purged; lifting the hold lets retention run', async () => {
      const { rig, setNow } = await rigWithClock('2026-12-06T08:00:00Z');
      try {
        await rig.engine.ingest([oldMatch('old-3', 'held')], { wait: true });
        const [opened] = await rig.storage.engine.cases.list({ subject: 'user:held' });
        assert.ok(opened);
        await rig.cases.update(opened.id, { legalHold: true }, { ...access, reason: 'preservation order 9' });
        await rig.cases.update(opened.id, { status: 'closed', decision: 'confirmed' }, access);
        setNow('2100-01-01T00:00:00Z');
        assert.deepEqual(await rig.cases.purgeExpired('system:test'), []);
        const lifted = await rig.cases.update(opened.id, { legalHold: false }, { ...access, reason: 'order lifted' });
        assert.equal(lifted.legalHold, null);
        assert.deepEqual(await rig.cases.purgeExpired('system:test'), [opened.id]);
      } finally {
        await rig.close();
      }
    });

    test('retention instants are compared as instants, not text: a year past 9999 is later than 2026', async () => {
      const { rig, setNow } = await rigWithClock('9999-06-01T00:00:00Z');
      try {
        await rig.engine.ingest([oldMatch('old-4', 'far')], { wait: true });
        const [opened] = await rig.storage.engine.cases.list({ subject: 'user:far' });
        assert.ok(opened);
        const closed = await rig.cases.update(opened.id, { status: 'closed' }, access);
        assert.match(closed.retainUntil ?? '', /^\+010000-/);
        setNow('2026-12-06T08:00:00Z');
        assert.deepEqual(await rig.cases.purgeExpired('system:test'), [], '"+010000-…" sorts before "2026-…" as text');
        setNow('9999-12-31T00:00:00Z');
        assert.deepEqual(await rig.cases.purgeExpired('system:test'), []);
      } finally {
        await rig.close();
      }
    });
  });
}
