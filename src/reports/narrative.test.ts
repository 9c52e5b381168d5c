import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testPayments } from '../../test/support/report-cases.js';
import { fincenKeyTermsFor } from './key-terms.js';
import { composeNarrative } from './narrative.js';

test('key terms first, then the narrative, the typologies and the payments, blank lines between', () => {
  const [payment] = testPayments(1);
  assert.ok(payment !== undefined);
  const text = composeNarrative({
    keyTerms: fincenKeyTermsFor({ ocse: true, sextortion: true, humanTrafficking: false }),
    narrative: '  Synthetic narrative.\nSecond line.  ',
    typologies: [
      { id: 'ocse_payments', reasons: ['reason one', 'reason two'] },
      { id: 'quiet_typology', reasons: [] },
    ],
    payments: [{ ...payment, amountUsd: 50 }],
  });
  assert.equal(
    text,
    [
      'OCSE-FIN-2021-NTC3 FIN-2025-SEXTORTION',
      '',
      'Synthetic narrative.\nSecond line.',
      '',
      'Typologies that alerted:',
      '- ocse_payments: reason one',
      '- ocse_payments: reason two',
      '- quiet_typology',
      '',
      'Suspicious payments:',
      '- 2026-03-01T23:40:00-05:00 TX-0001: 50.00 USD, mto_online, US to PH',
    ].join('\n'),
  );
});

test('empty parts are left out', () => {
  assert.equal(composeNarrative({ keyTerms: [], narrative: ' ', typologies: [] }), '');
  assert.equal(composeNarrative({ keyTerms: ['KEY'], narrative: '', typologies: [], payments: [] }), 'KEY');
});
