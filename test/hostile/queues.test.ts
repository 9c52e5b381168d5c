/**
 * Review queues on SQLite and PostgreSQL, with cases opened by a real engine: traits derived from
 * what the engine adds (bank and stream matches, payments with a typology, chat, imminent harm),
 * routing (first match, then the default), the queue order, exclusive timed claims, step away,
 * and who may work which queue.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AuditLog } from '../../src/audit/index.js';
import { CaseService } from '../../src/cases/index.js';
import { openEngine, type SignalsEngine } from '../../src/engine/index.js';
import type { Person } from '../../src/people/index.js';
import { compileRouting, type QueuePolicy, QueueService, routeCase } from '../../src/queues/index.js';
import type { Storage } from '../../src/storage/index.js';
import { caseBackends } from '../support/case-backends.js';
import { syntheticEvent } from '../support/engine-harness.js';

const backends = await caseBackends();

/** A policy whose rules open a case for each kind of evidence (synthetic, benign). */
const policyFiles: Record<string, string> = {
  'labels.yaml': 'labels: [imminent_harm]\n',
  'typologies.yaml': `typologies:
  - name: t_pay
    description: test payments typology
    subject: payment_account
    window: 30d
    alert_threshold: 10
    case_threshold: 10
    case_priority: medium
`,
  'rules/cases.yaml': `rules:
  - id: bank_match
    description: a bank match opens a case
    events: [media.matched]
    when: size(matches) > 0
    mode: active
    effects:
      - case: { subject: user, priority: urgent }
  - id: payment_pattern
    description: a payment feeds the test typology
    events: [payment.sent]
    when: event.data.amount > 0.0
    mode: active
    effects:
      - typology: { name: t_pay, points: 10 }
  - id: chat_case
    description: a chat message opens a case
    events: [message.sent]
    when: "true"
    mode: active
    effects:
      - case: { subject: user, priority: high }
  - id: report_case
    description: a user report opens a case
    events: [report.filed]
    when: "true"
    mode: active
    effects:
      - case: { subject: user, priority: low }
  - id: report_imminent
    description: a report of imminent harm marks it
    events: [report.filed]
    when: event.data.category == "imminent"
    mode: active
    effects:
      - label: { entity: user, add: imminent_harm }
      - case: { subject: user, priority: low }
`,
};

const person = (login: string, roles: Person['roles'], optedIn = true, disabled = false): Person => ({
  id: login.length,
  login,
  displayName: login,
  roles,
  childSafetyOptInAt: optedIn ? '2026-10-01T00:00:00.000Z' : null,
  disabled,
  createdAt: '2026-10-01T00:00:00.000Z',
});
const reviewer = person('rita', ['child_safety_reviewer']);
const reviewer2 = person('ruth', ['child_safety_reviewer']);
const notOptedIn = person('nora', ['child_safety_reviewer'], false);
const analyst = person('pat', ['payments_analyst']);
const admin = person('ada', ['admin']);
const auditor = person('aud', ['auditor']);
const disabledReviewer = person('dora', ['child_safety_reviewer'], true, true);

/** Everything in one queue: what the order tests use. */
const oneQueue: QueuePolicy = {
  queues: [{ name: 'all', title: 'All', childSafety: false, roles: ['admin', 'child_safety_reviewer'] }],
  rules: [],
  defaultQueue: 'all',
};

const t = (minute: number) => new Date(Date.UTC(2026, 10, 1, 9, minute)).toISOString();
let eventNumber = 0;
const bankMatch = (user: string, minute: number, source = 'api') =>
  syntheticEvent(
    'media.matched',
    { user },
    { matches: [{ bank: 'TEST_BANK', contentId: 1, signalType: 'pdq', distance: 3 }], source },
    t(minute),
    `q-match-${++eventNumber}`,
  );
const payment = (account: string, minute: number, user?: string) =>
  syntheticEvent(
    'payment.sent',
    { payment_account: account, payee_account: 'acct-payee', ...(user === undefined ? {} : { user }) },
    { amount: 12, currency: 'USD', payee_country: 'PH' },
    t(minute),
    `q-pay-${++eventNumber}`,
  );
const chat = (user: string, minute: number) =>
  syntheticEvent('message.sent', { user }, { text: 'hello' }, t(minute), `q-chat-${++eventNumber}`);
const report = (user: string, minute: number, category = 'spam') =>
  syntheticEvent(
    'report.filed',
    { user, reporter: 'u-reporter' },
    { category },
    t(minute),
    `q-report-${++eventNumber}`,
  );

for (const backend of backends) {
  describe(`queues on ${backend.name}`, { skip: backend.skip }, () => {
    let policy: string;
    let storage: Storage;
    let engine: SignalsEngine;
    let audit: AuditLog;
    let cases: CaseService;
    let clock = new Date('2026-11-02T12:00:00.000Z');
    const now = () => clock;
    const service = (queuePolicy?: QueuePolicy) =>
      new QueueService({
        repository: storage.queues,
        audit,
        now,
        ...(queuePolicy === undefined ? {} : { policy: queuePolicy }),
      });
    const auditRows = async () =>
      (await storage.engine.audit.page(0, 10_000)).map((row) => ({
        actor: String(row.actor),
        action: String(row.action),
        subject: String(row.subject),
        reason: String(row.reason),
        detail: JSON.parse(String(row.detailJson)) as unknown,
      }));
    const caseOf = async (subject: string) => {
      const [found] = await storage.engine.cases.list({ subject });
      return found ?? assert.fail(`no case for ${subject}`);
    };

    before(async () => {
      policy = await mkdtemp(join(tmpdir(), 'prevail-queue-policy-'));
      await mkdir(join(policy, 'rules'));
      for (const [name, text] of Object.entries(policyFiles)) await writeFile(join(policy, name), text);
      storage = await backend.open(await backend.place());
      ({ engine } = await openEngine(storage.engine, policy));
      audit = new AuditLog(storage.engine.audit);
      cases = new CaseService({ store: storage.engine, audit, now });
      cases.subscribe(engine);
      const results = await engine.ingest(
        [
          report('u-other', 1),
          bankMatch('u-hash-new', 5),
          report('u-imminent', 9, 'imminent'),
          bankMatch('u-hash-old', 2),
          payment('acct-pay', 3),
          bankMatch('u-stream', 4, 'stream'),
          chat('u-chat', 6),
          // A bank match on a subject whose case a chat message opened: the higher source wins.
          chat('u-upgraded', 7),
          bankMatch('u-upgraded', 8),
          // A payment joining a bank-match case leaves it a hash match.
          payment('acct-pay', 10, 'u-hash-old'),
        ].sort((a, b) => a.time.localeCompare(b.time)),
        { wait: true },
      );
      assert.ok(results.every((result) => result.status === 'accepted'));
    });

    after(async () => {
      await engine.checkpoint();
      await storage.close();
      await rm(policy, { recursive: true, force: true });
      await backend.cleanup();
    });

    test('traits come from what the engine added: bank match, stream, payments with their typology, chat, imminent', async () => {
      const traits = async (subject: string) => {
        const found = await caseOf(subject);
        return { source: found.source, typology: found.typology, imminent: found.imminent };
      };
      assert.deepEqual(await traits('user:u-hash-old'), { source: 'hash_match', typology: null, imminent: false });
      assert.deepEqual(await traits('user:u-stream'), { source: 'stream', typology: null, imminent: false });
      assert.deepEqual(await traits('payment_account:acct-pay'), {
        source: 'payments',
        typology: 't_pay',
        imminent: false,
      });
      assert.deepEqual(await traits('user:u-chat'), { source: 'chat', typology: null, imminent: false });
      assert.deepEqual(await traits('user:u-other'), { source: 'other', typology: null, imminent: false });
      assert.deepEqual(await traits('user:u-imminent'), { source: 'other', typology: null, imminent: true });
      assert.equal((await traits('user:u-upgraded')).source, 'hash_match', 'a later bank match outranks chat');
    });

    test('the default routing: matches to child-safety, payments to payments, the rest to general; SQL and routeCase agree', async () => {
      const queues = service();
      const expected: Record<string, string> = {
        'user:u-hash-old': 'child-safety',
        'user:u-hash-new': 'child-safety',
        'user:u-stream': 'child-safety',
        'user:u-upgraded': 'child-safety',
        'payment_account:acct-pay': 'payments',
        'user:u-chat': 'general',
        'user:u-other': 'general',
        'user:u-imminent': 'general',
      };
      for (const [subject, queue] of Object.entries(expected)) {
        assert.equal((await queues.queueOf((await caseOf(subject)).id)).name, queue, subject);
      }
      const pages = {
        'child-safety': await queues.page('child-safety', reviewer),
        payments: await queues.page('payments', analyst),
        general: await queues.page('general', admin),
      };
      for (const [queue, items] of Object.entries(pages))
        for (const item of items) assert.equal(expected[item.subject], queue, `${item.subject} listed in ${queue}`);
      assert.equal(
        Object.values(pages).reduce((sum, items) => sum + items.length, 0),
        Object.keys(expected).length,
        'each active case is in exactly one queue',
      );
      const summaries = await queues.summaries(admin);
      assert.deepEqual(
        summaries.map((summary) => [summary.name, summary.depth]),
        [
          ['child-safety', 4],
          ['payments', 1],
          ['general', 3],
        ],
      );
      const oldest = summaries.find((summary) => summary.name === 'child-safety');
      assert.equal(oldest?.oldestAgeSeconds, (clock.getTime() - Date.parse(t(2))) / 1000);
    });

    test('routing: the first matching rule wins, then the default; counts, pages and queueOf agree', async () => {
      const custom: QueuePolicy = {
        queues: [
          { name: 'urgent', title: 'Urgent', childSafety: false, roles: ['admin'] },
          { name: 'matches', title: 'Matches', childSafety: false, roles: ['admin'] },
          { name: 'typed', title: 'Typed', childSafety: false, roles: ['admin'] },
          { name: 'rest', title: 'Rest', childSafety: false, roles: ['admin'] },
        ],
        rules: [
          { queue: 'urgent', when: { priority: ['urgent'], source: ['hash_match'] } },
          { queue: 'matches', when: { source: ['hash_match', 'stream'] } },
          { queue: 'typed', when: { typology: ['t_pay', 'other_typology'] } },
          { queue: 'rest', when: { imminent: true } },
          { queue: 'matches', when: { source: ['chat'] } },
        ],
        defaultQueue: 'rest',
      };
      const queues = service(custom);
      const routing = compileRouting(custom);
      const all = await storage.engine.cases.list({ limit: 1000 });
      const byQueue = new Map<string, string[]>();
      for (const item of all) {
        const name = (await queues.queueOf(item.id)).name;
        assert.equal(name, routeCase(routing, item));
        byQueue.set(name, [...(byQueue.get(name) ?? []), item.subject]);
      }
      assert.deepEqual(byQueue.get('urgent')?.sort(), ['user:u-hash-new', 'user:u-hash-old', 'user:u-upgraded']);
      assert.deepEqual(byQueue.get('matches')?.sort(), ['user:u-chat', 'user:u-stream']);
      assert.deepEqual(byQueue.get('typed'), ['payment_account:acct-pay']);
      assert.deepEqual(byQueue.get('rest')?.sort(), ['user:u-imminent', 'user:u-other']);
      for (const summary of await queues.summaries(admin)) {
        const page = await queues.page(summary.name, admin, 200);
        assert.equal(summary.depth, page.length, `${summary.name}: depth equals its page`);
        assert.deepEqual(page.map((item) => item.subject).sort(), [...(byQueue.get(summary.name) ?? [])].sort());
      }
    });

    test('the order: imminent first, then hash matches, then the rest, oldest first; a person may set imminent', async () => {
      const queues = service(oneQueue);
      const order = async () => (await queues.page('all', admin)).map((item) => item.subject);
      assert.deepEqual(await order(), [
        'user:u-imminent',
        'user:u-hash-old',
        'user:u-stream',
        'user:u-hash-new',
        'user:u-upgraded',
        'user:u-other',
        'payment_account:acct-pay',
        'user:u-chat',
      ]);
      const chatCase = await caseOf('user:u-chat');
      await assert.rejects(cases.setImminent(chatCase.id, true, { actor: 'person:ada', reason: '  ' }), {
        code: 'REASON_REQUIRED',
      });
      const marked = await cases.setImminent(chatCase.id, true, {
        actor: 'person:ada',
        reason: 'a child in danger now',
      });
      assert.equal(marked.imminent, true);
      assert.deepEqual((await order()).slice(0, 2), ['user:u-chat', 'user:u-imminent'], 'older imminent case first');
      const updates = (await auditRows()).filter(
        (row) => row.action === 'case.update' && row.subject === `case:${chatCase.id}`,
      );
      assert.deepEqual(updates.at(-1)?.detail, { imminent: true });
      await cases.setImminent(chatCase.id, false, { actor: 'person:ada', reason: 'resolved by a call' });
      assert.equal((await order()).at(-1), 'user:u-chat', 'cleared: back to its place');
      // An engine run does not clear what the person set or cleared: imminent only ever ORs in.
      const [again] = await engine.ingest([chat('u-chat', 30)], { wait: true });
      assert.equal(again?.status, 'accepted');
      assert.equal((await caseOf('user:u-chat')).imminent, false);
    });

    test('claims are exclusive: people claiming at once get different cases, never the same one', async () => {
      const queues = service(oneQueue);
      const people = [reviewer, reviewer2, admin, person('cara', ['child_safety_reviewer']), person('cleo', ['admin'])];
      const claimed = await Promise.all(people.map((who) => queues.claimNext('all', who)));
      const ids = claimed.map((item) => item?.caseId);
      assert.equal(new Set(ids).size, people.length, `distinct cases: ${ids.join(', ')}`);
      for (const [index, item] of claimed.entries()) assert.equal(item?.claimedBy, people[index]?.login);
      const first = claimed[0] ?? assert.fail('nothing claimed');
      await assert.rejects(queues.claim(first.caseId, reviewer2), { code: 'CASE_CLAIMED', message: /rita/ });
      const again = await queues.claimNext('all', reviewer);
      assert.equal(
        again?.caseId,
        first.caseId,
        'a person holding a claim in the queue gets it back, not a second case',
      );
      const page = await queues.page('all', admin);
      assert.deepEqual(
        page
          .filter((item) => item.claimedBy !== null)
          .map((item) => item.claimedBy)
          .sort(),
        people.map((who) => who.login).sort(),
      );
      // The compare-and-set itself: two people claiming one free case at the same instant, one wins.
      const free =
        (await queues.page('all', admin)).find((item) => item.claimedBy === null) ?? assert.fail('none free');
      const at = clock.toISOString();
      const expires = new Date(clock.getTime() + 60_000).toISOString();
      const race = await Promise.all(
        ['racer-a', 'racer-b', 'racer-c'].map((login) =>
          storage.queues.tryClaim({ caseId: free.caseId, person: login, claimedAt: at, expiresAt: expires }, at),
        ),
      );
      assert.equal(race.filter(Boolean).length, 1, `exactly one wins: ${race.join(', ')}`);
      const winner = ['racer-a', 'racer-b', 'racer-c'][race.indexOf(true)] ?? assert.fail('no winner');
      assert.equal(await storage.queues.release(free.caseId, winner, at), true);
      // The rest of the queue goes to whoever asks next; then nothing is left.
      const rest = await Promise.all([1, 2, 3, 4].map((n) => queues.claimNext('all', person(`extra${n}`, ['admin']))));
      const restIds = rest.filter((item) => item !== null).map((item) => item.caseId);
      assert.equal(restIds.length, 3, 'eight cases: five claimed before, three left');
      assert.equal(new Set([...ids, ...restIds]).size, 8);
      assert.equal(await queues.claimNext('all', person('late', ['admin'])), null);
      for (const who of [...people, ...[1, 2, 3, 4].map((n) => person(`extra${n}`, ['admin']))]) {
        const held = page.concat(await queues.page('all', admin)).find((item) => item.claimedBy === who.login);
        if (held !== undefined) await queues.stepAway(held.caseId, who).catch(() => undefined);
      }
      assert.ok(
        (await queues.page('all', admin)).every((item) => item.claimedBy === null),
        'all given back',
      );
    });

    test('a claim times out: after the timeout another person gets the case; the holder can no longer release it', async () => {
      const queues = service(oneQueue);
      const mine = (await queues.claimNext('all', reviewer)) ?? assert.fail('nothing to claim');
      assert.equal(mine.claimExpiresAt, new Date(clock.getTime() + 15 * 60_000).toISOString());
      clock = new Date(clock.getTime() + 15 * 60_000 - 1000);
      assert.notEqual((await queues.claimNext('all', reviewer2))?.caseId, mine.caseId, 'still held a second before');
      await queues.stepAway(
        (await queues.page('all', admin)).find((item) => item.claimedBy === 'ruth')?.caseId ?? 0,
        reviewer2,
      );
      clock = new Date(clock.getTime() + 1000);
      assert.equal((await queues.claimNext('all', reviewer2))?.caseId, mine.caseId, 'expired: first in line again');
      await assert.rejects(queues.release(mine.caseId, reviewer, 'done'), { code: 'CLAIM_NOT_HELD' });
      clock = new Date(clock.getTime() + 16 * 60_000);
      assert.equal(await queues.expireClaims(), 1);
      assert.equal(await queues.expireClaims(), 0);
      const expired = (await auditRows()).filter((entry) => entry.action === 'queue.claim_expired');
      assert.equal(expired.length, 1);
      assert.equal(expired[0]?.actor, 'system:queues');
    });

    test('step away returns the case to the queue without a reason; release needs one; both audited as the person', async () => {
      const queues = service(oneQueue);
      const taken = (await queues.claimNext('all', reviewer)) ?? assert.fail('nothing to claim');
      const back = await queues.stepAway(taken.caseId, reviewer);
      assert.equal(back.claimedBy, null);
      assert.equal((await queues.claimNext('all', reviewer2))?.caseId, taken.caseId, 'first in line again, no penalty');
      await assert.rejects(queues.stepAway(taken.caseId, reviewer), { code: 'CLAIM_NOT_HELD' });
      await assert.rejects(queues.release(taken.caseId, reviewer2, ''), { code: 'REASON_REQUIRED' });
      await queues.release(taken.caseId, reviewer2, 'needs a payments specialist');
      const entries = (await auditRows()).filter((entry) => entry.action.startsWith('queue.'));
      const mine = entries.filter((entry) => entry.subject === `case:${taken.caseId}`).slice(-4);
      assert.deepEqual(
        mine.map((entry) => [entry.actor, entry.action]),
        [
          ['person:rita', 'queue.claim'],
          ['person:rita', 'queue.step_away'],
          ['person:ruth', 'queue.claim'],
          ['person:ruth', 'queue.release'],
        ],
      );
      assert.equal(mine[3]?.reason, 'needs a payments specialist');
      const last = (await queues.page('all', admin)).at(-1) ?? assert.fail('empty queue');
      await queues.claim(last.caseId, reviewer);
      assert.equal(
        (await queues.claimNext('all', reviewer))?.caseId,
        last.caseId,
        'claim next gives back the case the person holds, even at the end of the queue',
      );
      await queues.stepAway(last.caseId, reviewer);
    });

    test('who may work what: analysts and reviewers without opt-in are kept out of child safety', async () => {
      const queues = service();
      const hashCase = (await caseOf('user:u-hash-old')).id;
      const paymentCase = (await caseOf('payment_account:acct-pay')).id;
      const mayWork = async (who: Person) =>
        Object.fromEntries((await queues.summaries(who)).map((summary) => [summary.name, summary.mayWork]));
      assert.deepEqual(await mayWork(analyst), { 'child-safety': false, payments: true, general: true });
      assert.deepEqual(await mayWork(notOptedIn), { 'child-safety': false, payments: false, general: true });
      assert.deepEqual(await mayWork(reviewer), { 'child-safety': true, payments: false, general: true });
      assert.deepEqual(await mayWork(auditor), { 'child-safety': false, payments: false, general: false });
      assert.deepEqual(await mayWork(disabledReviewer), { 'child-safety': false, payments: false, general: false });
      for (const who of [analyst, notOptedIn, admin, disabledReviewer]) {
        await assert.rejects(queues.checkCaseAccess(who, hashCase), { code: 'AUTH_FORBIDDEN' }, who.login);
        await assert.rejects(queues.page('child-safety', who), { code: 'AUTH_FORBIDDEN' });
        await assert.rejects(queues.claimNext('child-safety', who), { code: 'AUTH_FORBIDDEN' });
        await assert.rejects(queues.claim(hashCase, who), { code: 'AUTH_FORBIDDEN' });
      }
      assert.equal((await queues.checkCaseAccess(reviewer, hashCase)).name, 'child-safety');
      assert.equal((await queues.checkCaseAccess(analyst, paymentCase)).name, 'payments');
      await assert.rejects(queues.checkCaseAccess(reviewer, paymentCase), { code: 'AUTH_FORBIDDEN' });
      await assert.rejects(queues.page('nope', admin), { code: 'QUEUE_NOT_FOUND' });
      await assert.rejects(queues.page('general', admin, 0), { code: 'REQUEST_INVALID' });
      await assert.rejects(queues.page('general', admin, 201), { code: 'REQUEST_INVALID' });
      await assert.rejects(queues.checkCaseAccess(admin, 999_999), { code: 'CASE_NOT_FOUND' });
    });

    test('decided and closed cases leave the queues; a claim goes with a purged case', async () => {
      const queues = service();
      const chatCase = await caseOf('user:u-chat');
      const before = (await queues.summaries(admin)).find((summary) => summary.name === 'general')?.depth ?? 0;
      await queues.claim(chatCase.id, admin);
      await cases.update(
        chatCase.id,
        { status: 'decided', decision: 'dismissed' },
        { actor: 'person:ada', reason: 'benign' },
      );
      assert.equal((await queues.summaries(admin)).find((summary) => summary.name === 'general')?.depth, before - 1);
      await assert.rejects(queues.claim(chatCase.id, reviewer), { code: 'CASE_NOT_QUEUED' });
      await cases.update(chatCase.id, { status: 'closed' }, { actor: 'person:ada', reason: 'done' });
      clock = new Date(clock.getTime() + 400 * 24 * 3600 * 1000);
      const purged = await cases.purgeExpired('system:retention');
      assert.ok(purged.includes(chatCase.id));
      await assert.rejects(queues.queueOf(chatCase.id), { code: 'CASE_NOT_FOUND' });
    });
  });
}
