import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { examplePacks, examplePolicy, syntheticEvent } from '../../test/support/engine-harness.js';
import { openStorage } from '../storage/index.js';
import { openEngine } from './open-engine.js';

test('a damaged event row is dead-lettered with EVENT_UNREADABLE and the events after it are processed, across restarts', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'prevail-unreadable-'));
  try {
    const policy = join(directory, 'policy');
    await cp(examplePolicy, policy, { recursive: true });
    const dataDir = join(directory, 'data');
    const payment = (n: number) =>
      syntheticEvent(
        'payment.sent',
        { payment_account: 'acct-u', payee_account: `payee-${n}` },
        { amount: 5, currency: 'USD' },
        `2026-11-${String(10 + n).padStart(2, '0')}T00:00:00Z`,
      );

    // Two events reach the log but not the engine (a crash after the append).
    let storage = await openStorage({ dataDir });
    await storage.engine.events.append(
      [payment(1), payment(2)].map((event) => ({ ...event, timeMs: Date.parse(event.time) })),
    );
    await storage.close();

    // The first one's row is damaged on disk.
    const database = new BetterSqlite3(join(dataDir, 'prevail.sqlite'));
    database.prepare("UPDATE events SET data_json = '{not json' WHERE seq = 1").run();
    database.close();

    for (let start = 0; start < 2; start++) {
      storage = await openStorage({ dataDir });
      const { engine } = await openEngine(storage.engine, policy, { packRegistry: examplePacks });
      await engine.ingest([payment(3 + start)], { wait: true });
      assert.equal(engine.processedSeq, 3 + start, 'the engine went past the damaged event');
      const letters = await storage.engine.deadLetters(0, 10);
      assert.deepEqual(
        letters.map((letter) => [letter.eventSeq, letter.code]),
        [[1, 'EVENT_UNREADABLE']],
        'one dead letter, not one per start',
      );
      const at = Date.parse('2026-11-20T00:00:00Z');
      assert.equal(engine.features.value('payments_sent_30d', 'payment_account:acct-u', at), 2 + start);
      await storage.close();
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
