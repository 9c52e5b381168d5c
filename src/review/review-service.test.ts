import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { type CaseBackend, caseBackends } from '../../test/support/case-backends.js';
import { examplePacks, examplePolicy, syntheticEvent } from '../../test/support/engine-harness.js';
import { snakeCaseKeys, testCase, testFincenConfig, testSender } from '../../test/support/report-cases.js';
import { createServices } from '../app/index.js';
import { AuditLog } from '../audit/index.js';
import { CaseService } from '../cases/index.js';
import { EngineService, openEngine, type SignalsEngine } from '../engine/index.js';
import { type PaymentRecord, toPaymentEvent } from '../payments/index.js';
import type { Person } from '../people/index.js';
import { parseReportFiler, type ReportFiler } from '../reports/index.js';
import type { Storage } from '../storage/index.js';
import { type DecisionPolicy, loadDecisionPolicy, parseDecisionPolicy } from './decision-policy.js';
import { citationsOf } from './guidance.js';
import { loadReportFiler } from './report-settings.js';
import { type ReviewQueues, ReviewService } from './review-service.js';

/** Synthetic people (plainly fake logins). */
function person(login: string, roles: Person['roles']): Person {
  return {
    id: login.length,
    login,
    displayName: `Test ${login}`,
    roles,
    childSafetyOptInAt: '2026-01-01T00:00:00.000Z',
    disabled: false,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}
const analyst = person('ana.test', ['payments_analyst', 'child_safety_reviewer']);
const auditor = person('aud.test', ['auditor']);
const wellnessLead = person('wel.test', ['wellness_lead']);

/** Synthetic: a 19-year-old pays a payee they never paid before three times in a day (F16). */
function victimBurst(sender: string, receiver: string, day: string): PaymentRecord[] {
  return [0, 1, 2].map((index) => ({
    id: `${sender}-burst-${index}`,
    time: `${day}T${String(10 + index * 4).padStart(2, '0')}:00:00-05:00`,
    localHour: 10 + index * 4,
    payer: { account: sender, name: 'Test Example Sender', country: 'US', type: 'individual', birthDate: '2007-01-01' },
    payee: { account: receiver, name: 'Test Receiver', country: 'US', type: 'individual' },
    amount: 60 + index * 50,
    currency: 'USD',
    channel: 'gift_card',
  }));
}

/** A synthetic media match in a test bank (no media involved: ids and a distance). */
function mediaMatch(id: string, user: string, time: string) {
  return syntheticEvent(
    'media.matched',
    { user },
    { matches: [{ bank: 'TEST_BANK', contentId: 7, signalType: 'pdq', distance: 12 }] },
    time,
    id,
  );
}

interface Rig {
  readonly storage: Storage;
  readonly engine: SignalsEngine;
  readonly cases: CaseService;
  readonly audit: AuditLog;
  readonly review: ReviewService;
  close(): Promise<void>;
}

async function openRig(
  storage: Storage,
  policy: string,
  options: { decisionPolicy?: DecisionPolicy; reportFiler?: ReportFiler; queues?: ReviewQueues; now?: () => Date } = {},
): Promise<Rig> {
  const opened = await openEngine(storage.engine, policy, { packRegistry: examplePacks });
  const audit = new AuditLog(storage.engine.audit);
  const cases = new CaseService({ store: storage.engine, audit, ...(options.now ? { now: options.now } : {}) });
  cases.subscribe(opened.engine);
  const review = new ReviewService({
    cases,
    engine: new EngineService(opened, storage.engine, audit),
    repository: storage.review,
    audit,
    ...(options.decisionPolicy ? { decisionPolicy: options.decisionPolicy } : {}),
    ...(options.reportFiler ? { reportFiler: options.reportFiler } : {}),
    ...(options.queues ? { queues: options.queues } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    storage,
    engine: opened.engine,
    cases,
    audit,
    review,
    close: async () => {
      await opened.engine.close();
      await storage.close();
    },
  };
}

async function allAudit(audit: AuditLog) {
  return audit.entries(0, 1000);
}

async function caseOf(storage: Storage, subject: string) {
  const [found] = await storage.engine.cases.list({ subject, limit: 1 });
  assert.ok(found, `no case for ${subject}`);
  return found;
}

const reportFiler = parseReportFiler(
  {
    filing_date: '2026-04-12',
    narrative: 'Synthetic test narrative: a burst of gift-card payments to a new payee.',
    reporting_entity: snakeCaseKeys(testCase().reportingEntity),
    subjects: { 'acct-sender-1': snakeCaseKeys(testSender.person) },
    fincen: snakeCaseKeys(testFincenConfig),
  },
  'test filer',
);

const backends = await caseBackends();
let policy: string;
before(async () => {
  policy = await mkdtemp(join(tmpdir(), 'prevail-review-policy-'));
  await cp(examplePolicy, policy, { recursive: true });
  await writeFile(
    join(policy, 'builtin-rules.yaml'),
    stringify({ builtin_rules: { sextortion_f16_victim_payment_burst: { mode: 'active' } } }),
  );
});
after(async () => {
  await rm(policy, { recursive: true, force: true });
  for (const backend of backends) await backend.cleanup();
});

for (const backend of backends) {
  describe(`review on ${backend.name}`, { skip: backend.skip }, () => {
    let rig: Rig;
    before(async () => {
      rig = await openRig(await (backend as CaseBackend).open(await backend.place()), policy, { reportFiler });
    });
    after(() => rig.close());

    test('a media match: the case view shows the match with its bank and distance, the rule and its policy text', async () => {
      // Recent, so that the rule's 90-day label is still on.
      const recent = new Date(Date.now() - 3_600_000).toISOString();
      await rig.engine.ingest([mediaMatch('rv-match-1', 'u-match-1', recent)], { wait: true });
      const found = await caseOf(rig.storage, 'user:u-match-1');
      const view = await rig.review.caseView(found.id, analyst);
      assert.equal(view.case.id, found.id);
      assert.equal(view.subject.entity, 'user:u-match-1');
      assert.ok(view.subject.labels.includes('media_match'));
      assert.equal(view.traits.source, 'hash_match');
      const match = view.timeline.find((item) => item.kind === 'match');
      assert.ok(match);
      assert.match(match.summary, /TEST_BANK #7 \(pdq, distance 12\)/);
      const rule = view.rules.find((item) => item.id === 'banked_media_match');
      assert.deepEqual(
        { description: rule?.description, shadow: rule?.shadow, hits: rule?.hits },
        { description: 'Media matched a hash bank', shadow: false, hits: 1 },
      );
      assert.deepEqual(view.media, []);
      assert.ok(view.graph.nodes.some((node) => node.id === 'user:u-match-1' && node.type === 'user'));
      assert.deepEqual(view.actions, [
        { action: 'confirm', reasonRequired: true },
        { action: 'dismiss', reasonRequired: true },
        { action: 'escalate', reasonRequired: true },
        { action: 'close', reasonRequired: true },
      ]);
      const entries = await allAudit(rig.audit);
      const viewed = entries.find((entry) => entry.action === 'case.view' && entry.subject === `case:${found.id}`);
      assert.deepEqual(
        { actor: viewed?.actor, reason: viewed?.reason },
        { actor: 'person:ana.test', reason: 'console review by ana.test' },
      );
    });

    test('a payments case: typology scores and timeline carry guidance citations; confirm, report, queue, label', async () => {
      await rig.engine.ingest(
        victimBurst('acct-sender-1', 'acct-receiver-1', '2026-04-10').map((record) => toPaymentEvent(record)),
        { wait: true },
      );
      const found = await caseOf(rig.storage, 'payment_account:acct-sender-1');
      const view = await rig.review.caseView(found.id, analyst);
      assert.equal(view.traits.source, 'payments');
      const score = view.typologyScores[0];
      assert.ok(score, JSON.stringify(view.typologyScores));
      assert.ok(score.score >= score.threshold);
      assert.ok(score.reasons.length > 0);
      assert.ok(score.guidance.includes('F16'), JSON.stringify(score));
      assert.ok(view.timeline.some((item) => item.guidance?.includes('F16')));
      const f16 = view.rules.find((item) => item.id === 'sextortion_f16_victim_payment_burst');
      assert.ok(f16?.guidance.includes('F16'));
      assert.ok(view.graph.edges.some((edge) => edge.kind === 'pays' && edge.to === 'payment_account:acct-receiver-1'));
      for (let index = 1; index < view.timeline.length; index++) {
        assert.ok((view.timeline[index - 1]?.time ?? '') >= (view.timeline[index]?.time ?? ''), 'newest first');
      }

      const decided = await rig.review.decide(found.id, analyst, {
        action: 'confirm',
        reason: 'burst of gift-card payments confirmed (synthetic test)',
        classification: 'B1',
      });
      assert.deepEqual(
        { status: decided.status, decision: decided.decision },
        { status: 'decided', decision: 'confirmed' },
      );
      const afterDecision = await rig.review.caseView(found.id, analyst);
      const decision = afterDecision.timeline.find((item) => item.kind === 'decision');
      assert.equal((decision?.detail as { classification?: string } | undefined)?.classification, 'B1');
      assert.ok(afterDecision.actions.some((item) => item.action === 'enqueue_report' && !item.reasonRequired));

      const report = await rig.review.buildReport(found.id, analyst, 'fincen');
      assert.equal(report.filename, `case-${found.id}-fincen.xml`);
      assert.deepEqual(report.validation, { ok: true, problems: [] });
      assert.match(report.xml, /FIN-2025-SEXTORTION/);
      const goaml = await rig.review.buildReport(found.id, analyst, 'goaml');
      assert.equal(goaml.validation.ok, false, 'the test filer has no goAML section');
      assert.equal(goaml.xml, '');
      assert.ok(goaml.validation.problems.length > 0);

      const queued = await rig.review.decide(found.id, analyst, { action: 'enqueue_report' });
      assert.equal(queued.status, 'decided');
      const labels = await rig.review.label(
        found.id,
        analyst,
        'ocse_confirmed_payer',
        'confirmed payer (synthetic test)',
      );
      assert.ok(labels.includes('ocse_confirmed_payer'));
      assert.deepEqual(rig.engine.labelsOf('payment_account:acct-receiver-1'), ['ocse_network_payee']);

      const entries = (await allAudit(rig.audit)).filter(
        (entry) => entry.subject === `case:${found.id}` || entry.subject === 'payment_account:acct-sender-1',
      );
      const actions = entries.map((entry) => `${entry.action} ${entry.actor}`);
      for (const expected of ['case.update', 'case.report', 'case.enqueue_report', 'label.add']) {
        assert.ok(actions.includes(`${expected} person:ana.test`), `${expected} in ${actions.join(', ')}`);
      }
      const update = entries.find((entry) => entry.action === 'case.update');
      assert.deepEqual(update?.detail, {
        action: 'confirm',
        classification: 'B1',
        status: 'decided',
        decision: 'confirmed',
      });
      const reportEntry = entries.find((entry) => entry.action === 'case.report');
      assert.equal(reportEntry?.reason, 'report built in the console by ana.test');
    });

    test('decisions follow the lifecycle and the reason policy', async () => {
      await rig.engine.ingest([mediaMatch('rv-match-2', 'u-match-2', '2026-05-02T10:00:00Z')], { wait: true });
      const found = await caseOf(rig.storage, 'user:u-match-2');
      await assert.rejects(rig.review.decide(found.id, analyst, { action: 'confirm' }), { code: 'REASON_REQUIRED' });
      await assert.rejects(rig.review.decide(found.id, analyst, { action: 'close', reason: '   ' }), {
        code: 'REASON_REQUIRED',
      });
      await assert.rejects(rig.review.decide(found.id, analyst, { action: 'enqueue_report' }), {
        code: 'CASE_TRANSITION_INVALID',
      });
      await assert.rejects(rig.review.decide(found.id, analyst, { action: 'delete' as never, reason: 'x' }), {
        code: 'REQUEST_INVALID',
      });
      await assert.rejects(
        rig.review.decide(found.id, analyst, { action: 'confirm', reason: 'x', classification: 'C9' as never }),
        { code: 'REQUEST_INVALID' },
      );
      const escalated = await rig.review.decide(found.id, analyst, { action: 'escalate', reason: 'needs a senior' });
      assert.equal(escalated.status, 'escalated');
      const queued = await rig.review.decide(found.id, analyst, { action: 'enqueue_report' });
      assert.equal(queued.status, 'escalated');
      const dismissed = await rig.review.decide(found.id, analyst, { action: 'dismiss', reason: 'benign on review' });
      assert.deepEqual(
        { status: dismissed.status, decision: dismissed.decision },
        { status: 'decided', decision: 'dismissed' },
      );
      const closed = await rig.review.decide(found.id, analyst, { action: 'close', reason: 'done' });
      assert.equal(closed.status, 'closed');
      await assert.rejects(rig.review.decide(found.id, analyst, { action: 'escalate', reason: 'again' }), {
        code: 'CASE_TRANSITION_INVALID',
      });
      assert.deepEqual((await rig.review.caseView(found.id, analyst)).actions, []);

      const lenient = new ReviewService({
        cases: rig.cases,
        engine: new EngineService(
          { engine: rig.engine, config: rig.engine.config, rules: undefined },
          rig.storage.engine,
          rig.audit,
        ),
        repository: rig.storage.review,
        audit: rig.audit,
        decisionPolicy: parseDecisionPolicy({ decisions: { confirm: { reasonRequired: false } } }, 'test'),
      });
      await rig.engine.ingest([mediaMatch('rv-match-3', 'u-match-3', '2026-05-03T10:00:00Z')], { wait: true });
      const other = await caseOf(rig.storage, 'user:u-match-3');
      const confirmed = await lenient.decide(other.id, analyst, { action: 'confirm' });
      assert.equal(confirmed.decision, 'confirmed');
      const entry = (await allAudit(rig.audit)).filter((item) => item.subject === `case:${other.id}`).at(-1);
      assert.deepEqual(
        { actor: entry?.actor, reason: entry?.reason },
        { actor: 'person:ana.test', reason: 'confirm from the console' },
      );
    });

    test('comments and second opinions: stored exactly, audited, hostile text refused', async () => {
      await rig.engine.ingest([mediaMatch('rv-match-4', 'u-match-4', '2026-05-04T10:00:00Z')], { wait: true });
      const found = await caseOf(rig.storage, 'user:u-match-4');
      const text = 'Zweite Meinung? 👩🏽‍⚖️ — עברית, e\u0301, 中文\n\tindented';
      const comment = await rig.review.comment(found.id, analyst, text);
      assert.equal(comment.text, text);
      const longest = 'x'.repeat(10_000);
      await rig.review.comment(found.id, analyst, longest);
      await assert.rejects(rig.review.comment(found.id, analyst, 'x'.repeat(10_001)), { code: 'REQUEST_TOO_LARGE' });
      await assert.rejects(rig.review.comment(found.id, analyst, 'a\u0000b'), { code: 'REQUEST_INVALID' });
      await assert.rejects(rig.review.comment(found.id, analyst, 'half \ud83d'), { code: 'REQUEST_INVALID' });
      await assert.rejects(rig.review.comment(found.id, analyst, '   '), { code: 'REQUEST_INVALID' });
      await assert.rejects(rig.review.comment(found.id, analyst, 42), { code: 'REQUEST_INVALID' });
      await assert.rejects(rig.review.secondOpinion(found.id, analyst, ''), { code: 'REASON_REQUIRED' });
      const second = await rig.review.secondOpinion(found.id, analyst, 'unsure about the classification');
      assert.equal(second.kind, 'second_opinion');
      const view = await rig.review.caseView(found.id, analyst);
      assert.deepEqual(
        view.comments.map((item) => [item.kind, item.text.length, item.author]),
        [
          ['second_opinion', 31, 'person:ana.test'],
          ['comment', 10_000, 'person:ana.test'],
          ['comment', text.length, 'person:ana.test'],
        ],
      );
      assert.equal(view.comments[2]?.text, text);
      const entries = (await allAudit(rig.audit)).filter((entry) => entry.subject === `case:${found.id}`);
      assert.equal(entries.filter((entry) => entry.action === 'case.comment').length, 2);
      const asked = entries.find((entry) => entry.action === 'case.second_opinion');
      assert.equal(asked?.reason, 'unsure about the classification');
    });

    test('unknown cases, missing permissions and the queue seam are refused', async () => {
      for (const id of [999_999, 0, -1, 1.5, Number.NaN]) {
        await assert.rejects(rig.review.caseView(id, analyst), { code: 'CASE_NOT_FOUND' }, String(id));
      }
      await assert.rejects(rig.review.decide(999_999, analyst, { action: 'close', reason: 'x' }), {
        code: 'CASE_NOT_FOUND',
      });
      await assert.rejects(rig.review.comment(999_999, analyst, 'hello'), { code: 'CASE_NOT_FOUND' });
      await rig.engine.ingest([mediaMatch('rv-match-5', 'u-match-5', '2026-05-05T10:00:00Z')], { wait: true });
      const found = await caseOf(rig.storage, 'user:u-match-5');
      await assert.rejects(rig.review.caseView(found.id, wellnessLead), { code: 'AUTH_FORBIDDEN' });
      await assert.rejects(rig.review.buildReport(found.id, auditor, 'fincen'), { code: 'AUTH_FORBIDDEN' });
      await assert.rejects(rig.review.buildReport(found.id, analyst, 'pdf'), { code: 'REQUEST_INVALID' });
      await assert.rejects(rig.review.dashboards(auditor), { code: 'AUTH_FORBIDDEN' });
      await assert.rejects(rig.review.auditEntries(analyst, 0, 10), { code: 'AUTH_FORBIDDEN' });
      await assert.rejects(rig.review.label(found.id, analyst, 'no_such_label', 'why'), { code: 'LABEL_UNKNOWN' });
      const closedQueue = new ReviewService({
        cases: rig.cases,
        engine: new EngineService(
          { engine: rig.engine, config: rig.engine.config, rules: undefined },
          rig.storage.engine,
          rig.audit,
        ),
        repository: rig.storage.review,
        audit: rig.audit,
        queues: { caseAccess: async () => false },
      });
      await assert.rejects(closedQueue.caseView(found.id, analyst), { code: 'AUTH_FORBIDDEN' });
      await assert.rejects(closedQueue.decide(found.id, analyst, { action: 'close', reason: 'x' }), {
        code: 'AUTH_FORBIDDEN',
      });
    });

    test('the audit reader pages entries for an auditor', async () => {
      const first = await rig.review.auditEntries(auditor, 0, 2);
      assert.deepEqual(
        first.map((entry) => entry.seq),
        [1, 2],
      );
      assert.deepEqual(Object.keys(first[0] ?? {}), ['seq', 'time', 'actor', 'action', 'subject', 'reason', 'detail']);
      const next = await rig.review.auditEntries(auditor, 2, 1);
      assert.equal(next[0]?.seq, 3);
      const all = await rig.review.auditEntries(auditor, 0, 1000);
      const newest = await rig.review.auditEntries(auditor, 'newest', 2);
      assert.deepEqual(
        newest.map((entry) => entry.seq),
        all.slice(-2).map((entry) => entry.seq),
        'the newest two, oldest first',
      );
      await assert.rejects(rig.review.auditEntries(auditor, 0, 0), { code: 'REQUEST_INVALID' });
      await assert.rejects(rig.review.auditEntries(auditor, -1, 10), { code: 'REQUEST_INVALID' });
      await assert.rejects(rig.review.auditEntries(auditor, 0, 1001), { code: 'REQUEST_INVALID' });
    });
  });

  describe(`dashboards on ${backend.name}`, { skip: backend.skip }, () => {
    const now = new Date('2026-07-10T12:00:00.000Z');
    let rig: Rig;
    before(async () => {
      rig = await openRig(await backend.open(await backend.place()), policy, { now: () => now });
    });
    after(() => rig.close());

    test('volumes, time to decision, person vs automatic, precision and shadow hits on a known set', async () => {
      await rig.engine.ingest(
        [
          mediaMatch('db-1', 'u-db-1', '2026-07-08T12:00:00.000Z'),
          mediaMatch('db-2', 'u-db-2', '2026-07-09T12:00:00.000Z'),
          mediaMatch('db-3', 'u-db-3', '2026-07-09T12:00:00.000Z'),
          mediaMatch('db-4', 'u-db-4', '2026-06-01T12:00:00.000Z'),
        ],
        { wait: true },
      );
      const [one, two, three] = await Promise.all(
        ['u-db-1', 'u-db-2', 'u-db-3'].map((user) => caseOf(rig.storage, `user:${user}`)),
      );
      assert.ok(one && two && three);
      await rig.review.decide(one.id, analyst, { action: 'confirm', reason: 'confirmed' });
      await rig.review.decide(two.id, analyst, { action: 'dismiss', reason: 'benign' });
      await rig.cases.update(
        three.id,
        { status: 'decided', decision: 'confirmed' },
        { actor: 'rule:auto_confirm', reason: 'policy' },
      );
      const dashboards = await rig.review.dashboards(analyst, 3);
      assert.deepEqual(dashboards.volumes, [
        { day: '2026-07-08', opened: 1, decided: 0 },
        { day: '2026-07-09', opened: 2, decided: 0 },
        { day: '2026-07-10', opened: 0, decided: 3 },
      ]);
      assert.deepEqual(dashboards.timeToDecision, { p50Seconds: 86_400, p90Seconds: 172_800 });
      assert.deepEqual(dashboards.decidedBy, { automatic: 1, person: 2 });
      const precision = dashboards.rulePrecision.find((rule) => rule.rule === 'banked_media_match');
      assert.deepEqual(precision, { rule: 'banked_media_match', precision: 2 / 3, confirmed: 2, dismissed: 1 });
      const stats = await new EngineService(
        { engine: rig.engine, config: rig.engine.config, rules: undefined },
        rig.storage.engine,
        rig.audit,
      ).ruleStats();
      assert.deepEqual(
        dashboards.shadowHits,
        stats.rules.filter((rule) => rule.mode === 'shadow').map((rule) => ({ rule: rule.ruleId, hits: rule.hits })),
      );
      await assert.rejects(rig.review.dashboards(analyst, 0), { code: 'REQUEST_INVALID' });
      await assert.rejects(rig.review.dashboards(analyst, 367), { code: 'REQUEST_INVALID' });
    });
  });
}

for (const backend of backends) {
  describe(`the case view on ${backend.name} at 500 timeline items`, { skip: backend.skip }, () => {
    test('answers well under 200 ms', async (t) => {
      const rig = await openRig(await backend.open(await backend.place()), policy);
      try {
        await rig.engine.ingest([mediaMatch('perf-1', 'u-perf-1', '2026-05-01T10:00:00Z')], { wait: true });
        const found = await caseOf(rig.storage, 'user:u-perf-1');
        for (let index = 0; index < 700; index++) {
          const time = new Date(Date.parse('2026-05-01T10:00:00Z') + index * 1000).toISOString();
          await rig.storage.engine.cases.update(
            found.id,
            {},
            { kind: 'note', ref: `note:perf:${index}`, time, summary: `synthetic note ${index}`, detail: { index } },
          );
        }
        await rig.review.caseView(found.id, analyst);
        const times: number[] = [];
        for (let run = 0; run < 10; run++) {
          const started = performance.now();
          const view = await rig.review.caseView(found.id, analyst);
          times.push(performance.now() - started);
          assert.equal(view.timeline.length, 500);
          assert.equal(view.timeline[0]?.ref, 'note:perf:699');
        }
        times.sort((a, b) => a - b);
        t.diagnostic(
          `${backend.name} case view with 500 timeline items: median ${times[5]?.toFixed(1)} ms, max ${times[9]?.toFixed(1)} ms`,
        );
        assert.ok((times[5] ?? 0) < 200, `median ${times[5]} ms`);
      } finally {
        await rig.close();
      }
    });
  });
}

describe('policy files of the console', () => {
  test('a malformed console.yaml or reports.yaml stops the services at start with CONFIG_INVALID', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'prevail-review-start-'));
    const badPolicy = await mkdtemp(join(tmpdir(), 'prevail-review-bad-policy-'));
    try {
      await cp(examplePolicy, badPolicy, { recursive: true });
      await writeFile(join(badPolicy, 'console.yaml'), 'decisions:\n  confirm: {reasonRequired: maybe}\n');
      await assert.rejects(
        createServices({ dataDir, policyDir: badPolicy }, { withEngine: true, loadIndexes: false }),
        {
          code: 'CONFIG_INVALID',
        },
      );
      await rm(join(badPolicy, 'console.yaml'));
      await writeFile(join(badPolicy, 'reports.yaml'), 'reporting_entity: [1, 2\n');
      await assert.rejects(loadReportFiler(badPolicy), { code: 'CONFIG_INVALID' });
      await writeFile(join(badPolicy, 'reports.yaml'), 'reporting_entity: {}\nsurprise: 1\n');
      await assert.rejects(loadReportFiler(badPolicy), { code: 'CONFIG_INVALID' });
      const services = await createServices(
        { dataDir, policyDir: examplePolicy },
        { withEngine: true, loadIndexes: false },
      );
      try {
        assert.ok(services.review);
        assert.equal(services.review.decisionPolicy.enqueue_report.reasonRequired, false);
      } finally {
        await services.close();
      }
      const withoutEngine = await createServices({ dataDir }, { loadIndexes: false });
      try {
        assert.equal(withoutEngine.review, undefined);
      } finally {
        await withoutEngine.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await rm(badPolicy, { recursive: true, force: true });
    }
  });
});

describe('console.yaml', () => {
  test('decisions override the defaults; other sections are left to their owners', () => {
    const policy = parseDecisionPolicy(
      { queues: { anything: true }, decisions: { enqueue_report: { reasonRequired: true } } },
      'console.yaml',
    );
    assert.deepEqual(policy.enqueue_report, { reasonRequired: true });
    assert.deepEqual(policy.confirm, { reasonRequired: true });
  });

  test('malformed files are refused with CONFIG_INVALID', async () => {
    for (const value of [
      { decisions: { confirm: { reasonRequired: 'yes' } } },
      { decisions: { approve: { reasonRequired: true } } },
      { decisions: { confirm: { reasonRequired: true, extra: 1 } } },
      { decisions: [] },
      'just text',
      42,
    ]) {
      assert.throws(
        () => parseDecisionPolicy(value, 'console.yaml'),
        { code: 'CONFIG_INVALID' },
        JSON.stringify(value),
      );
    }
    const directory = await mkdtemp(join(tmpdir(), 'prevail-console-yaml-'));
    try {
      assert.equal((await loadDecisionPolicy(directory)).confirm.reasonRequired, true);
      await writeFile(join(directory, 'console.yaml'), 'decisions: {confirm: [unclosed\n');
      await assert.rejects(loadDecisionPolicy(directory), { code: 'CONFIG_INVALID' });
      await writeFile(join(directory, 'console.yaml'), 'decisions:\n  close: {reasonRequired: false}\n');
      assert.equal((await loadDecisionPolicy(directory)).close.reasonRequired, false);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('guidance citations are read off the end of a reason only', () => {
    assert.deepEqual(citationsOf('a burst of payments [F16; FBI-SEXTORTION, NCMEC-SEXTORTION]'), [
      'F16',
      'FBI-SEXTORTION',
      'NCMEC-SEXTORTION',
    ]);
    assert.deepEqual(citationsOf('no citation here'), []);
    assert.deepEqual(citationsOf('[not a citation] in the middle'), []);
    assert.deepEqual(citationsOf('spaces [F16; x y]'), []);
    assert.deepEqual(citationsOf('mixed case [F16; FinCEN-25]'), ['F16', 'FinCEN-25']);
  });
});
