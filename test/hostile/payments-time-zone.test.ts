import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/auth/index.js';
import { isEngineError } from '../../src/core/index.js';
import {
  type PaymentRecord,
  parsePacs008,
  parsePain001,
  parsePaymentJsonl,
  readPayments,
  writePacs008,
} from '../../src/payments/index.js';
import { examplePolicy } from '../support/engine-harness.js';
import { startTestServer } from '../support/server-harness.js';

/** A one-transaction pacs.008 whose times are the given ones (`undefined` leaves the element out). */
function pacs008(times: { created: string; accepted?: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.10">
  <FIToFICstmrCdtTrf>
    <GrpHdr>
      <MsgId>TEST-ZONE</MsgId>
      <CreDtTm>${times.created}</CreDtTm>
      <NbOfTxs>1</NbOfTxs>
    </GrpHdr>
    <CdtTrfTxInf>
      <PmtId><TxId>TX-ZONE-1</TxId></PmtId>
      <IntrBkSttlmAmt Ccy="EUR">10.00</IntrBkSttlmAmt>
${times.accepted === undefined ? '' : `      <AccptncDtTm>${times.accepted}</AccptncDtTm>\n`}      <DbtrAcct><Id><Othr><Id>ACC-ZONE-A</Id></Othr></Id></DbtrAcct>
      <CdtrAcct><Id><Othr><Id>ACC-ZONE-B</Id></Othr></Id></CdtrAcct>
    </CdtTrfTxInf>
  </FIToFICstmrCdtTrf>
</Document>
`;
}

function refusal(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    assert.ok(isEngineError(error), String(error));
    assert.equal(error.code, 'PAYMENT_INVALID');
    return error.message;
  }
  return assert.fail('the input was accepted');
}

describe('XML times without a zone are accepted against the stated format', () => {
  test('XML times without a zone are refused: a pacs.008 AccptncDtTm 2026-01-02T10:00:00 is PAYMENT_INVALID at line:column', () => {
    const message = refusal(() =>
      parsePacs008(pacs008({ created: '2026-01-02T10:05:00Z', accepted: '2026-01-02T10:00:00' })),
    );
    assert.equal(
      message,
      'line 9, column 5: AccptncDtTm: has no zone: expected YYYY-MM-DDThh:mm:ss with Z or ±hh:mm, got "2026-01-02T10:00:00"',
    );
    // The group header's time, when it is the one used, and pain.001 alike.
    assert.match(
      refusal(() => parsePacs008(pacs008({ created: '2026-01-02T10:05:00' }))),
      /GrpHdr\/CreDtTm: has no zone/,
    );
    const pain = pacs008({ created: '2026-01-02T10:05:00.5' })
      .replaceAll('FIToFICstmrCdtTrf', 'CstmrCdtTrfInitn')
      .replace('pacs.008.001.10', 'pain.001.001.09')
      .replace(
        '<CdtTrfTxInf>',
        '<PmtInf><PmtInfId>P-1</PmtInfId><DbtrAcct><Id><Othr><Id>ACC-ZONE-A</Id></Othr></Id></DbtrAcct><CdtTrfTxInf>',
      )
      .replace('<TxId>TX-ZONE-1</TxId>', '<EndToEndId>TX-ZONE-1</EndToEndId>')
      .replace('</CdtTrfTxInf>', '</CdtTrfTxInf></PmtInf>')
      .replace('<IntrBkSttlmAmt Ccy="EUR">10.00</IntrBkSttlmAmt>', '<Amt><InstdAmt Ccy="EUR">10.00</InstdAmt></Amt>');
    assert.match(
      refusal(() => parsePain001(pain)),
      /CreDtTm: has no zone/,
    );
    // Times with a zone are read as before, and so is the same time in JSON Lines, which documents its own rule.
    assert.equal(
      parsePacs008(pacs008({ created: '2026-01-02T10:05:00Z', accepted: '2026-01-02T10:00:00+01:00' }))[0]?.localHour,
      10,
    );
    const line =
      '{"id":"j1","time":"2026-01-02T10:00:00","payer_account":"A","payee_account":"B","amount":1,"currency":"EUR"}';
    assert.equal(parsePaymentJsonl(line)[0]?.time, '2026-01-02T10:00:00');
  });

  test('XML times without a zone are refused: the writer never writes one, and Tazama JSON refuses them too', () => {
    const record: PaymentRecord = {
      id: 'W-1',
      time: '2026-01-02T10:00:00',
      payer: { account: 'ACC-W-A' },
      payee: { account: 'ACC-W-B' },
      amount: 3,
      currency: 'EUR',
    };
    assert.match(
      refusal(() => writePacs008([record])),
      /time: has no zone/,
    );
    const tazama = JSON.stringify({
      TxTp: 'pacs.008.001.10',
      FIToFICstmrCdtTrf: {
        GrpHdr: { MsgId: 'M-1', CreDtTm: '2026-01-02T10:00:00', NbOfTxs: 1 },
        CdtTrfTxInf: {
          PmtId: { EndToEndId: 'T-1' },
          InstdAmt: { Amt: { Amt: 5, Ccy: 'EUR' } },
          DbtrAcct: { Id: { Othr: [{ Id: 'ACC-T-A' }] } },
          CdtrAcct: { Id: { Othr: [{ Id: 'ACC-T-B' }] } },
        },
      },
    });
    assert.match(
      refusal(() => readPayments(tazama, 'tazama')),
      /CreDtTm: has no zone/,
    );
  });
});

describe('XML times without a zone: over HTTP', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let writer: string;
  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    writer = (await createApiKey(server.services.storage.apiKeys, 'payments', ['write'])).secret;
  });
  after(() => server.close());

  test('XML times without a zone are refused: POST /v1/payments answers 400 PAYMENT_INVALID with the line and column', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/xml' },
      payload: pacs008({ created: '2026-01-02T10:05:00Z', accepted: '2026-01-02T10:00:00' }),
    });
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.json().error.code, 'PAYMENT_INVALID');
    assert.match(response.json().error.message, /^line 9, column 5: AccptncDtTm: has no zone/);
  });
});
