/**
 * The case lifecycle against an engine that keeps running while people close cases, and across
 * restarts, on SQLite and PostgreSQL: a closed case stays closed, only a case effect opens a new
 * case for its subject, and the result does not depend on when the engine restarted.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { caseBackends, openCaseRig } from '../support/case-backends.js';
import { syntheticEvent } from '../support/engine-harness.js';

const backends = await caseBackends();
const access = { actor: 'person:reviewer', reason: 'lifecycle test' };

const match = (id: string, user: string, time: string) =>
  syntheticEvent(
    'media.matched',
    { user },
    { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 2 }] },
    time,
    id,
  );
const ordinary = (id: string, user: string, time: string) =>
  syntheticEvent('account.updated', { user }, { changed: ['email'] }, time, id);

for (const backend of backends) {
  describe(`case lifecycle on ${backend.name}`, { skip: backend.skip }, () => {
    after(() => backend.cleanup());

    /**
     * Opens a case (a match), adds an ordinary event, closes the case through the cases service,
     * then sends ordinary events, a second match and one more ordinary event; with `restart`, the
     * engine restarts right after the close. Returns every case with its event refs.
     */
    async function scenario(user: string, restart: boolean) {
      const place = await backend.place();
      let rig = await openCaseRig(backend, place);
      try {
        await rig.engine.ingest([match(`${user}-m1`, user, '2026-11-01T09:00:00Z')], { wait: true });
        await rig.engine.ingest([ordinary(`${user}-e1`, user, '2026-11-01T09:10:00Z')], { wait: true });
        const [opened] = await rig.storage.engine.cases.list({ subject: `user:${user}` });
        assert.ok(opened, 'the match opened a case');
        await rig.cases.update(opened.id, { status: 'closed', decision: 'dismissed' }, access);
        if (restart) {
          await rig.close();
          rig = await openCaseRig(backend, place);
        }
        await rig.engine.ingest([ordinary(`${user}-e2`, user, '2026-11-01T10:00:00Z')], { wait: true });
        await rig.engine.ingest([ordinary(`${user}-e3`, user, '2026-11-01T11:00:00Z')], { wait: true });
        await rig.engine.ingest([match(`${user}-m2`, user, '2026-11-02T09:00:00Z')], { wait: true });
        await rig.engine.ingest([ordinary(`${user}-e4`, user, '2026-11-02T10:00:00Z')], { wait: true });
        const cases = (await rig.storage.engine.cases.list({ subject: `user:${user}` })).reverse();
        // Awaited here, before `finally` closes the store under the timeline reads.
        return await Promise.all(
          cases.map(async (item) => ({
            status: item.status,
            priority: item.priority,
            decision: item.decision,
            events: (await rig.storage.engine.cases.timeline(item.id))
              .filter((entry) => entry.ref.startsWith('event:'))
              .map((entry) => entry.ref.replace(`event:${user}-`, ''))
              .sort(),
          })),
        );
      } finally {
        await rig.close();
      }
    }

    test('a closed case does not come back as a new case on the next ordinary event, with or without a restart', async () => {
      const control = await scenario('u-control', false);
      assert.deepEqual(control, [
        { status: 'closed', priority: 'urgent', decision: 'dismissed', events: ['e1', 'm1'] },
        { status: 'open', priority: 'urgent', decision: null, events: ['e4', 'm2'] },
      ]);
      const restarted = await scenario('u-restart', true);
      assert.deepEqual(restarted, control, 'the same events give the same cases whether or not the engine restarted');
    });

    test('a close told to the engine after a case effect reopened the subject never hides the new case', async () => {
      const rig = await openCaseRig(backend, await backend.place());
      try {
        await rig.engine.ingest([match('race-m1', 'race', '2026-11-01T09:00:00Z')], { wait: true });
        const [first] = await rig.storage.engine.cases.list({ subject: 'user:race' });
        assert.ok(first);
        // The close is stored while the engine is busy, and only told to it after a case effect
        // in flight has opened a new case for the same subject.
        const closed = await rig.storage.engine.cases.update(
          first.id,
          { status: 'closed', closedAt: '2026-11-01T09:30:00Z', retainUntilMs: null },
          { kind: 'status', ref: 'change:race', time: '2026-11-01T09:30:00Z', summary: 'closed', detail: null },
        );
        assert.ok(closed);
        await rig.engine.ingest([match('race-m2', 'race', '2026-11-01T10:00:00Z')], { wait: true });
        rig.engine.caseChanged(closed);
        await rig.engine.ingest([ordinary('race-e1', 'race', '2026-11-01T11:00:00Z')], { wait: true });
        const [second, again] = await rig.storage.engine.cases.list({ subject: 'user:race' });
        assert.deepEqual([second?.status, again?.id], ['open', first.id]);
        const refs = (await rig.storage.engine.cases.timeline(second?.id ?? 0)).map((entry) => entry.ref);
        assert.ok(refs.includes('event:race-e1'), `the ordinary event joined the new case: ${refs.join(', ')}`);
      } finally {
        await rig.close();
      }
    });

    test('two people changing a case at once cannot both win: closed stays final', async () => {
      const rig = await openCaseRig(backend, await backend.place());
      try {
        await rig.engine.ingest([match('cc-m1', 'cc', '2026-11-01T09:00:00Z')], { wait: true });
        const [opened] = await rig.storage.engine.cases.list({ subject: 'user:cc' });
        assert.ok(opened);
        const outcomes = await Promise.allSettled([
          rig.cases.update(opened.id, { status: 'closed' }, access),
          rig.cases.update(opened.id, { status: 'in_review' }, access),
        ]);
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        assert.equal(won.length, 1, JSON.stringify(outcomes));
        const lost = outcomes.find((outcome) => outcome.status === 'rejected');
        assert.equal((lost?.reason as { code?: string } | undefined)?.code, 'CASE_TRANSITION_INVALID');
        const final = await rig.storage.engine.cases.get(opened.id);
        assert.equal(final?.status, (won[0] as PromiseFulfilledResult<{ status: string }>).value.status);
      } finally {
        await rig.close();
      }
    });

    test('a closed case cannot be reopened or changed; only its legal hold can', async () => {
      const rig = await openCaseRig(backend, await backend.place());
      try {
        await rig.engine.ingest([match('lc-m1', 'lc', '2026-11-01T09:00:00Z')], { wait: true });
        const [opened] = await rig.storage.engine.cases.list({ subject: 'user:lc' });
        assert.ok(opened);
        await assert.rejects(rig.cases.update(opened.id, { status: 'decided' }, access), {
          code: 'CASE_TRANSITION_INVALID',
        });
        await rig.cases.update(opened.id, { status: 'decided', decision: 'confirmed' }, access);
        await assert.rejects(rig.cases.update(opened.id, { status: 'open' }, access), {
          code: 'CASE_TRANSITION_INVALID',
        });
        await rig.cases.update(opened.id, { status: 'closed' }, access);
        await assert.rejects(rig.cases.update(opened.id, { status: 'in_review' }, access), {
          code: 'CASE_TRANSITION_INVALID',
        });
        await assert.rejects(rig.cases.update(opened.id, { assignee: 'someone' }, access), {
          code: 'CASE_TRANSITION_INVALID',
        });
        const held = await rig.cases.update(opened.id, { legalHold: true }, { ...access, reason: 'court order 4' });
        assert.equal(held.status, 'closed');
        assert.equal(held.legalHold?.reason, 'court order 4');
        assert.equal(held.status, 'closed');
      } finally {
        await rig.close();
      }
    });
  });
}
