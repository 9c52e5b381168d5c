import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/index.js';
import { parsePaymentJsonl } from './parse-jsonl.js';

function rejects(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, 'PAYMENT_INVALID');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('parsePaymentJsonl', () => {
  test('reads the flat snake_case shape and the nested PaymentRecord shape, skipping blank lines', () => {
    const flat = {
      id: 'j1',
      time: '2026-03-01T23:40:00+10:00',
      payer_account: 'A',
      payer_country: 'AU',
      payee_account: 'B',
      amount: '19.99',
      currency: 'AUD',
      crypto_risk_tags: ['mixer'],
      channel: 'crypto',
    };
    const nested = {
      id: 'j2',
      time: '2026-03-01T23:55:00Z',
      localHour: 7,
      payer: { account: 'A', type: 'individual', birthDate: '1970-01-01' },
      payee: { account: 'C', name: 'Test Receiver' },
      amount: 5,
      currency: 'USD',
      unknownKey: 'ignored',
    };
    const text = `${JSON.stringify(flat)}\n\n${JSON.stringify(nested)}\r\n`;
    assert.deepEqual(parsePaymentJsonl(text), [
      {
        id: 'j1',
        time: '2026-03-01T23:40:00+10:00',
        localHour: 23,
        payer: { account: 'A', country: 'AU' },
        payee: { account: 'B' },
        amount: 19.99,
        currency: 'AUD',
        channel: 'crypto',
        cryptoRiskTags: ['mixer'],
      },
      {
        id: 'j2',
        time: '2026-03-01T23:55:00Z',
        localHour: 7,
        payer: { account: 'A', type: 'individual', birthDate: '1970-01-01' },
        payee: { account: 'C', name: 'Test Receiver' },
        amount: 5,
        currency: 'USD',
      },
    ]);
  });

  test('errors name the line and the field in the shape used; nothing is returned', () => {
    const good = JSON.stringify({
      id: 'a',
      time: '2026-03-01T10:00:00Z',
      payer_account: 'A',
      payee_account: 'B',
      amount: 1,
      currency: 'USD',
    });
    rejects(
      () =>
        parsePaymentJsonl(
          `${good}\n{"id":"b","payer":{"account":"A"},"payee":{},"time":"2026-03-01T10:00:00Z","amount":1,"currency":"USD"}`,
        ),
      /^line 2: missing field payee\.account$/,
    );
    rejects(
      () => parsePaymentJsonl(`${good}\n${good.replace('"a"', '"b"').replace('"USD"', '"usd"')}`),
      /^line 2: field currency: not an ISO 4217 currency code: "usd"$/,
    );
    rejects(() => parsePaymentJsonl(`${good}\n[1,2]`), /^line 2: expected one JSON object per line$/);
    rejects(() => parsePaymentJsonl(`${good}\n{"id": "c",`), /^line 2(, column \d+)?: not valid JSON/);
    rejects(() => parsePaymentJsonl(`${good}\n${good}`), /^line 2: id "a" repeats an earlier payment$/);
    rejects(
      () => parsePaymentJsonl(good.replace('"amount":1', '"amount":0')),
      /^line 1: field amount: must be a positive amount/,
    );
    rejects(
      () => parsePaymentJsonl(good.replace('"currency"', '"local_hour":24,"currency"')),
      /^line 1: field local_hour: must be a whole hour 0–23/,
    );
    rejects(() => parsePaymentJsonl('{"payer": "A"}'), /^line 1: field payer: expected an object$/);
    rejects(() => parsePaymentJsonl('x'.repeat(100), { maxTokenLength: 50 }), /^line 1: longer than 50 characters$/);
  });
});
