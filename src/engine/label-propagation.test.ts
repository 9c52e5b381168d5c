import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestEngine, syntheticEvent } from '../../test/support/engine-harness.js';

let harness: Awaited<ReturnType<typeof startTestEngine>>;
before(async () => {
  harness = await startTestEngine();
});
after(async () => {
  await harness.close();
  await harness.remove();
});

/** A synthetic payment event between plainly fake accounts. */
function pay(id: string, payer: string, payee: string, time: string) {
  return syntheticEvent(
    'payment.sent',
    { payment_account: payer, payee_account: payee },
    { amount: 30, currency: 'USD', payer_country: 'US', payee_country: 'PH', payee_type: 'individual' },
    time,
    id,
  );
}

test('confirming a payer labels its receivers and their other payers (F14), and raises those payers', async () => {
  const { engine, storage } = harness;
  await engine.ingest(
    [
      pay('prop-1', 'confirmed-1', 'receiver-1', '2026-06-01T10:00:00Z'),
      pay('prop-2', 'co-payer-1', 'receiver-1', '2026-06-02T10:00:00Z'),
      pay('prop-3', 'unrelated-1', 'receiver-2', '2026-06-03T10:00:00Z'),
    ],
    { wait: true },
  );
  await engine.setLabel({
    entity: 'payment_account:confirmed-1',
    label: 'ocse_confirmed_payer',
    action: 'add',
    actor: 'analyst-test',
    reason: 'case confirmed (synthetic test)',
  });
  assert.deepEqual(engine.labelsOf('payment_account:receiver-1'), ['ocse_network_payee']);
  assert.deepEqual(engine.labelsOf('payment_account:co-payer-1'), ['ocse_network_co_payer']);
  assert.deepEqual(engine.labelsOf('payment_account:confirmed-1'), ['ocse_confirmed_payer']);
  assert.deepEqual(engine.labelsOf('payment_account:unrelated-1'), []);
  assert.deepEqual(engine.labelsOf('payment_account:receiver-2'), []);
  const stored = await storage.engine.activeLabels(new Date().toISOString());
  const propagated = stored.find((label) => label.entity === 'payment_account:co-payer-1');
  assert.equal(propagated?.source, 'propagation:ocse_confirmed_payer');
  assert.match(propagated?.reason ?? '', /confirmed-1 \(by analyst-test: case confirmed/);

  // The co-payer's next payment, to anyone, is raised by F14 (recorded in shadow mode).
  await engine.ingest([pay('prop-4', 'co-payer-1', 'receiver-3', '2026-06-04T10:00:00Z')], { wait: true });
  const hits = await storage.engine.hitsFor('payment_account:co-payer-1', 50);
  assert.ok(hits.some((hit) => hit.ruleId === 'ocse_f14_shared_payee_network' && hit.eventId === 'prop-4'));
});
