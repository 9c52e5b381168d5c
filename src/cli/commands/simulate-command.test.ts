import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command, CommanderError } from 'commander';
import { captureIo } from '../../../test/support/capture-io.js';
import { parseMix, simulateCommand } from './simulate-command.js';

/** Runs `prevail simulate ...` in-process the way `runCli` does (commander usage errors exit 2). */
async function run(...args: string[]) {
  const io = captureIo();
  let status = 0;
  const program = new Command('prevail')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  program.addCommand(
    simulateCommand(io, (code) => {
      status = code;
    }),
  );
  const inherit = (parent: Command) => {
    for (const child of parent.commands) {
      child.copyInheritedSettings(parent);
      inherit(child);
    }
  };
  inherit(program);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    status = error.exitCode === 0 ? 0 : 2;
  }
  return { status, output: io.output(), errors: io.errors() };
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));

describe('prevail simulate payments', () => {
  let directory: string;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-simulate-'));
  });
  after(() => rm(directory, { recursive: true, force: true }));

  test('writes sorted JSONL payments and the label file beside them, with a summary on stderr', async () => {
    const out = join(directory, 'payments.jsonl');
    const result = await run('simulate', 'payments', '--seed', '5', '--accounts', '300', '--days', '20', '--out', out);
    assert.equal(result.status, 0, result.errors);
    assert.equal(result.output, '', 'nothing on stdout when writing a file');
    const payments = jsonLines(await readFile(out, 'utf8'));
    assert.ok(payments.length > 1000, `${payments.length} payments`);
    const times = payments.map((payment) => Date.parse(payment.time));
    assert.deepEqual(
      times,
      [...times].sort((left, right) => left - right),
    );
    assert.match(payments[0].time, /^2026-01-0[12]T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    const labels = jsonLines(await readFile(`${out}.labels.jsonl`, 'utf8'));
    const planted = labels.filter((label) => label.kind !== 'legitimate');
    assert.ok(planted.length >= 6, 'every planted kind at least once');
    assert.deepEqual(Object.keys(planted[0]).slice(0, 3), ['account', 'kind', 'typology']);
    assert.ok(labels.some((label) => label.kind === 'legitimate' && label.persona === 'family_remittance'));
    assert.ok(labels.filter((label) => label.kind === 'legitimate').every((label) => label.typology === null));
    assert.match(result.errors, new RegExp(`${payments.length} payments \\(seed 5\\)`));
    assert.match(result.errors, /planted: offender \d+, facilitator \d+, sextortion_victim \d+, mule \d+/);
    assert.match(result.errors, /labels: .*payments\.jsonl\.labels\.jsonl/);

    const again = join(directory, 'again.jsonl');
    await run('simulate', 'payments', '--seed', '5', '--accounts', '300', '--days', '20', '--out', again);
    assert.equal(await readFile(again, 'utf8'), await readFile(out, 'utf8'), 'the same options write the same bytes');
  });

  test('to stdout, labels are written only when --labels is given', async () => {
    const plain = await run(
      'simulate',
      'payments',
      '--seed',
      '1',
      '--accounts',
      '100',
      '--days',
      '3',
      '--mix',
      'mules=0',
    );
    assert.equal(plain.status, 0, plain.errors);
    assert.ok(jsonLines(plain.output).length > 50);
    assert.match(plain.errors, /labels: not written/);
    const labels = join(directory, 'stdout-labels.jsonl');
    const labelled = await run(
      'simulate',
      'payments',
      '--seed',
      '1',
      '--accounts',
      '100',
      '--days',
      '3',
      '--mix',
      'mules=0',
      '--labels',
      labels,
    );
    assert.equal(labelled.output, plain.output);
    assert.ok((await stat(labels)).size > 0);
    assert.ok(jsonLines(await readFile(labels, 'utf8')).every((label) => label.kind !== 'mule'));
  });

  test('--format pacs008 writes one pacs.008 document with every payment', async () => {
    const out = join(directory, 'payments.xml');
    const jsonl = join(directory, 'same.jsonl');
    const options = ['--seed', '9', '--accounts', '100', '--days', '5'];
    const result = await run('simulate', 'payments', ...options, '--format', 'pacs008', '--out', out);
    assert.equal(result.status, 0, result.errors);
    await run('simulate', 'payments', ...options, '--out', jsonl);
    const xml = await readFile(out, 'utf8');
    const count = jsonLines(await readFile(jsonl, 'utf8')).length;
    assert.match(
      xml,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008/,
    );
    assert.match(xml, new RegExp(`<NbOfTxs>${count}</NbOfTxs>`));
    assert.equal(xml.match(/<CdtTrfTxInf>/g)?.length, count);
    assert.match(xml, /<MsgId>PREVAIL-SIM-9<\/MsgId>/);
  });

  test('--profile plain-bank writes no extension, purpose, remittance text or payee type, in JSONL and pacs.008', async () => {
    const options = ['--seed', '4', '--accounts', '200', '--days', '35', '--profile', 'plain-bank'];
    const xmlFile = join(directory, 'plain.xml');
    const jsonlFile = join(directory, 'plain.jsonl');
    const written = await run('simulate', 'payments', ...options, '--format', 'pacs008', '--out', xmlFile);
    assert.equal(written.status, 0, written.errors);
    assert.match(written.errors, /profile plain-bank/);
    assert.equal((await run('simulate', 'payments', ...options, '--out', jsonlFile)).status, 0);
    const xml = await readFile(xmlFile, 'utf8');
    const records = jsonLines(await readFile(jsonlFile, 'utf8'));
    assert.equal(xml.match(/<CdtTrfTxInf>/g)?.length, records.length);
    for (const forbidden of ['SplmtryData', 'Prevail', '<Purp>', '<RmtInf>', '<OrgId>']) {
      assert.equal(xml.includes(forbidden), false, `pacs.008 holds ${forbidden}`);
    }
    assert.doesNotMatch(xml, /<Cdtr>(?:(?!<\/Cdtr>).)*<Id>/, 'no Cdtr/Id');
    assert.match(
      xml,
      /<Dbtr><Nm>[^<]+<\/Nm><PstlAdr><Ctry>[A-Z]{2}<\/Ctry><\/PstlAdr><Id><PrvtId><DtAndPlcOfBirth><BirthDt>/,
    );
    const stripped = [
      'channel',
      'declaredRelationship',
      'merchantCategory',
      'fundingInstrument',
      'payeeDocument',
      'cryptoRiskTags',
      'purpose',
      'remittanceInfo',
    ];
    for (const record of records) {
      for (const field of stripped) assert.equal(field in record, false, `${record.id} has ${field}`);
      assert.equal('type' in record.payee, false, `${record.id}: payee type`);
      assert.deepEqual(
        Object.keys(record.payee).filter((key) => !['account', 'name', 'country'].includes(key)),
        [],
      );
      if ('type' in record.payer)
        assert.ok(record.payer.birthDate !== undefined, `${record.id}: payer type without KYC`);
    }
    assert.ok(
      records.some((record) => record.payer.birthDate !== undefined && record.payer.birthCountry !== undefined),
    );
    const rich = join(directory, 'rich.jsonl');
    await run('simulate', 'payments', ...options.slice(0, -2), '--out', rich);
    const richRecords = jsonLines(await readFile(rich, 'utf8'));
    assert.deepEqual(
      records.map((record) => [record.id, record.time, record.amount, record.payer.account, record.payee.account]),
      richRecords.map((record) => [record.id, record.time, record.amount, record.payer.account, record.payee.account]),
      'the same scenario as mto, fewer fields',
    );
    assert.equal(
      await readFile(`${jsonlFile}.labels.jsonl`, 'utf8'),
      await readFile(`${rich}.labels.jsonl`, 'utf8'),
      'the same labels',
    );
  });

  test('bad options are usage errors (exit 2) and write nothing', async () => {
    const out = join(directory, 'never.jsonl');
    for (const args of [
      ['--accounts', '99'],
      ['--accounts', 'many'],
      ['--days', '0'],
      ['--days', '401'],
      ['--days', '2.5'],
      ['--start', 'tomorrow'],
      ['--mix', 'offenders=-1'],
      ['--mix', 'dragons=3'],
      ['--format', 'csv'],
      ['--profile', 'bank'],
    ]) {
      const result = await run('simulate', 'payments', '--seed', '1', ...args, '--out', out);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.errors}`);
    }
    const missingSeed = await run('simulate', 'payments', '--out', out);
    assert.equal(missingSeed.status, 2);
    assert.match(missingSeed.errors, /--seed/);
    await assert.rejects(stat(out));
  });

  test('--help explains every option and the label file', async () => {
    const result = await run('simulate', 'payments', '--help');
    assert.equal(result.status, 0);
    for (const option of [
      '--seed',
      '--accounts',
      '--days',
      '--start',
      '--out',
      '--labels',
      '--format',
      '--mix',
      '--profile',
    ]) {
      assert.match(result.output, new RegExp(option));
    }
    assert.match(result.output, /label file is JSONL/);
    assert.match(result.output, /"persona"/);
    assert.match(result.output, /only when this is given/);
    assert.match(result.output, /Do not tune rules to one seed/);
  });

  test('parseMix reads kind=rate pairs', () => {
    assert.deepEqual(parseMix('offenders=120, mules=0'), { offenders: 120, mules: 0 });
    assert.throws(() => parseMix('offenders'), /kind=rate/);
  });
});
