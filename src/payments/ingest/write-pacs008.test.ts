import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/index.js';
import type { PaymentRecord } from '../payment-record.js';
import { formatAmount, pacs008Chunks, pacs008Namespace, writePacs008 } from './write-pacs008.js';

const base: PaymentRecord = {
  id: 'W-1',
  time: '2026-03-01T23:40:00+10:00',
  localHour: 23,
  payer: { account: 'GB33TEST12345678901234', name: 'Test <Sender> & Co', type: 'individual', birthDate: '1970-01-01' },
  payee: { account: 'PH-1', type: 'organisation', country: 'PH' },
  amount: 1234.5,
  currency: 'EUR',
  purpose: 'Family support',
  cryptoRiskTags: ['mixer'],
};

function rejects(run: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('writePacs008', () => {
  test('writes a pacs.008.001.08 document with the group header, escaped text and the extension', () => {
    const xml = writePacs008([base], { messageId: 'TEST-1', createdAt: '2026-03-02T00:00:00Z' });
    assert.ok(xml.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${pacs008Namespace}">`));
    assert.match(xml, /<GrpHdr><MsgId>TEST-1<\/MsgId><CreDtTm>2026-03-02T00:00:00Z<\/CreDtTm><NbOfTxs>1<\/NbOfTxs>/);
    assert.match(xml, /<Nm>Test &lt;Sender&gt; &amp; Co<\/Nm>/);
    assert.match(xml, /<AccptncDtTm>2026-03-01T23:40:00\+10:00<\/AccptncDtTm><InstdAmt Ccy="EUR">1234.5<\/InstdAmt>/);
    assert.match(xml, /<DbtrAcct><Id><IBAN>GB33TEST12345678901234<\/IBAN><\/Id><\/DbtrAcct>/);
    assert.match(xml, /<Id><OrgId><Othr><Id>PH-1<\/Id><\/Othr><\/OrgId><\/Id>/);
    assert.match(xml, /<Purp><Prtry>Family support<\/Prtry><\/Purp>/);
    assert.match(
      xml,
      /<SplmtryData><Envlp><Prevail xmlns="urn:prevail:payments:extension:1"><CryptoRiskTag>mixer<\/CryptoRiskTag><\/Prevail>/,
    );
  });

  test('refuses records it cannot write so that they read back, naming the record', () => {
    rejects(
      () => writePacs008([base, { ...base, id: 'W-2', currency: 'eur' }]),
      'PAYMENT_INVALID',
      /^record 1 \(id "W-2"\): currency: not an ISO 4217/,
    );
    rejects(
      () => writePacs008([{ ...base, remittanceInfo: 'bell \u0007' }]),
      'PAYMENT_INVALID',
      /remittanceInfo: U\+0007 cannot be written in XML/,
    );
    rejects(
      () => writePacs008([{ ...base, payer: { ...base.payer, name: 'half \uD800' } }]),
      'PAYMENT_INVALID',
      /payer\.name: U\+D800/,
    );
    rejects(
      () => writePacs008([{ ...base, payer: { account: 'A', birthDate: '1970-01-01' } }]),
      'PAYMENT_INVALID',
      /payer has birth data but is not an individual/,
    );
    rejects(() => writePacs008([base], { messageId: 'x'.repeat(36) }), 'CONFIG_INVALID', /messageId/);
    rejects(() => writePacs008([base], { createdAt: 'yesterday' }), 'CONFIG_INVALID', /createdAt/);
  });

  test('one XML policy: a control character, a lone surrogate and U+FFFE are refused, never replaced', () => {
    for (const [text, point] of [
      ['nul \u0000', 'U\\+0000'],
      ['escape \u001B', 'U\\+001B'],
      ['low \uDC00 first', 'U\\+DC00'],
      ['not a character \uFFFE', 'U\\+FFFE'],
    ] as const) {
      rejects(
        () => writePacs008([{ ...base, payee: { ...base.payee, name: text } }]),
        'PAYMENT_INVALID',
        new RegExp(`payee\\.name: ${point} cannot be written in XML`),
      );
    }
  });

  test('the chunked form needs the right number of transactions', () => {
    const pieces = pacs008Chunks([base, { ...base, id: 'W-2' }], { numberOfTransactions: 3 });
    rejects(() => [...pieces], 'PAYMENT_INVALID', /numberOfTransactions is 3 but 2 records were given/);
  });

  test('formatAmount writes plain decimals that read back as the same number', () => {
    for (const [value, text] of [
      [12.5, '12.5'],
      [1e-7, '0.0000001'],
      [1.5e-7, '0.00000015'],
      [1e21, '1000000000000000000000'],
      [1.2345e22, '12345000000000000000000'],
      [0.1 + 0.2, '0.30000000000000004'],
    ] as const) {
      assert.equal(formatAmount(value), text);
      assert.equal(Number(text), value);
    }
  });
});
