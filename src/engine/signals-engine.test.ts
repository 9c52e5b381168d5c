import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEngine, syntheticEvent } from '../../test/support/engine-harness.js';

type TestEngine = Awaited<ReturnType<typeof startTestEngine>>;

describe('SignalsEngine', () => {
  let harness: TestEngine;
  before(async () => {
    harness = await startTestEngine();
  });
  after(async () => {
    await harness.close();
    await harness.remove();
  });

  test('a media match, a session and a payment on linked entities open one case with all three in its timeline', async () => {
    const { engine, storage } = harness;
    const results = await engine.ingest(
      [
        syntheticEvent(
          'account.updated',
          { user: 'u1', payment_account: 'acct-1' },
          { changed: ['payment_method'] },
          '2026-11-01T08:00:00Z',
          'link-1',
        ),
        syntheticEvent(
          'media.matched',
          { user: 'u1', media: 'm-1' },
          { matches: [{ bank: 'KNOWN_IMAGES', contentId: 7, signalType: 'pdq', distance: 4 }] },
          '2026-11-01T09:00:00Z',
          'match-1',
        ),
        syntheticEvent(
          'session.started',
          { user: 'u1', stream: 's-1' },
          { kind: 'call', visibility: 'private', viewer_count: 1 },
          '2026-11-01T10:00:00Z',
          'session-1',
        ),
        syntheticEvent(
          'payment.sent',
          { payment_account: 'acct-1', payee_account: 'acct-9' },
          { amount: 20, currency: 'USD', payee_country: 'PH' },
          '2026-11-01T10:05:00Z',
          'payment-1',
        ),
      ],
      { wait: true },
    );
    assert.deepEqual(
      results.map((result) => result.status),
      ['accepted', 'accepted', 'accepted', 'accepted'],
    );
    const matchVerdict = results[1]?.status === 'accepted' ? results[1].verdict : undefined;
    assert.equal(matchVerdict?.verdict, 'block');
    assert.match(matchVerdict?.reasons.join(' ') ?? '', /banked_media_match: matched known material/);
    const sessionVerdict = results[2]?.status === 'accepted' ? results[2].verdict : undefined;
    assert.equal(
      sessionVerdict?.verdict,
      'review',
      'the media_match label set by the first rule is seen by the next event',
    );

    const cases = await storage.engine.cases.list();
    assert.equal(cases.length, 1);
    assert.deepEqual([cases[0]?.subject, cases[0]?.priority, cases[0]?.status], ['user:u1', 'urgent', 'open']);
    const timeline = await storage.engine.cases.timeline(cases[0]?.id ?? 0);
    const refs = timeline.map((entry) => entry.ref);
    for (const ref of ['event:match-1', 'event:session-1', 'event:payment-1'])
      assert.ok(refs.includes(ref), `${ref} in ${refs.join(', ')}`);
    assert.ok(refs.includes('hit:match-1:banked_media_match'));
    assert.equal(timeline.find((entry) => entry.ref === 'event:match-1')?.kind, 'match');
  });

  test('a bad event is rejected with the path of its bad field; the rest of the batch goes on', async () => {
    const results = await harness.engine.ingest([
      syntheticEvent(
        'payment.sent',
        { payment_account: 'acct-2', payee_account: 'acct-9' },
        { amount: 'lots', currency: 'USD' },
        '2026-11-01T11:00:00Z',
      ),
      syntheticEvent(
        'payment.sent',
        { payment_account: 'acct-2', payee_account: 'acct-9' },
        { amount: 5, currency: 'USD' },
        '2026-11-01T11:01:00Z',
      ),
    ]);
    assert.equal(results[0]?.status, 'rejected');
    assert.deepEqual(results[0]?.status === 'rejected' ? results[0].problems.map((problem) => problem.path) : [], [
      'data.amount',
    ]);
    assert.equal(results[1]?.status, 'accepted');
  });

  test('ingestion is idempotent by event id: a resent event is a duplicate and changes nothing', async () => {
    const event = syntheticEvent(
      'payment.sent',
      { payment_account: 'acct-3', payee_account: 'acct-9' },
      { amount: 5, currency: 'USD', payee_country: 'PH' },
      '2026-11-02T00:00:00Z',
    );
    const first = await harness.engine.ingest([event], { wait: true });
    const again = await harness.engine.ingest([event, event], { wait: true });
    assert.equal(first[0]?.status, 'accepted');
    assert.deepEqual(
      again.map((result) => result.status),
      ['duplicate', 'duplicate'],
    );
    assert.equal(
      harness.engine.features.value('payments_sent_30d', 'payment_account:acct-3', Date.parse('2026-11-02T00:00:00Z')),
      1,
    );
  });

  test('typology points add up across rules and open a case at the threshold, with the contributions as reasons', async () => {
    const { engine, storage } = harness;
    const payments = [1, 2, 3].map((n) =>
      syntheticEvent(
        'payment.sent',
        { payment_account: 'acct-7', payee_account: `acct-p${n}`, user: 'u7' },
        { amount: 15, currency: 'GBP', payee_country: 'PH' },
        `2026-11-03T0${n}:00:00Z`,
      ),
    );
    const verdicts = await engine.ingest(payments, { wait: true });
    const third = verdicts[2]?.status === 'accepted' ? verdicts[2].verdict : undefined;
    assert.equal(third?.score, 30, 'the third small payment to a high-risk corridor fires the payment rule');
    const session = await engine.ingest(
      [
        syntheticEvent(
          'session.started',
          { user: 'u7', stream: 's-7' },
          { kind: 'stream', visibility: 'private', viewer_count: 1 },
          '2026-11-03T04:00:00Z',
        ),
      ],
      { wait: true },
    );
    const verdict = session[0]?.status === 'accepted' ? session[0].verdict : undefined;
    assert.equal(verdict?.score, 70);
    assert.equal(verdict?.verdict, 'review');
    assert.match(verdict?.reasons.join('\n') ?? '', /livestream_payment_pattern: user:u7 scores 70 \(alert at 50\)/);
    const more = await engine.ingest(
      [
        syntheticEvent(
          'session.started',
          { user: 'u7', stream: 's-8' },
          { kind: 'stream', visibility: 'private', viewer_count: 1 },
          '2026-11-03T05:00:00Z',
        ),
      ],
      { wait: true },
    );
    assert.equal(more[0]?.status === 'accepted' ? more[0].verdict?.score : undefined, 110);
    const cases = await storage.engine.cases.list({ subject: 'user:u7' });
    assert.equal(cases.length, 1, 'crossing the case threshold opened a case');
    assert.equal(cases[0]?.priority, 'high');
  });

  test('shadow rules are recorded but change nothing', async () => {
    const { engine, storage } = harness;
    const sessions = Array.from({ length: 5 }, (_, n) =>
      syntheticEvent(
        'session.started',
        { user: 'u20', stream: `s-20-${n}` },
        { kind: 'call', visibility: 'private' },
        `2026-11-04T0${n}:00:00Z`,
      ),
    );
    const results = await engine.ingest(sessions, { wait: true });
    const last = results[4]?.status === 'accepted' ? results[4].verdict : undefined;
    assert.deepEqual(last?.hits, [
      { ruleId: 'many_private_sessions', mode: 'shadow', reason: 'Many private sessions in a week' },
    ]);
    assert.equal(last?.score, 0);
    const stats = await storage.engine.ruleHitStats();
    assert.deepEqual(
      stats.find((row) => row.ruleId === 'many_private_sessions'),
      {
        ruleId: 'many_private_sessions',
        mode: 'shadow',
        hits: 1,
        subjects: 1,
        confirmed: 0,
        dismissed: 0,
      },
    );
  });

  test('built-in rules run too (shadow by default): many devices for one account', async () => {
    const sessions = Array.from({ length: 6 }, (_, n) =>
      syntheticEvent(
        'session.started',
        { user: 'u-devices', stream: `s-d-${n}`, device: `device-${n}` },
        { kind: 'call', visibility: 'public' },
        `2026-11-04T1${n}:00:00Z`,
      ),
    );
    const results = await harness.engine.ingest(sessions, { wait: true });
    const last = results[5]?.status === 'accepted' ? results[5].verdict : undefined;
    assert.ok(
      last?.hits.some((hit) => hit.ruleId === 'many_devices_per_account' && hit.mode === 'shadow'),
      JSON.stringify(last?.hits),
    );
  });

  test('a restart restores the same feature state and continues', async () => {
    const { engine } = harness;
    const at = Date.parse('2026-11-04T12:00:00Z');
    const before = engine.features.value('payments_sent_30d', 'payment_account:acct-7', at);
    await harness.close();
    const reopened = await startTestEngine({ dataDir: harness.dataDir });
    harness = { ...reopened };
    assert.equal(reopened.engine.features.value('payments_sent_30d', 'payment_account:acct-7', at), before);
    assert.equal(before, 3);
  });
});
