/**
 * `npm run bench -- payments [--accounts N] [--days D]` (default 10,000 accounts, 90 days, the
 * default scenario of `prevail simulate payments`), side by side in one run:
 * - Prevail: every payment through the full OCSE pack (36 features, 23 indicator rules, six
 *   typologies, all active) on the embedded engine: durable event log in SQLite, features in
 *   memory, effects committed in batches; payments per second on one core;
 * - baseline: the engine's recompute-from-history design: for every payment each pack feature is
 *   recomputed from the entity's stored history (`recomputeFeature`, the reference the store is
 *   tested against), then the same rules; bounded in time;
 * - memory per million accounts: a fresh engine fed one payment per payer from a large number of
 *   distinct payers to distinct payees; RSS and heap growth per million accounts.
 */
import type { SignalsEngine } from '../src/engine/index.js';
import { type EngineEvent, entityKey } from '../src/events/index.js';
import { defineFeatures, recomputeFeature } from '../src/features/index.js';
import { createOcsePaymentsPack, type PaymentRecord, toPaymentEvent } from '../src/payments/index.js';
import { withScreeningEngine } from '../src/screening/index.js';
import { simulatePayments } from '../src/simulate/index.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} takes a positive whole number`);
  return value;
}

/** The screening engine (pack rules active, throwaway store) with the engine's default snapshots. */
function withEngine<T>(work: (engine: SignalsEngine) => Promise<T>): Promise<T> {
  return withScreeningEngine({}, work);
}

/** Prevail: durable ingestion and processing of every payment; returns seconds and CPU seconds. */
async function runPrevail(events: readonly ReturnType<typeof toPaymentEvent>[]) {
  return withEngine(async (engine) => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let index = 0; index < events.length; index += 1000) {
      await engine.ingest(events.slice(index, index + 1000));
    }
    await engine.drain();
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const alerts = engine.typologyAlerts().length;
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, alerts };
  });
}

/** Baseline: each pack feature recomputed from the entity's history for every payment. */
function runBaseline(events: readonly ReturnType<typeof toPaymentEvent>[], budgetMs: number) {
  const pack = createOcsePaymentsPack();
  const specs = defineFeatures(pack.features);
  const rules = pack.rules.map((rule) => rule.configure());
  const history = new Map<string, EngineEvent[]>();
  const started = performance.now();
  let processed = 0;
  for (const input of events) {
    if (performance.now() - started > budgetMs) break;
    const event: EngineEvent = { ...input, timeMs: Date.parse(input.time) };
    for (const role of ['payment_account', 'payee_account', 'payee_document']) {
      const id = event.entities[role];
      if (id === undefined) continue;
      const key = entityKey(role === 'payee_document' ? 'payee_document' : 'payment_account', id);
      const list = history.get(key) ?? [];
      list.push(event);
      history.set(key, list);
    }
    const features: Record<string, number | null> = {};
    for (const spec of specs) {
      const id = event.entities[spec.readRole];
      if (id === undefined) {
        features[spec.name] = null;
        continue;
      }
      const key = entityKey(spec.entityType, id);
      features[spec.name] = recomputeFeature(spec, history.get(key) ?? [], key, event.timeMs);
    }
    for (const rule of rules) rule.evaluate({ event, features, labels: {} });
    processed++;
  }
  return { processed, seconds: (performance.now() - started) / 1000 };
}

/** Memory growth per million accounts: one payment each from `accounts` payers to as many payees. */
async function runMemory(accounts: number) {
  return withEngine(async (engine) => {
    global.gc?.();
    const before = process.memoryUsage();
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let index = 0; index < accounts; index += 1000) {
      const batch = [];
      for (let offset = index; offset < Math.min(accounts, index + 1000); offset++) {
        const record: PaymentRecord = {
          id: `m${offset}`,
          time: new Date(base + offset * 1000).toISOString(),
          payer: { account: `payer-${offset}`, country: 'US', type: 'individual' },
          payee: { account: `payee-${offset}`, country: 'PH', type: 'individual' },
          amount: 40 + (offset % 50),
          currency: 'USD',
          localHour: offset % 24,
          channel: 'mto_online',
          remittanceInfo: 'gift',
        };
        batch.push(toPaymentEvent(record));
      }
      await engine.ingest(batch);
    }
    await engine.drain();
    global.gc?.();
    const after = process.memoryUsage();
    const entities = accounts * 2;
    const perMillion = (bytes: number) => Math.round(((bytes / entities) * 1e6) / 1048576);
    return {
      entities,
      rssMbPerMillion: perMillion(after.rss - before.rss),
      heapMbPerMillion: perMillion(after.heapUsed - before.heapUsed),
    };
  });
}

export async function run(args: string[]): Promise<void> {
  const accounts = option(args, '--accounts', 10_000);
  const days = option(args, '--days', 90);
  const memoryAccounts = option(args, '--memory-accounts', 250_000);
  console.log(`machine: ${JSON.stringify(describeMachine())}`);
  const scenario = simulatePayments({ seed: 1, accounts, days });
  const records = [...scenario.payments];
  const events = records.map(toPaymentEvent);
  console.log(
    `scenario: ${accounts.toLocaleString('en')} accounts, ${days} days, ${events.length.toLocaleString('en')} payments`,
  );

  const prevail = await runPrevail(events);
  const prevailPerSecond = Math.round(events.length / prevail.seconds);
  const baseline = runBaseline(events, 30_000);
  const baselinePerSecond = Math.round(baseline.processed / baseline.seconds);
  const memory = await runMemory(memoryAccounts);

  printTable(
    ['design', 'payments', 'seconds', 'payments/s'],
    [
      ['Prevail: incremental features, durable engine', events.length, prevail.seconds.toFixed(1), prevailPerSecond],
      [
        'baseline: recompute features from history per payment',
        baseline.processed,
        baseline.seconds.toFixed(1),
        baselinePerSecond,
      ],
    ],
  );
  const perCpuSecond = Math.round(events.length / prevail.cpuSeconds);
  console.log(
    `speed-up: ${(prevailPerSecond / Math.max(1, baselinePerSecond)).toFixed(1)}×; Prevail: ${perCpuSecond.toLocaleString('en')} payments per CPU-second; ${prevail.alerts} alerts`,
  );
  console.log(
    `memory: ${memory.rssMbPerMillion} MB RSS (${memory.heapMbPerMillion} MB heap) per million accounts, measured over ${memory.entities.toLocaleString('en')} accounts`,
  );
  console.log('target: ≥ 10,000 payments/s on one core; Tazama measured about 2,240/s on ~26 × 32-vCPU VMs');
  await finishBenchmark('payments', {
    accounts,
    days,
    payments: events.length,
    prevailSeconds: Number(prevail.seconds.toFixed(2)),
    prevailPaymentsPerSecond: prevailPerSecond,
    prevailPaymentsPerCpuSecond: perCpuSecond,
    alerts: prevail.alerts,
    baselinePayments: baseline.processed,
    baselinePaymentsPerSecond: baselinePerSecond,
    speedup: Number((prevailPerSecond / Math.max(1, baselinePerSecond)).toFixed(1)),
    memoryAccounts: memory.entities,
    rssMbPerMillionAccounts: memory.rssMbPerMillion,
    heapMbPerMillionAccounts: memory.heapMbPerMillion,
    targetPaymentsPerSecond: 10_000,
  });
}
