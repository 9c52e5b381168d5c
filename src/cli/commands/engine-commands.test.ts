import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { captureIo } from '../../../test/support/capture-io.js';
import { examplePolicy, syntheticEvent } from '../../../test/support/engine-harness.js';
import { runCli } from '../main.js';

describe('prevail events, rules, cases and audit', () => {
  let directory: string;
  let dataDir: string;
  const run = async (...args: string[]) => {
    const io = captureIo();
    const status = await runCli(args, io);
    return { status, lines: io.output().split('\n').filter(Boolean), output: io.output(), errors: io.errors() };
  };
  const store = ['--data-dir', '', '--policy', examplePolicy];

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-engine-cli-'));
    dataDir = join(directory, 'data');
    store[1] = dataDir;
  });
  after(() => rm(directory, { recursive: true, force: true }));

  test('events ingest: accepted, duplicates, and each rejected line with its path', async () => {
    const file = join(directory, 'events.jsonl');
    const match = syntheticEvent(
      'media.matched',
      { user: 'u-cli' },
      { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 1 }] },
      '2026-11-06T10:00:00Z',
      'cli-1',
    );
    const lines = [
      JSON.stringify(match),
      JSON.stringify(match),
      JSON.stringify({ ...match, id: 'cli-2', type: 'payment.sent' }),
      'not json',
      '',
      JSON.stringify(
        syntheticEvent(
          'session.started',
          { user: 'u-cli', stream: 's1' },
          { kind: 'call', visibility: 'private' },
          '2026-11-06T11:00:00Z',
          'cli-3',
        ),
      ),
    ];
    await writeFile(file, `${lines.join('\n')}\n`);
    const result = await run('events', 'ingest', file, ...store);
    assert.equal(result.status, 1);
    assert.deepEqual(JSON.parse(result.lines[0] ?? '{}'), { lines: 6, accepted: 2, duplicates: 1, rejected: 2 });
    assert.match(result.errors, /events\.jsonl:3: entities\.payment_account: required for payment\.sent/);
    assert.match(result.errors, /events\.jsonl:4: \(line\): not valid JSON/);
  });

  test('cases list and show (audited), then audit verify', async () => {
    assert.equal((await run('cases', 'list', ...store)).status, 2, '--reason is required to list cases');
    const listed = await run('cases', 'list', '--reason', 'weekly review', ...store);
    const [item] = listed.lines.map((line) => JSON.parse(line));
    assert.equal(item.subject, 'user:u-cli');
    assert.equal((await run('cases', 'show', String(item.id), ...store)).status, 2, '--reason is required');
    const shown = await run(
      'cases',
      'show',
      String(item.id),
      '--reason',
      'weekly review',
      '--actor',
      'tester',
      ...store,
    );
    assert.equal(shown.status, 0, shown.errors);
    const body = JSON.parse(shown.output);
    assert.deepEqual(
      body.timeline
        .map((entry: { ref: string }) => entry.ref)
        .filter((ref: string) => ref.startsWith('event:'))
        .sort(),
      ['event:cli-1', 'event:cli-3'],
    );
    const verified = await run('audit', 'verify', ...store);
    assert.deepEqual(JSON.parse(verified.lines[0] ?? '{}'), { ok: true, entries: 2 }, 'the list and the show');
  });

  test('cases decisions: decided payment-account cases and confirmed-payer labels people set, as training labels, nothing else (audited)', async () => {
    assert.equal((await run('cases', 'decisions', ...store)).status, 2, '--reason is required');
    assert.deepEqual((await run('cases', 'decisions', '--reason', 'train the payer model', ...store)).lines, []);
    const database = new BetterSqlite3(join(dataDir, 'prevail.sqlite'));
    const [row] = database.prepare('select id, subject from cases').all() as { id: number; subject: string }[];
    database
      .prepare("update cases set subject = 'payment_account:acct-7', decision = 'confirmed', typology = ? where id = ?")
      .run('ocse_livestream_payer', row?.id);
    const decided = await run('cases', 'decisions', '--reason', 'train the payer model', ...store);
    assert.equal(decided.status, 0, decided.errors);
    assert.deepEqual(
      decided.lines.map((line) => JSON.parse(line)),
      [{ account: 'acct-7', decision: 'confirmed', case: row?.id, typology: 'ocse_livestream_payer' }],
    );
    // A person's confirmed-payer label (POST /v1/entities/…/labels) is a decision too; a rule's, an
    // expired one, and one on an account a decided case already gives are not.
    const label = database.prepare(
      "insert into labels (entity, label, added_at, expires_at, source, reason) values (?, 'ocse_confirmed_payer', '2026-11-06T10:00:00Z', ?, ?, 'fake')",
    );
    label.run('payment_account:acct-8', null, 'person:analyst-1');
    label.run('payment_account:acct-9', null, 'rule:some_rule');
    label.run('payment_account:acct-10', '2026-01-01T00:00:00Z', 'person:analyst-1');
    label.run('payment_account:acct-7', null, 'person:analyst-1');
    label.run('user:u-8', null, 'person:analyst-1');
    const withLabels = await run('cases', 'decisions', '--reason', 'train the payer model', ...store);
    assert.deepEqual(
      withLabels.lines.map((line) => JSON.parse(line)),
      [
        { account: 'acct-7', decision: 'confirmed', case: row?.id, typology: 'ocse_livestream_payer' },
        { account: 'acct-8', decision: 'confirmed', label: 'ocse_confirmed_payer', by: 'person:analyst-1' },
      ],
    );
    database.prepare("delete from labels where label = 'ocse_confirmed_payer'").run();
    // A decided case on another kind of subject is not a payment account's label.
    database.prepare('update cases set subject = ? where id = ?').run(row?.subject, row?.id);
    database.close();
    assert.deepEqual((await run('cases', 'decisions', '--reason', 'train the payer model', ...store)).lines, []);
  });

  test('audit verify fails after tampering; purge deletes closed cases past retention, never held ones', async () => {
    const database = new BetterSqlite3(join(dataDir, 'prevail.sqlite'));
    database.exec("update audit_log set reason = 'changed' where seq = 1");
    // An open case whose retention instant passed long ago is still never purged.
    database.exec('update cases set retain_until_ms = 946684800000');
    const verified = await run('audit', 'verify', ...store);
    assert.equal(verified.status, 1);
    assert.deepEqual(JSON.parse((await run('cases', 'purge', ...store)).lines[0] ?? '{}').purged, []);
    // Closed in 2000: retention (one year from closing) ended in 2001.
    database.exec("update cases set status = 'closed', closed_at = '2000-01-01T00:00:00.000Z'");
    database.close();
    const [item] = (await run('cases', 'list', '--reason', 'retention check', ...store)).lines.map((line) =>
      JSON.parse(line),
    );
    const held = await run('cases', 'hold', String(item.id), '--reason', 'preservation order 17', ...store);
    assert.equal(held.status, 0, held.errors);
    assert.equal(JSON.parse(held.output).legalHold.reason, 'preservation order 17');
    assert.deepEqual(JSON.parse((await run('cases', 'purge', ...store)).lines[0] ?? '{}').purged, [], 'held');
    const released = await run('cases', 'hold', String(item.id), '--release', '--reason', 'order lifted', ...store);
    assert.equal(JSON.parse(released.output).legalHold, null);
    const purged = await run('cases', 'purge', ...store);
    assert.deepEqual(JSON.parse(purged.lines[0] ?? '{}').purged, [item.id]);
    assert.deepEqual((await run('cases', 'list', '--reason', 'retention check', ...store)).lines, []);
  });

  test('rules check: the example policy passes; a broken rule is reported as file:line:col', async () => {
    const ok = await run('rules', 'check', examplePolicy);
    assert.equal(ok.status, 0, ok.errors);
    // 7 policy features, 1 typology and 4 labels, plus those of the built-in packs.
    assert.match(
      ok.output,
      /^ok: \d+ features, \d+ typologies, \d+ labels \(packs: ocse_payments v1, livestream_sessions v1, chat_signals v1\)/,
    );
    const broken = join(directory, 'broken-policy');
    await cp(examplePolicy, broken, { recursive: true });
    await writeFile(
      join(broken, 'rules', 'extra.yaml'),
      'rules:\n  - id: typo_rule\n    description: uses a feature that does not exist\n    events: [payment.sent]\n    when: features.payments_sent_3d > 1\n    effects:\n      - verdict: review\n',
    );
    const result = await run('rules', 'check', broken);
    assert.equal(result.status, 1);
    assert.match(result.errors, /extra\.yaml:5:20: unknown feature 'payments_sent_3d'/);
  });

  test('rules stats lists hits per rule with precision', async () => {
    const stats = await run('rules', 'stats', ...store);
    const rows = stats.lines.map((line) => JSON.parse(line));
    assert.ok(rows.some((row: { ruleId: string }) => row.ruleId === 'banked_media_match'));
  });
});
