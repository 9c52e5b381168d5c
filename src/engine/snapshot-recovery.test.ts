import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { examplePacks, examplePolicy, syntheticEvent } from '../../test/support/engine-harness.js';
import { openStorage } from '../storage/index.js';
import { openEngine } from './open-engine.js';

test('a feature whose meaning changed is rebuilt from the event log instead of stopping the engine', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'prevail-snapshot-'));
  try {
    const policy = join(directory, 'policy');
    await cp(examplePolicy, policy, { recursive: true });
    const dataDir = join(directory, 'data');
    const payments = Array.from({ length: 6 }, (_, n) =>
      syntheticEvent(
        'payment.sent',
        { payment_account: 'acct-s', payee_account: 'payee-s' },
        { amount: 5, currency: 'USD' },
        `2026-11-${String(10 + n * 3).padStart(2, '0')}T00:00:00Z`,
      ),
    );
    let storage = await openStorage({ dataDir });
    const first = await openEngine(storage.engine, policy, { packRegistry: examplePacks, snapshotEvery: 1 });
    await first.engine.ingest(payments, { wait: true });
    const at = Date.parse('2026-11-25T00:00:00Z');
    assert.equal(first.engine.features.value('payments_sent_30d', 'payment_account:acct-s', at), 6);
    await first.engine.checkpoint();
    await storage.close();

    // The operator narrows the window: the snapshot no longer fits the definition.
    const featuresFile = join(policy, 'features.yaml');
    const text = await readFile(featuresFile, 'utf8');
    await writeFile(
      featuresFile,
      text.replace(
        'name: payments_sent_30d\n    entity: payment_account\n    events: [payment.sent]\n    aggregate: count\n    window: 30d',
        'name: payments_sent_30d\n    entity: payment_account\n    events: [payment.sent]\n    aggregate: count\n    window: 7d',
      ),
    );
    assert.notEqual(await readFile(featuresFile, 'utf8'), text, 'the policy changed');
    storage = await openStorage({ dataDir });
    const second = await openEngine(storage.engine, policy, { packRegistry: examplePacks });
    // Payments on the 19th, 22nd and 25th fall in the 7 days up to the 25th.
    assert.equal(second.engine.features.value('payments_sent_30d', 'payment_account:acct-s', at), 3);
    await storage.close();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
