import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventSubject } from './index.js';

test('partitioned subjects: one partition per primary entity, in range, stable across releases', () => {
  const payment = (payer: string, payee: string) => ({ entities: { payment_account: payer, payee_account: payee } });
  // The payer (the first role named) decides, whoever the payee is.
  assert.equal(eventSubject(payment('acct-1', 'payee-1'), 8), eventSubject(payment('acct-1', 'payee-2'), 8));
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const subject = eventSubject(payment(`acct-${i}`, 'payee-1'), 8);
    assert.match(subject, /^prevail\.events\.[0-7]$/);
    seen.add(subject);
  }
  assert.equal(seen.size, 8, '200 entities reach every one of 8 partitions');
  // Pinned: the partition of an entity must never change between releases (the log records it).
  assert.deepEqual(
    ['acct-1', 'acct-2', 'acct-3', 'u-1'].map((id) => eventSubject(payment(id, 'p'), 8)),
    ['prevail.events.4', 'prevail.events.5', 'prevail.events.2', 'prevail.events.2'],
  );
  // Unpartitioned subjects keep their 8 hex digits.
  assert.match(eventSubject(payment('acct-1', 'p')), /^prevail\.events\.[0-9a-f]{8}$/);
});
