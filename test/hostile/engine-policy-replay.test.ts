/**
 * `prevail events ingest` without a policy used to process events with no rules, count them as
 * accepted, and make a later ingest with the policy see them all as duplicates: no case ever
 * opened. Processing without a policy is now a deliberate flag, and `prevail events replay`
 * re-processes stored events under the current policy without doubling anything or undoing a
 * person's decision.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/index.js';
import { openStorage } from '../../src/storage/index.js';
import { captureIo } from '../support/capture-io.js';
import { examplePolicy, syntheticEvent } from '../support/engine-harness.js';

describe('events ingest without a policy, and events replay', () => {
  let directory: string;
  let dataDir: string;
  let file: string;
  const run = async (...args: string[]) => {
    const io = captureIo();
    const status = await runCli(args, io);
    return { status, output: io.output(), errors: io.errors() };
  };
  /** What the store holds, in a form two runs can be compared by. */
  const inventory = async () => {
    const storage = await openStorage({ dataDir });
    try {
      const cases = await storage.engine.cases.list();
      const timelines: Record<string, string[]> = {};
      for (const item of cases)
        timelines[`${item.subject}#${item.id}`] = (await storage.engine.cases.timeline(item.id))
          .map((entry) => entry.ref)
          .sort();
      return {
        events: await storage.engine.events.count(),
        cases: cases.map((item) => [item.id, item.subject, item.status, item.decision, item.priority]),
        timelines,
        hits: await storage.engine.ruleHitStats(),
        labels: (await storage.engine.activeLabels(new Date(0).toISOString()))
          .map((label) => `${label.entity} ${label.label} ${label.source}`)
          .sort(),
        links: (await storage.engine.links('user:u-a')).map((link) => [link.from, link.to, link.kind, link.count]),
      };
    } finally {
      await storage.close();
    }
  };

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-replay-'));
    dataDir = join(directory, 'data');
    file = join(directory, 'events.jsonl');
    const events = [
      syntheticEvent('account.updated', { user: 'u-a', payment_account: 'acct-a' }, {}, '2026-11-01T08:00:00Z', 'r-1'),
      syntheticEvent(
        'media.matched',
        { user: 'u-a' },
        { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 0 }] },
        '2026-11-01T09:00:00Z',
        'r-2',
      ),
      syntheticEvent(
        'payment.sent',
        { payment_account: 'acct-a', payee_account: 'acct-z' },
        { amount: 10, currency: 'USD', payee_country: 'PH' },
        '2026-11-01T10:00:00Z',
        'r-3',
      ),
    ];
    await writeFile(file, `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
  });
  after(() => rm(directory, { recursive: true, force: true }));

  test('events ingest without --policy is refused and stores nothing; --without-policy is a deliberate choice', async () => {
    const refused = await run('events', 'ingest', file, '--data-dir', dataDir);
    assert.equal(refused.status, 2);
    assert.match(refused.errors, /CONFIG_INVALID: events ingest needs --policy DIR .*--without-policy/);
    assert.equal((await inventory()).events, 0, 'nothing was stored or processed');
    const both = await run(
      'events',
      'ingest',
      file,
      '--data-dir',
      dataDir,
      '--policy',
      examplePolicy,
      '--without-policy',
    );
    assert.equal(both.status, 2);
    const deliberate = await run('events', 'ingest', file, '--data-dir', dataDir, '--without-policy');
    assert.equal(deliberate.status, 0, deliberate.errors);
    assert.deepEqual(JSON.parse(deliberate.output), { lines: 3, accepted: 3, duplicates: 0, rejected: 0 });
    const stored = await inventory();
    assert.equal(stored.events, 3);
    assert.deepEqual(stored.cases, [], 'no rules ran');
    const again = await run('events', 'ingest', file, '--data-dir', dataDir, '--policy', examplePolicy);
    assert.deepEqual(JSON.parse(again.output), { lines: 3, accepted: 0, duplicates: 3, rejected: 0 });
    assert.deepEqual((await inventory()).cases, [], 'duplicates are not processed again: replay is the way');
  });

  test("events replay re-processes stored events under the policy: the case opens, nothing doubles, a person's decision stays", async () => {
    assert.equal((await run('events', 'replay', '--data-dir', dataDir)).status, 2, 'replay needs a policy');
    // An event an older build accepted, which fails under the policy (its label expiry is no date).
    const logged = await openStorage({ dataDir });
    const poisonTime = '+275760-09-13T00:00:00.000Z';
    await logged.engine.events.append([
      {
        id: 'r-poison',
        type: 'media.matched',
        time: poisonTime,
        timeMs: Date.parse(poisonTime),
        entities: { user: 'u-poison' },
        data: { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 0 }] },
      },
    ]);
    await logged.close();
    const replayed = await run('events', 'replay', '--data-dir', dataDir, '--policy', examplePolicy);
    assert.equal(replayed.status, 0, replayed.errors);
    const summary = JSON.parse(replayed.output);
    // (Seqs have gaps on SQLite: the duplicates of the second ingest used some up.)
    assert.deepEqual(summary, { events: 4, previousWatermark: 3, processedSeq: summary.processedSeq, deadLetters: 1 });
    assert.ok(summary.processedSeq > 3);
    const first = await inventory();
    assert.equal(first.cases.length, 1);
    assert.deepEqual(first.cases[0]?.slice(1), ['user:u-a', 'open', null, 'urgent']);
    const [timeline] = Object.values(first.timelines);
    assert.deepEqual(
      timeline,
      ['event:r-2', 'event:r-3', 'hit:r-2:banked_media_match'],
      'the linked payment joined the case',
    );
    assert.deepEqual(
      first.links,
      [['user:u-a', 'payment_account:acct-a', 'owns_account', 1]],
      'links are not counted twice',
    );
    assert.ok(first.labels.includes('user:u-a media_match rule:banked_media_match'));

    // Replaying again changes nothing (the event that fails again keeps its one dead letter).
    const again = await run('events', 'replay', '--data-dir', dataDir, '--policy', examplePolicy);
    assert.deepEqual(JSON.parse(again.output), {
      events: 4,
      previousWatermark: summary.processedSeq,
      processedSeq: summary.processedSeq,
      deadLetters: 1,
    });
    assert.deepEqual(await inventory(), first);

    // A person closes the case; a replay does not open it again.
    const storage = await openStorage({ dataDir });
    const caseId = first.cases[0]?.[0] as number;
    await storage.engine.cases.update(
      caseId,
      { status: 'closed', decision: 'dismissed' },
      { kind: 'decision', ref: 'change:test', time: '2026-11-02T00:00:00Z', summary: 'closed', detail: {} },
    );
    await storage.close();
    assert.equal((await run('events', 'replay', '--data-dir', dataDir, '--policy', examplePolicy)).status, 0);
    const afterClose = await inventory();
    assert.deepEqual(afterClose.cases, [[caseId, 'user:u-a', 'closed', 'dismissed', 'urgent']]);
    assert.deepEqual(
      afterClose.hits.map((row) => [row.ruleId, row.hits, row.dismissed]),
      first.hits.map((row) => [row.ruleId, row.hits, 1]),
      'rule hits are keyed by event id: none doubled; the dismissal counts',
    );
  });
});
