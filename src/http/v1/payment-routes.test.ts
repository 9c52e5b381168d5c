import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { examplePolicy } from '../../../test/support/engine-harness.js';
import { startTestServer } from '../../../test/support/server-harness.js';
import { createApiKey } from '../../auth/index.js';
import { type PaymentRecord, writePacs008, writePaymentJsonl } from '../../payments/index.js';

/** Synthetic payments between plainly fake accounts. */
function payments(prefix: string): PaymentRecord[] {
  return [0, 1].map((index) => ({
    id: `${prefix}-${index}`,
    time: `2026-05-0${index + 1}T22:30:00+10:00`,
    localHour: 22,
    payer: { account: 'http-payer-1', country: 'AU', type: 'individual' },
    payee: { account: 'http-payee-1', country: 'PH', type: 'individual' },
    amount: 40,
    currency: 'AUD',
  }));
}

describe('POST /v1/payments', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let writer: string;
  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    writer = (await createApiKey(server.services.storage.apiKeys, 'payments', ['write'])).secret;
  });
  after(() => server.close());
  const post = (payload: string, contentType: string, query = '') =>
    server.app.inject({
      method: 'POST',
      url: `/v1/payments${query}`,
      headers: { authorization: `Bearer ${writer}`, 'content-type': contentType },
      payload,
    });

  test('a pacs.008 message becomes payment.sent events, once; its verdicts on request', async () => {
    const xml = writePacs008(payments('xml'));
    const first = await post(xml, 'application/xml', '?wait=verdict');
    assert.equal(first.statusCode, 200, first.body);
    const body = first.json();
    assert.deepEqual([body.format, body.payments, body.accepted, body.duplicates], ['pacs008', 2, 2, 0]);
    assert.equal(body.results[0].transaction, 'xml-0');
    assert.equal(body.results[0].verdict.verdict, 'allow');
    const again = (await post(xml, 'application/xml')).json();
    assert.deepEqual([again.accepted, again.duplicates], [0, 2]);
    const lines = (await post(writePaymentJsonl(payments('jsonl')), 'application/x-ndjson')).json();
    assert.deepEqual([lines.format, lines.accepted], ['jsonl', 2]);
  });

  test('a malformed message is refused with its position and nothing is applied', async () => {
    const broken = writePacs008(payments('broken')).replace('<Ccy>', '<Ccy').replace('</GrpHdr>', '');
    const response = await post(broken, 'application/xml');
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().code ?? response.json().error?.code, 'PAYMENT_INVALID');
    assert.match(response.body, /line \d+/);
    const valid = (await post(writePacs008(payments('broken')), 'application/xml')).json();
    assert.equal(valid.accepted, 2, 'none of the refused message had been stored');
    const hostile = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>';
    assert.equal((await post(hostile, 'application/xml', '?format=pacs008')).statusCode, 400);
  });

  test('an MT103 as text/plain is detected; one bad message refuses them all', async () => {
    /** Plainly fake MT103s (made-up references, accounts and TEST BICs). */
    const message = (index: number, amount: string) =>
      `{1:F01TESTAU2SAXXX0000000000}{2:I103TESTPH2MXXXXN}{4:\r\n:20:HTTP-MT-${index}\r\n:23B:CRED\r\n:32A:260501AUD${amount}\r\n:50K:/AU00TEST0000000001\r\nTEST SENDER\r\n:59:/PH00TEST0000000077\r\nTEST RECEIVER\r\n:71A:SHA\r\n-}`;
    const refused = await post(`${message(1, '40,')}$${message(2, '1.000,00')}`, 'text/plain');
    assert.equal(refused.statusCode, 400, refused.body);
    assert.match(refused.body, /message 2, line \d+: field 32A: not an MT amount/);
    const accepted = (await post(`${message(1, '40,')}$${message(2, '1000,00')}`, 'text/plain')).json();
    assert.deepEqual([accepted.format, accepted.payments, accepted.accepted], ['mt103', 2, 2]);
  });
});
