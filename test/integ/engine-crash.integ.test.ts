/**
 * Durability: kill the engine with SIGKILL while 100,000 events are being ingested, restart it,
 * and check that every acknowledged event is in the log and applied exactly once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestEngine } from '../support/engine-harness.js';

const ingester = fileURLToPath(new URL('./support/crash-ingester.ts', import.meta.url));
const total = 100_000;

/** Runs the ingester and kills it once it has acknowledged at least `killAfter` events; resolves to the last acked index. */
function ingestAndKill(dataDir: string, killAfter: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ingester, dataDir, String(total)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked = -1;
    let buffer = '';
    let errors = '';
    const deadline = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^acked (\d+)$/.exec(line);
        if (match) acked = Number(match[1]);
        if (acked >= killAfter) child.kill('SIGKILL');
      }
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(deadline);
      if (signal !== 'SIGKILL') reject(new Error(`the ingester was not killed (exit ${_code}): ${errors}`));
      else resolve(acked);
    });
  });
}

describe('crash safety', () => {
  test('after SIGKILL mid-ingest, every acknowledged event is applied exactly once', { timeout: 300_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'prevail-crash-'));
    try {
      const acked = await ingestAndKill(dataDir, 30_000);
      assert.ok(acked >= 30_000 && acked < total - 1, `killed mid-ingest after ${acked + 1} acknowledged events`);
      const { engine, storage, close } = await startTestEngine({ dataDir, snapshotEvery: 5000 });
      try {
        const logged = await storage.engine.events.count();
        assert.ok(logged >= acked + 1, `all ${acked + 1} acknowledged events are in the log (found ${logged})`);
        assert.equal(
          engine.processedSeq,
          await storage.engine.events.lastSeq(),
          'the restart processed everything logged',
        );
        // Every logged payment is counted exactly once by the features (all are within 30 days).
        const at = Date.parse('2026-11-01T00:00:00Z') + logged * 1000;
        let counted = 0;
        for (let account = 0; account < 100; account++) {
          counted += engine.features.value('payments_sent_30d', `payment_account:acct-${account}`, at) ?? 0;
        }
        assert.equal(counted, logged, 'feature counts equal the number of logged events');
        // The payment rule fired exactly once per qualifying event: none lost, none doubled.
        const highRiskSoFar = new Map<number, number>();
        let qualifying = 0;
        for (let i = 0; i < logged; i++) {
          const seen = (highRiskSoFar.get(i % 100) ?? 0) + (i % 3 === 0 ? 1 : 0);
          highRiskSoFar.set(i % 100, seen);
          if (seen >= 3) qualifying++;
        }
        const hits = (await storage.engine.ruleHitStats()).find(
          (row) => row.ruleId === 'repeated_small_payments_to_high_risk_corridor',
        );
        assert.equal(hits?.hits, qualifying);
        // A second restart changes nothing.
        await close();
        const again = await startTestEngine({ dataDir, snapshotEvery: 5000 });
        let recounted = 0;
        for (let account = 0; account < 100; account++) {
          recounted += again.engine.features.value('payments_sent_30d', `payment_account:acct-${account}`, at) ?? 0;
        }
        assert.equal(recounted, logged);
        await again.close();
      } catch (error) {
        await close().catch(() => undefined);
        throw error;
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
