/**
 * `npm run bench -- payments [--accounts N] [--days D] [--before DIR [--detection-changed]] [--repeat R]` (default
 * 10,000 accounts, 90 days, the default scenario of `prevail simulate payments`), side by side in
 * one run:
 * - Prevail: every payment through the full OCSE pack (every feature, indicator rule and typology,
 *   all active) on the embedded engine: durable event log in SQLite, features in memory, effects
 *   committed in batches; payments per second on one core, and per CPU-second;
 * - before (with `--before DIR`): the same, on the code of another commit checked out in the
 *   worktree DIR and built there (`npx tsc -p tsconfig.bench.json`), fed the very same events. The
 *   two sides run in turn, each in a fresh process, `--repeat` times (default 3): medians are
 *   compared, because on a shared machine only runs taken in the same stretch of time compare. Both
 *   sides must give the same alerts (their number and SHA-256), or the benchmark fails —
 *   unless `--detection-changed` says the detection itself changed between them, when each side
 *   must only agree with itself and both alert counts are printed;
 * - baseline: the engine's recompute-from-history design: for every payment each pack feature is
 *   recomputed from the entity's stored history (`recomputeFeature`, the reference the store is
 *   tested against), then the same rules; bounded in time;
 * - memory per million accounts: a fresh engine fed one payment per payer from a large number of
 *   distinct payers to distinct payees; RSS and heap growth per million accounts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignalsEngine } from '../src/engine/index.js';
import { type EngineEvent, entityKey } from '../src/events/index.js';
import { defineFeatures, recomputeFeature } from '../src/features/index.js';
import { createOcsePaymentsPack, type PaymentRecord, toPaymentEvent } from '../src/payments/index.js';
import { withScreeningEngine } from '../src/screening/index.js';
import { simulatePayments } from '../src/simulate/index.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { option, type SideOptions, sideOptions } from './lib/side-options.js';
import { buildRoots, runInTurns, sideRows, sidesAgree, summarizeSides } from './lib/side-runs.js';

/** The screening engine (pack rules active, throwaway store) with the engine's default snapshots. */
function withEngine<T>(work: (engine: SignalsEngine) => Promise<T>): Promise<T> {
  return withScreeningEngine({}, work);
}

/** One run of one side (see `payments-side.ts`). */
interface SideRun {
  readonly payments: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly alerts: number;
  readonly alertsSha256: string;
}

/**
 * Prevail on this code and, given `--before`, on that worktree's build, in turns, `repeat` times
 * each, on the same events; fails when any run's alerts differ from the first's (from its own
 * side's first, when the detection changed between the sides).
 */
async function runSides(
  events: readonly ReturnType<typeof toPaymentEvent>[],
  { beforeDirectory, repeat, detectionChanged }: SideOptions,
) {
  const roots = buildRoots(beforeDirectory, 'screening');
  const directory = await mkdtemp(join(tmpdir(), 'prevail-bench-payments-'));
  const file = join(directory, 'events.jsonl');
  let runs: { before: SideRun[]; after: SideRun[] };
  try {
    await writeFile(file, `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
    runs = await runInTurns<'before' | 'after', SideRun>(
      'payments-side.js',
      repeat,
      { before: roots.before === undefined ? undefined : [roots.before, file], after: [roots.after, file] },
      (round, latest) =>
        console.log(
          `round ${round + 1}/${repeat}: ${Object.entries(latest)
            .map(([name, item]) => `${name} ${Math.round(item.payments / item.seconds)}/s`)
            .join(', ')}`,
        ),
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  const { after, before } = runs;
  const outcome = (item: SideRun) => ({ count: item.alerts, sha256: item.alertsSha256 });
  sidesAgree(after, before, outcome, detectionChanged);
  return summarizeSides({ after, before }, beforeDirectory, (item) => item.payments, outcome);
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
  const memoryAccounts = option(args, '--memory-accounts', 100_000);
  const sides = sideOptions(args);
  const { repeat, detectionChanged } = sides;
  console.log(`machine: ${JSON.stringify(describeMachine())}`);
  const scenario = simulatePayments({ seed: 1, accounts, days });
  const records = [...scenario.payments];
  const events = records.map(toPaymentEvent);
  console.log(
    `scenario: ${accounts.toLocaleString('en')} accounts, ${days} days, ${events.length.toLocaleString('en')} payments`,
  );

  const { after, before } = await runSides(events, sides);
  const baseline = runBaseline(events, 30_000);
  const baselinePerSecond = Math.round(baseline.processed / baseline.seconds);
  const memory = await runMemory(memoryAccounts);

  const ratio = before === undefined ? undefined : after.perSecond / before.perSecond;
  const cpuRatio = before === undefined ? undefined : after.perCpuSecond / before.perCpuSecond;
  printTable(
    ['design', 'payments', 'seconds (median)', 'payments/s', 'per CPU-second'],
    [
      ...sideRows('Prevail: incremental features, durable engine', events.length, after, before),
      [
        'baseline: recompute features from history per payment',
        baseline.processed,
        baseline.seconds.toFixed(1),
        baselinePerSecond,
        '',
      ],
    ],
  );
  if (before !== undefined && ratio !== undefined && cpuRatio !== undefined) {
    console.log(
      `after/before: ${ratio.toFixed(2)}× payments/s, ${cpuRatio.toFixed(2)}× per CPU-second (medians of ${repeat} runs each, taken in turns; runs after ${after.runsPerSecond.join(', ')}/s, before ${before.runsPerSecond.join(', ')}/s)`,
    );
  }
  console.log(
    `speed-up over recompute: ${(after.perSecond / Math.max(1, baselinePerSecond)).toFixed(1)}×; ${after.count} alerts (SHA-256 ${after.sha256.slice(0, 12)}…, the same on every run${before === undefined ? '' : detectionChanged ? `; before: ${before.count} alerts, the same on each of its runs — the detection changed between the sides` : ' of both sides'})`,
  );
  console.log(
    `memory: ${memory.rssMbPerMillion} MB RSS (${memory.heapMbPerMillion} MB heap) per million accounts, measured over ${memory.entities.toLocaleString('en')} accounts`,
  );
  console.log('target: ≥ 10,000 payments/s on one core; Tazama measured about 2,240/s on ~26 × 32-vCPU VMs');
  await finishBenchmark('payments', {
    accounts,
    days,
    payments: events.length,
    repeat,
    prevailSeconds: after.seconds,
    prevailPaymentsPerSecond: after.perSecond,
    prevailPaymentsPerCpuSecond: after.perCpuSecond,
    prevailRunsPaymentsPerSecond: after.runsPerSecond,
    prevailRunsPaymentsPerCpuSecond: after.runsPerCpuSecond,
    alerts: after.count,
    alertsSha256: after.sha256,
    ...(before === undefined || ratio === undefined || cpuRatio === undefined
      ? {}
      : {
          before: {
            commit: before.commit,
            detectionChanged,
            alerts: before.count,
            seconds: before.seconds,
            paymentsPerSecond: before.perSecond,
            paymentsPerCpuSecond: before.perCpuSecond,
            runsPaymentsPerSecond: before.runsPerSecond,
            runsPaymentsPerCpuSecond: before.runsPerCpuSecond,
          },
          ratio: Number(ratio.toFixed(2)),
          cpuRatio: Number(cpuRatio.toFixed(2)),
        }),
    baselinePayments: baseline.processed,
    baselinePaymentsPerSecond: baselinePerSecond,
    speedup: Number((after.perSecond / Math.max(1, baselinePerSecond)).toFixed(1)),
    memoryAccounts: memory.entities,
    rssMbPerMillionAccounts: memory.rssMbPerMillion,
    heapMbPerMillionAccounts: memory.heapMbPerMillion,
    targetPaymentsPerSecond: 10_000,
  });
}
