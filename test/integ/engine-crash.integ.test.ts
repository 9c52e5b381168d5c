/**
 * Durability: kill the engine with SIGKILL while 100,000 events are being ingested, restart it,
 * check that every acknowledged event is in the log and applied exactly once, then finish the
 * ingest and compare everything the store holds (events, cases, timelines, labels, links, rule
 * hits, typology points, dead letters) with a control run that was never interrupted.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { sqliteFileName } from '../../src/storage/index.js';
import { startTestEngine } from '../support/engine-harness.js';
import { crashBase, crashEvents, isPayment } from './support/crash-events.js';

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

/** Ingests events 0 to `total` in batches of 500 (what is logged already is a duplicate), then drains. */
async function ingestAll(engine: Awaited<ReturnType<typeof startTestEngine>>['engine']): Promise<void> {
  for (let start = 0; start < total; start += 500)
    await engine.ingest(crashEvents(start, Math.min(total, start + 500)));
  await engine.drain();
}

/**
 * Everything the engine stored, in an order that does not depend on when it was written. Seqs
 * are left out: a resent (duplicate) event uses up a seq on SQLite, so the two logs hold the same
 * events in the same order under different numbers.
 */
function storeContents(dataDir: string): Record<string, unknown[]> {
  const db = new BetterSqlite3(join(dataDir, sqliteFileName), { readonly: true });
  try {
    const all = (query: string) => db.prepare(query).raw().all();
    return {
      events: all('select id, type, time, entities_json, data_json from events order by seq'),
      cases: all(
        'select subject, status, priority, assignee, decision, opened_at, updated_at, closed_at, retain_until_ms, held_at, hold_reason from cases order by subject, opened_at',
      ),
      timelines: all(
        'select c.subject, t.ref, t.kind, t.time, t.summary, t.detail_json from case_timeline t join cases c on c.id = t.case_id order by c.subject, t.ref',
      ),
      labels: all('select entity, label, added_at, expires_at, source, reason from labels order by entity, label'),
      links: all(
        'select from_entity, to_entity, kind, first_seen, last_seen, count from entity_links order by from_entity, to_entity, kind',
      ),
      hits: all(
        'select event_id, rule_id, mode, subject, reason, effects_json, time from rule_hits order by event_id, rule_id',
      ),
      contributions: all('select * from typology_contributions order by typology, subject, event_id, rule_id'),
      deadLetters: all('select event_id, code from dead_letters order by event_id'),
    };
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  test('after SIGKILL mid-ingest, every acknowledged event is applied exactly once, and the store equals a control run', {
    timeout: 900_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'prevail-crash-'));
    const controlDir = await mkdtemp(join(tmpdir(), 'prevail-crash-control-'));
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
        const at = crashBase + logged * 1000;
        let payments = 0;
        for (let i = 0; i < logged; i++) if (isPayment(i)) payments++;
        let counted = 0;
        for (let account = 0; account < 100; account++) {
          counted += engine.features.value('payments_sent_30d', `payment_account:acct-${account}`, at) ?? 0;
        }
        assert.equal(counted, payments, 'feature counts equal the number of logged payments');
        // The payment rule fired exactly once per qualifying event: none lost, none doubled.
        const highRiskSoFar = new Map<number, number>();
        let qualifying = 0;
        for (let i = 0; i < logged; i++) {
          if (!isPayment(i)) continue;
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
        assert.equal(recounted, payments);
        // Finish the ingest after the crash, and run the same events through a control engine
        // that was never interrupted: the stores must hold the same things.
        await ingestAll(again.engine);
        await again.engine.close();
        await again.close();
        const control = await startTestEngine({ dataDir: controlDir, snapshotEvery: 5000 });
        await ingestAll(control.engine);
        await control.engine.close();
        await control.close();
        const crashed = storeContents(dataDir);
        const expected = storeContents(controlDir);
        assert.ok(
          (expected.timelines?.length ?? 0) > 10_000 && (expected.cases?.length ?? 0) >= 40,
          `the control run has cases with linked activity (${expected.cases?.length} cases, ${expected.timelines?.length} timeline rows)`,
        );
        for (const table of Object.keys(expected)) {
          assert.equal(crashed[table]?.length, expected[table]?.length, `${table}: as many rows as the control run`);
          assert.deepEqual(crashed[table], expected[table], `${table}: the same rows as the control run`);
        }
      } catch (error) {
        await close().catch(() => undefined);
        throw error;
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await rm(controlDir, { recursive: true, force: true });
    }
  });
});
