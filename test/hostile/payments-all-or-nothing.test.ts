import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/auth/index.js';
import { runCli } from '../../src/cli/index.js';
import { type PaymentRecord, writePacs008, writePaymentJsonl } from '../../src/payments/index.js';
import { captureIo } from '../support/capture-io.js';
import { examplePolicy } from '../support/engine-harness.js';
import { startTestServer } from '../support/server-harness.js';

/** Six synthetic payments; the fifth payer account has a space in it, which no entity id may have. */
function sixPayments(prefix: string): PaymentRecord[] {
  return [0, 1, 2, 3, 4, 5].map((index) => ({
    id: `${prefix}-${index}`,
    time: `2026-05-0${index + 1}T10:30:00+02:00`,
    payer: { account: index === 4 ? 'acct 000077' : `acct-${prefix}-${index}`, country: 'DE' },
    payee: { account: `payee-${prefix}`, country: 'NL' },
    amount: 25 + index,
    currency: 'EUR',
  }));
}

describe('Payments are not all-or-nothing as the docs promise', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let writer: string;
  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    writer = (await createApiKey(server.services.storage.apiKeys, 'payments', ['write'])).secret;
  });
  after(() => server.close());
  const post = (payload: string, contentType: string) =>
    server.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { authorization: `Bearer ${writer}`, 'content-type': contentType },
      payload,
    });

  test('Payments are not all-or-nothing: over HTTP a pacs.008 with one payer account "acct 000077" stores nothing and answers PAYMENT_INVALID naming the transaction and field', async () => {
    const refused = await post(writePacs008(sixPayments('http')), 'application/xml');
    assert.equal(refused.statusCode, 400, refused.body);
    const error = refused.json().error ?? refused.json();
    assert.equal(error.code, 'PAYMENT_INVALID');
    assert.match(
      error.message,
      /^line \d+, column \d+: DbtrAcct\/Id\/\w+(\/Id)?: transaction "http-4" is refused by the engine: entities\.payment_account: /,
    );
    const events = await server.services.storage.engine.events.readAfter(0, 100);
    assert.equal(
      events.filter((event) => event.id.startsWith('payment:http-')).length,
      0,
      'none of the six was stored',
    );

    const jsonl = await post(writePaymentJsonl(sixPayments('lines')), 'application/x-ndjson');
    assert.equal(jsonl.statusCode, 400);
    assert.match(jsonl.body, /line 5: field payer\.account: transaction \\"lines-4\\" is refused by the engine/);

    const fixed = sixPayments('http').map((record) =>
      record.payer.account === 'acct 000077'
        ? { ...record, payer: { ...record.payer, account: 'acct-000077' } }
        : record,
    );
    const accepted = (await post(writePacs008(fixed), 'application/xml')).json();
    assert.deepEqual(
      [accepted.payments, accepted.accepted],
      [6, 6],
      'the same message without the bad account: all six',
    );
  });
});

describe('Payments are not all-or-nothing: prevail payments ingest', () => {
  let directory: string;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-payments-all-or-nothing-'));
  });
  after(() => rm(directory, { recursive: true, force: true }));

  test('Payments are not all-or-nothing: prevail payments ingest refuses the whole file for one payer account "acct 000077" and stores nothing', async () => {
    const store = ['--data-dir', join(directory, 'data'), '--policy', examplePolicy];
    const file = join(directory, 'six.xml');
    await writeFile(file, writePacs008(sixPayments('cli')));
    const io = captureIo();
    const status = await runCli(['payments', 'ingest', file, '--no-progress', ...store], io);
    assert.equal(status, 1);
    assert.equal(io.output(), '', 'no summary: nothing was ingested');
    assert.match(io.errors(), /PAYMENT_INVALID/);
    assert.match(io.errors(), /transaction "cli-4" is refused by the engine: entities\.payment_account/);

    const fixedFile = join(directory, 'six-fixed.xml');
    const fixed = sixPayments('cli').map((record) =>
      record.payer.account === 'acct 000077'
        ? { ...record, payer: { ...record.payer, account: 'acct-000077' } }
        : record,
    );
    await writeFile(fixedFile, writePacs008(fixed));
    const again = captureIo();
    assert.equal(await runCli(['payments', 'ingest', fixedFile, '--no-progress', ...store], again), 0, again.errors());
    assert.deepEqual(
      JSON.parse(again.output()),
      { payments: 6, accepted: 6, duplicates: 0 },
      'all six are new: the refused file had stored none of them',
    );
  });
});
