import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { captureIo } from '../../../test/support/capture-io.js';
import { examplePolicy } from '../../../test/support/engine-harness.js';
import { snakeCaseKeys, testCase, testFincenConfig, testSender } from '../../../test/support/report-cases.js';
import { fincenSarSchema, fincenSchemaSkipReason } from '../../../test/support/shared-schemas.js';
import { type PaymentRecord, writePacs008, writePaymentJsonl } from '../../payments/index.js';
import { runCli } from '../main.js';

/** Synthetic: a 19-year-old pays a payee they never paid before three times in a day (F16). */
function victimBurst(): PaymentRecord[] {
  return [0, 1, 2].map((index) => ({
    id: `burst-${index}`,
    time: `2026-04-10T${String(10 + index * 4).padStart(2, '0')}:00:00-05:00`,
    localHour: 10 + index * 4,
    payer: {
      account: 'acct-sender-1',
      name: 'Test Example Sender',
      country: 'US',
      type: 'individual',
      birthDate: '2007-01-01',
    },
    payee: { account: 'acct-receiver-1', name: 'Test Receiver', country: 'US', type: 'individual' },
    amount: 60 + index * 50,
    currency: 'USD',
    channel: 'gift_card',
  }));
}

describe('prevail payments and cases report', () => {
  let directory: string;
  const run = async (...args: string[]) => {
    const io = captureIo();
    const status = await runCli(args, io);
    return { status, lines: io.output().split('\n').filter(Boolean), output: io.output(), errors: io.errors() };
  };

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-payments-cli-'));
  });
  after(() => rm(directory, { recursive: true, force: true }));

  test('simulate, screen and evaluate a small scenario; evaluate also reads earlier alerts', async () => {
    const payments = join(directory, 'scenario.jsonl');
    const labels = join(directory, 'scenario.labels.jsonl');
    const simulated = await run(
      'simulate',
      'payments',
      '--seed',
      '5',
      '--accounts',
      '400',
      '--days',
      '60',
      '--out',
      payments,
      '--labels',
      labels,
    );
    assert.equal(simulated.status, 0, simulated.errors);
    const screened = await run('payments', 'screen', payments);
    assert.equal(screened.status, 0, screened.errors);
    assert.match(screened.errors, /^screened \d+ payments: \d+ alerts/m);
    const alerts = screened.lines.map((line) => JSON.parse(line));
    assert.ok(alerts.length > 0);
    for (const alert of alerts) {
      assert.deepEqual(Object.keys(alert), ['subject', 'typology', 'score', 'reasons', 'firstSeen', 'lastSeen']);
      assert.equal(alert.subject.type, 'payment_account');
      assert.ok(alert.reasons.length > 0);
    }
    const alertsFile = join(directory, 'alerts.jsonl');
    await writeFile(alertsFile, screened.output);
    const evaluated = await run('payments', 'evaluate', payments, '--labels', labels, '--json');
    assert.equal(evaluated.status, 0, evaluated.errors);
    const evaluation = JSON.parse(evaluated.output);
    const offenders = evaluation.kinds.find((kind: { kind: string }) => kind.kind === 'offender');
    assert.ok(offenders.planted > 0);
    assert.ok(evaluation.legitimateSenders > 300);
    const fromAlerts = JSON.parse(
      (await run('payments', 'evaluate', '--alerts', alertsFile, '--labels', labels, '--json')).output,
    );
    assert.deepEqual(
      fromAlerts.typologies,
      evaluation.typologies.map((figures: Record<string, unknown>) => ({
        ...figures,
        alertRate: fromAlerts.typologies.find((other: { typology: string }) => other.typology === figures.typology)
          .alertRate,
      })),
    );
    const table = await run('payments', 'evaluate', '--alerts', alertsFile, '--labels', labels);
    assert.match(table.output, /^typology\s+planted\s+alerted/);

    // --baseline naive: the naive screen on the same file in the same run, beside Prevail.
    const withBaseline = JSON.parse(
      (await run('payments', 'evaluate', payments, '--labels', labels, '--json', '--baseline', 'naive')).output,
    );
    assert.deepEqual(withBaseline.typologies, evaluation.typologies, 'the Prevail figures are unchanged');
    const comparison = withBaseline.baseline;
    assert.equal(comparison.baseline, 'naive');
    assert.equal(comparison.legitimateSenders, evaluation.legitimateSenders);
    assert.equal(comparison.prevail.alerted, evaluation.legitimateAlerted);
    const plantedTypologies = evaluation.typologies
      .filter((figures: { planted: number }) => figures.planted > 0)
      .map((figures: { typology: string }) => figures.typology);
    assert.deepEqual(
      comparison.rows.map((row: { typology: string }) => row.typology),
      plantedTypologies,
    );
    const offenderRow = comparison.rows.find((row: { typology: string }) => row.typology === 'ocse_livestream_payer');
    assert.ok(offenderRow.baselineRecall > 0, 'the naive screen finds some night-time offenders');
    assert.ok(comparison.baselineLegitimate.alerted > 0, 'and alerts some night-shift family senders');
    const sideBySide = await run('payments', 'evaluate', payments, '--labels', labels, '--baseline', 'naive');
    assert.equal(sideBySide.status, 0, sideBySide.errors);
    assert.match(sideBySide.output, /Prevail beside the naive baseline/);
    assert.match(sideBySide.output, /typology\s+planted\s+Prevail recall\s+Prevail any alert\s+naive recall/);
    assert.match(sideBySide.output, /legitimate senders alerted\s+\d+\s+\d+ \([\d.]+%\)\s+\d+ \([\d.]+%\)/);
    const withoutFile = await run(
      'payments',
      'evaluate',
      '--alerts',
      alertsFile,
      '--labels',
      labels,
      '--baseline',
      'naive',
    );
    assert.notEqual(withoutFile.status, 0);
    assert.match(withoutFile.errors, /--baseline screens the payments file/);
  });

  test('profile prints field coverage and what can fire, for a rich file and a plain bank pacs.008; screen prints it first', async () => {
    const rich = join(directory, 'rich.xml');
    await writeFile(rich, writePacs008(victimBurst()));
    // As a bank exports it: no extension, no Cdtr/Id (the payer's KYC birth date keeps its Dbtr/Id/PrvtId).
    const plainBank = victimBurst().map(({ channel: _channel, ...record }) => {
      const { type: _payeeType, ...payee } = record.payee;
      return { ...record, payee: { ...payee, country: 'CI' } };
    });
    const plain = join(directory, 'plain.xml');
    await writeFile(plain, writePacs008(plainBank));
    assert.doesNotMatch(await readFile(plain, 'utf8'), /Prevail|OrgId|<Cdtr>(?:(?!<\/Cdtr>)[\s\S])*<Id>/);

    const richProfile = await run('payments', 'profile', rich, '--json');
    assert.equal(richProfile.status, 0, richProfile.errors);
    const full = JSON.parse(richProfile.output);
    assert.equal(full.records, 3);
    const fieldShare = (profile: { fields: { name: string; share: number }[] }, name: string) =>
      profile.fields.find((field) => field.name === name)?.share;
    assert.equal(fieldShare(full, 'channel'), 1);
    assert.equal(fieldShare(full, 'payee.type'), 1);

    const plainProfile = await run('payments', 'profile', plain, '--json');
    assert.equal(plainProfile.status, 0, plainProfile.errors);
    const bare = JSON.parse(plainProfile.output);
    assert.equal(fieldShare(bare, 'channel'), 0);
    assert.equal(fieldShare(bare, 'payee.type'), 0);
    const t1 = bare.typologies.find((entry: { id: string }) => entry.id === 'ocse_livestream_payer');
    assert.equal(t1.effective, true, "T1 reaches its threshold through F03's behavioural inference");
    const t3 = bare.typologies.find((entry: { id: string }) => entry.id === 'ocse_travel_to_offend');
    assert.equal(t3.effective, false);
    const t5 = bare.typologies.find((entry: { id: string }) => entry.id === 'sextortion_victim');
    assert.equal(t5.effective, true);

    const text = await run('payments', 'profile', plain);
    assert.equal(text.status, 0, text.errors);
    assert.match(text.output, /^3 payments$/m);
    assert.match(text.output, /^channel\s+0\s+0\.0%$/m);
    assert.match(
      text.output,
      /^F03\s+ocse_f03_no_apparent_link\s+yes\s+declaredRelationship absent: inferred from behaviour/m,
    );
    assert.match(text.output, /^F08\s+ocse_f08_related_purchases\s+no\s+needs merchantCategory$/m);
    assert.match(text.output, /^ocse_livestream_payer\s+yes\s+/m);
    assert.match(text.output, /^ocse_travel_to_offend\s+no\s+/m);

    const screened = await run('payments', 'screen', plain);
    assert.equal(screened.status, 0, screened.errors);
    assert.ok(screened.errors.indexOf('3 payments') < screened.errors.indexOf('screened 3 payments'));
    assert.match(screened.errors, /^sextortion_victim\s+yes/m);
    // The young payer's burst abroad alerts without a channel (F16's plain-bank path).
    const alerts = screened.lines.map((line) => JSON.parse(line));
    assert.ok(
      alerts.some((alert) => alert.typology === 'sextortion_victim'),
      screened.output,
    );
  });

  test('a malformed pacs.008 is refused with its position and nothing is screened', async () => {
    const file = join(directory, 'broken.xml');
    const xml = writePacs008(victimBurst()).replace('</Cdtr>', '');
    await writeFile(file, xml);
    const screened = await run('payments', 'screen', file);
    assert.equal(screened.status, 1);
    assert.equal(screened.output, '');
    assert.match(screened.errors, /PAYMENT_INVALID.*line \d+, column \d+/);
  });

  test('MT103: detected or named with --format mt103; a file with one bad message stores nothing', async () => {
    const store = ['--data-dir', join(directory, 'mt103-data'), '--policy', examplePolicy, '--no-progress'];
    /** Plainly fake MT103s (made-up references, accounts and TEST BICs). */
    const message = (index: number, amount: string) =>
      [
        `{1:F01TESTGB2LAXXX0000000000}{2:I103TESTPH2MXXXXN}{4:`,
        `:20:TEST-MT-${index}`,
        ':23B:CRED',
        `:32A:26041${index}USD${amount}`,
        ':50K:/GB00TEST0000000001',
        'TEST SENDER ONE',
        ':57A:TESTPH2MXXX',
        ':59:/PH00TEST0000000077',
        'TEST RECEIVER',
        ':71A:SHA',
        '-}',
      ].join('\r\n');
    const broken = join(directory, 'broken.fin');
    await writeFile(broken, [message(1, '50,'), message(2, '60,'), message(3, '-70')].join('$'));
    const refused = await run('payments', 'ingest', broken, ...store);
    assert.equal(refused.status, 1);
    assert.equal(refused.output, '', 'no summary: nothing was ingested');
    assert.match(refused.errors, /PAYMENT_INVALID.*message 3, line 24: field 32A: not an MT amount/);

    const fixed = join(directory, 'fixed.fin');
    await writeFile(fixed, [message(1, '50,'), message(2, '60,'), message(3, '70,')].join('$'));
    const ingested = await run('payments', 'ingest', fixed, ...store);
    assert.equal(ingested.status, 0, ingested.errors);
    assert.deepEqual(
      JSON.parse(ingested.output),
      { payments: 3, accepted: 3, duplicates: 0 },
      'none was stored before',
    );
    const screened = await run('payments', 'screen', fixed, '--format', 'mt103', '--no-progress');
    assert.equal(screened.status, 0, screened.errors);
    assert.match(screened.errors, /screened 3 payments/);
    const wrong = await run('payments', 'screen', fixed, '--format', 'csv', '--no-progress');
    assert.equal(wrong.status, 1, 'the format named wins over detection');
  });

  test('ingest stores payments once; a case from them becomes a FinCEN SAR that validates', async (t) => {
    const policy = join(directory, 'policy');
    await cp(examplePolicy, policy, { recursive: true });
    await writeFile(
      join(policy, 'builtin-rules.yaml'),
      stringify({ builtin_rules: { sextortion_f16_victim_payment_burst: { mode: 'active' } } }),
    );
    const store = ['--data-dir', join(directory, 'data'), '--policy', policy];
    const file = join(directory, 'burst.xml');
    await writeFile(file, writePacs008(victimBurst()));
    const first = await run('payments', 'ingest', file, ...store);
    assert.equal(first.status, 0, first.errors);
    assert.deepEqual(JSON.parse(first.output), { payments: 3, accepted: 3, duplicates: 0 });
    const again = await run('payments', 'ingest', file, ...store);
    assert.deepEqual(JSON.parse(again.output), { payments: 3, accepted: 0, duplicates: 3 });
    const jsonl = join(directory, 'burst.jsonl');
    await writeFile(jsonl, writePaymentJsonl(victimBurst()));
    assert.deepEqual(JSON.parse((await run('payments', 'ingest', jsonl, ...store)).output).duplicates, 3);

    const cases = await run('cases', 'list', '--reason', 'file a SAR', ...store);
    const opened = cases.lines
      .map((line) => JSON.parse(line))
      .find((item) => item.subject === 'payment_account:acct-sender-1');
    assert.ok(opened, cases.output);

    const reference = testCase();
    const filer = join(directory, 'filer.yaml');
    await writeFile(
      filer,
      stringify({
        filing_date: '2026-04-12',
        narrative: 'Synthetic test narrative: a burst of gift-card payments to a new payee.',
        reporting_entity: snakeCaseKeys(reference.reportingEntity),
        subjects: { 'acct-sender-1': snakeCaseKeys(testSender.person) },
        fincen: snakeCaseKeys(testFincenConfig),
      }),
    );
    const out = join(directory, 'sar.xml');
    const reported = await run(
      'cases',
      'report',
      String(opened.id),
      '--format',
      'fincen',
      '--config',
      filer,
      '--reason',
      'test filing',
      '--out',
      out,
      ...store,
    );
    assert.equal(reported.status, 0, reported.errors);
    assert.match(reported.errors, /sha256 [0-9a-f]{64}/);
    const xml = await readFile(out, 'utf8');
    assert.match(xml, /FIN-2025-SEXTORTION/);
    assert.match(xml, /acct-sender-1|Sender/);
    const audit = await run('audit', 'verify', ...store);
    assert.equal(audit.status, 0, audit.errors);
    if (fincenSchemaSkipReason !== false) {
      t.diagnostic(`FinCEN XSD check skipped: ${fincenSchemaSkipReason}`);
      return;
    }
    const lint = spawnSync('xmllint', ['--noout', '--nonet', '--schema', fincenSarSchema, out], { encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stderr);
  });
});
