import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { caseBackends } from '../../test/support/case-backends.js';

const backends = await caseBackends();
after(async () => {
  for (const backend of backends) await backend.cleanup();
});

/** A logged event naming `entities`, at `time` (plainly fake ids). */
function event(id: string, time: string, entities: Record<string, string>) {
  return { id, type: 'payment.sent', time, timeMs: Date.parse(time), entities, data: { amount: 1, currency: 'USD' } };
}

for (const backend of backends) {
  describe(`event log reads by id and by entity (${backend.name})`, { skip: backend.skip }, () => {
    test('by id: known ones in log order; by entity: exact type and id, in the period, bounded', async () => {
      const storage = await backend.open(await backend.place());
      try {
        const log = storage.engine.events;
        await log.append([
          event('e1', '2026-01-01T10:00:00Z', { payment_account: 'acct-1', payee_account: 'acct-9' }),
          event('e2', '2026-01-02T10:00:00Z', { payment_account: 'acct-10', payee_account: 'acct-9' }),
          event('e3', '2026-01-03T10:00:00Z', { payment_account: 'acct-2', payee_account: 'acct-1' }),
          event('e4', '2026-03-01T10:00:00Z', { payment_account: 'acct-1', payee_account: 'acct-9' }),
          // LIKE wildcards and the escape character in ids must match only themselves.
          event('e5', '2026-01-04T10:00:00Z', { payment_account: 'acct_%\\x', payee_account: 'acct-9' }),
          event('e6', '2026-01-04T11:00:00Z', { payment_account: 'acctA%\\xx', payee_account: 'acct-9' }),
        ]);
        assert.deepEqual(
          (await log.readByIds(['e4', 'missing', 'e1', 'e1'])).map((found) => found.id),
          ['e1', 'e4'],
        );
        assert.deepEqual(await log.readByIds([]), []);
        const subject = [
          { type: 'payment_account', id: 'acct-1' },
          { type: 'payee_account', id: 'acct-1' },
        ];
        const january = { fromMs: Date.parse('2026-01-01T00:00:00Z'), toMs: Date.parse('2026-01-31T23:59:59Z') };
        assert.deepEqual(
          (await log.readForEntities(subject, january, 100)).map((found) => found.id),
          ['e1', 'e3'],
          'acct-10 is not acct-1; e4 is outside the period',
        );
        assert.deepEqual(
          (await log.readForEntities(subject, january, 1)).map((found) => found.id),
          ['e1'],
        );
        assert.deepEqual(
          (await log.readForEntities([{ type: 'payment_account', id: 'acct_%\\x' }], january, 100)).map(
            (found) => found.id,
          ),
          ['e5'],
        );
        assert.deepEqual(await log.readForEntities([], january, 100), []);
      } finally {
        await storage.close();
      }
    });
  });
}
