/**
 * `npm run bench -- rules [--events N] [--before DIR] [--repeat R]` (N default 1,000,000, R
 * default 3): synthetic events of five types through a policy of 50 rules (10 per event type:
 * rules are gated by type) and 20 windowed features (`lib/rules-workload.ts`), side by side:
 * - Prevail: durable ingestion and processing by the engine (event log, features in memory,
 *   rules, effects committed in batches), events per second and per CPU-second (the honest
 *   figure on a shared machine), each run in a fresh process (`lib/rules-side.ts`);
 * - before (with `--before DIR`): the same on the code of another commit checked out in the
 *   worktree DIR and built there (`npx tsc -p tsconfig.bench.json`); the two sides run in turns,
 *   `--repeat` times each, medians reported, and must store the same rule hits (number and
 *   SHA-256) or the benchmark fails; each side's node runs with the flags its tree's
 *   `deploy/prevail.service` starts Prevail with (`NODE_OPTIONS`), and when this tree sets any,
 *   this code runs a third time with node's defaults, so the code's gain and the flags' are told
 *   apart;
 * - baseline: the same features recomputed for every event by querying the stored history
 *   (SQL aggregates over an indexed history table, the design whose history queries bound Tazama),
 *   then the same rules; measured on the first events for a bounded time;
 * - synchronous verdict latency (`ingest(…, {wait: true})`) at a paced 1,000 events per second,
 *   on this code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { builtinPacks } from '../src/app/index.js';
import { openEngine } from '../src/engine/index.js';
import { openStorage } from '../src/storage/index.js';
import { deployedNodeFlags, thisRepository } from './lib/deployed-node-flags.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { syntheticEvent, windows, writePolicy } from './lib/rules-workload.js';
import { option, type SideOptions, sideOptions } from './lib/side-options.js';
import { buildRoots, rates, runInTurns, sideRows, sidesAgree, summarizeSides } from './lib/side-runs.js';

/** One run of one side (see `rules-side.ts`). */
interface SideRun {
  readonly events: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly hits: number;
  readonly hitsSha256: string;
}

/**
 * Prevail on this code and, given `--before`, on that worktree's build, in turns, `repeat` times
 * each, on the same events and policy; fails when any run's rule hits differ from the first's.
 * Each side runs as its tree deploys it (`deployedNodeFlags`: the V8 flags of its
 * `deploy/prevail.service`), and this code runs a third time with node's defaults ("plain"), so
 * that the gain of the code and that of the flags are told apart in one run.
 */
async function runSides(policy: string, total: number, { beforeDirectory, repeat }: SideOptions) {
  const roots = buildRoots(beforeDirectory, 'engine');
  const flags = {
    before: beforeDirectory === undefined ? [] : deployedNodeFlags(beforeDirectory),
    plain: [],
    after: deployedNodeFlags(thisRepository()),
  };
  const { after, before, plain } = await runInTurns<'before' | 'plain' | 'after', SideRun>(
    'rules-side.js',
    repeat,
    {
      before: roots.before === undefined ? undefined : [roots.before, policy, String(total)],
      plain: flags.after.length === 0 ? undefined : [roots.after, policy, String(total)],
      after: [roots.after, policy, String(total)],
    },
    (round, latest) =>
      console.log(
        `round ${round + 1}/${repeat}: ${Object.entries(latest)
          .map(
            ([name, item]) =>
              `${name} ${Math.round(item.events / item.seconds)}/s, ${Math.round(item.events / item.cpuSeconds)}/CPU-s`,
          )
          .join('; ')}`,
      ),
    flags,
  );
  const outcome = (item: SideRun) => ({ count: item.hits, sha256: item.hitsSha256 });
  sidesAgree([...after, ...plain], before, outcome, false);
  const summary = await summarizeSides({ after, before }, beforeDirectory, (item) => item.events, outcome);
  return { ...summary, plain: plain.length === 0 ? undefined : rates(plain, (item) => item.events), flags };
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

export async function run(args: string[]): Promise<void> {
  const total = option(args, '--events', 1_000_000);
  const sides = sideOptions(args);
  const { repeat } = sides;
  const machine = describeMachine();
  console.log(
    `rules on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}: ${total.toLocaleString('en')} events of 5 types, 50 rules (10 per type), 20 features`,
  );
  const directory = await mkdtemp(join(tmpdir(), 'prevail-rules-bench-'));
  const base = Date.parse('2026-10-01T00:00:00Z');
  try {
    const policy = join(directory, 'policy');
    await writePolicy(policy);

    // Prevail: ingest (durable) + process, in batches, each side in a fresh process, in turns.
    const { after, before, plain, flags } = await runSides(policy, total, sides);

    // Synchronous verdicts at a paced 1,000 events per second, for 5 seconds, on this code, after
    // a warm-up of up to 100,000 events (so that entities have history and the code is compiled).
    const storage = await openStorage({ dataDir: join(directory, 'engine') });
    const { engine } = await openEngine(storage.engine, policy, {
      packRegistry: builtinPacks,
      snapshotEvery: 200_000,
      batchSize: 2000,
    });
    const warm = Math.min(total, 100_000);
    for (let start = 0; start < warm; start += 5000) {
      const batch = [];
      for (let i = start; i < Math.min(warm, start + 5000); i++) batch.push(syntheticEvent(i, base));
      await engine.ingest(batch);
      await engine.drain();
    }
    const latencies: number[] = [];
    const paceStart = performance.now();
    for (let n = 0; n < 5000; n++) {
      const due = paceStart + n;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sent = performance.now();
      await engine.ingest([syntheticEvent(warm + n, base)], { wait: true });
      latencies.push(performance.now() - sent);
    }
    latencies.sort((a, b) => a - b);
    await storage.close();

    // Baseline: the same events, each feature recomputed from the stored history (bounded in time).
    const history = new BetterSqlite3(join(directory, 'baseline.sqlite'));
    history.pragma('journal_mode = WAL');
    history.exec(
      'create table history (type text, actor text, target text, amount real, time_ms integer); create index history_actor on history (type, actor, time_ms); create index history_target on history (type, target, time_ms);',
    );
    const insert = history.prepare('insert into history values (?, ?, ?, ?, ?)');
    const windowMs: Record<string, number> = {
      '1h': 3_600_000,
      '24h': 86_400_000,
      '7d': 604_800_000,
      '30d': 2_592_000_000,
    };
    const byActor = history.prepare(
      'select count(*) as count, coalesce(sum(amount), 0) as sum, count(distinct target) as targets from history where type = ? and actor = ? and time_ms > ? and time_ms <= ?',
    );
    const byTarget = history.prepare(
      'select count(distinct actor) as actors from history where type = ? and target = ? and time_ms > ? and time_ms <= ?',
    );
    const { buildRuleSet, readRuleSources } = await import('../src/rules/index.js');
    const { loadEngineConfig } = await import('../src/engine/index.js');
    const config = await loadEngineConfig(policy, { packRegistry: builtinPacks });
    const build = buildRuleSet((await readRuleSources(config.rulesDirectory)).sources, config.catalogs);
    if (!build.ok) throw new Error('benchmark rules failed to build');
    const baselineStarted = performance.now();
    let baselineEvents = 0;
    while (baselineEvents < 200_000 && performance.now() - baselineStarted < 20_000) {
      const event = syntheticEvent(baselineEvents, base);
      const timeMs = Date.parse(event.time);
      const entities = event.entities as Record<string, string>;
      const actor =
        entities.payment_account ?? (event.type === 'stream.viewer_joined' ? entities.host : entities.user) ?? '';
      const target = entities.payee_account ?? entities.recipient ?? entities.user ?? '';
      const amount = typeof event.data.amount === 'number' ? event.data.amount : null;
      insert.run(event.type, actor, target, amount, timeMs);
      const features: Record<string, number | null> = {};
      const windowsFor = event.type === 'payment.sent' ? windows : ['1h', '24h'];
      for (const window of windowsFor) {
        const from = timeMs - (windowMs[window] as number);
        const own = byActor.get(event.type, actor, from, timeMs) as { count: number; sum: number; targets: number };
        if (event.type === 'payment.sent') {
          const payee = byTarget.get(event.type, target, from, timeMs) as { actors: number };
          Object.assign(features, {
            [`count_${window}`]: own.count,
            [`sum_${window}`]: own.sum,
            [`payers_${window}`]: payee.actors,
          });
        } else if (event.type === 'message.sent') {
          Object.assign(features, { [`messages_${window}`]: own.count, [`contacts_${window}`]: own.targets });
        } else if (event.type === 'gift.sent') {
          features[`gifts_${window}`] = own.sum;
        } else if (event.type === 'stream.viewer_joined') {
          features[`viewers_${window}`] = (byTarget.get(event.type, actor, from, timeMs) as { actors: number }).actors;
        }
      }
      build.ruleSet.evaluate({ event: { ...event, timeMs }, features });
      baselineEvents++;
    }
    const baselineMs = performance.now() - baselineStarted;
    history.close();
    const baselinePerSecond = Math.round(baselineEvents / (baselineMs / 1000));

    const ratio = before === undefined ? undefined : after.perSecond / before.perSecond;
    const cpuRatio = before === undefined ? undefined : after.perCpuSecond / before.perCpuSecond;
    console.log('');
    printTable(
      ['design', 'events', 'seconds', 'events/s', 'events/CPU-s'],
      [
        ...sideRows(
          `Prevail engine (durable log, incremental features, 50 rules)${flags.after.length === 0 ? '' : `, node ${flags.after.join(' ')} as deployed`}`,
          total,
          after,
          before,
        ).map((row, index) =>
          index === 1
            ? [`${row[0]}${flags.before.length === 0 ? '' : `, node ${flags.before.join(' ')}`}`, ...row.slice(1)]
            : row,
        ),
        ...(plain === undefined
          ? []
          : [
              [
                'Prevail engine, this code, node defaults',
                total,
                plain.seconds.toFixed(1),
                plain.perSecond,
                plain.perCpuSecond,
              ],
            ]),
        [
          'baseline: recompute features from stored history per event',
          baselineEvents,
          (baselineMs / 1000).toFixed(1),
          baselinePerSecond,
          '',
        ],
      ],
    );
    if (before !== undefined && ratio !== undefined && cpuRatio !== undefined) {
      console.log(
        `after/before: ${ratio.toFixed(2)}× events/s, ${cpuRatio.toFixed(2)}× per CPU-second (medians of ${repeat} runs each, taken in turns; runs after ${after.runsPerCpuSecond.join(', ')}/CPU-s, before ${before.runsPerCpuSecond.join(', ')}/CPU-s)`,
      );
    }
    if (plain !== undefined) {
      console.log(
        `the code alone (node defaults)${before === undefined ? '' : `/before: ${(plain.perCpuSecond / before.perCpuSecond).toFixed(2)}×`} per CPU-second (runs ${plain.runsPerCpuSecond.join(', ')}/CPU-s); the deployed flags (${flags.after.join(' ')}) on this code: ${(after.perCpuSecond / plain.perCpuSecond).toFixed(2)}×`,
      );
    }
    console.log(
      `speed-up over recompute: ${(after.perSecond / Math.max(1, baselinePerSecond)).toFixed(1)}×; ${after.count} rule hits stored (SHA-256 ${after.sha256.slice(0, 12)}…, the same on every run${before === undefined && plain === undefined ? '' : ' of every side'})`,
    );
    console.log(
      `synchronous verdict latency at 1,000 events/s (5,000 events): p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms`,
    );
    console.log('');
    await finishBenchmark('rules', {
      events: total,
      rules: 50,
      features: 20,
      repeat,
      eventsPerSecond: after.perSecond,
      eventsPerCpuSecond: after.perCpuSecond,
      runsEventsPerSecond: after.runsPerSecond,
      runsEventsPerCpuSecond: after.runsPerCpuSecond,
      nodeFlags: flags.after,
      ...(plain === undefined
        ? {}
        : {
            plain: {
              eventsPerSecond: plain.perSecond,
              eventsPerCpuSecond: plain.perCpuSecond,
              runsEventsPerSecond: plain.runsPerSecond,
              runsEventsPerCpuSecond: plain.runsPerCpuSecond,
            },
          }),
      ruleHits: after.count,
      ruleHitsSha256: after.sha256,
      ...(before === undefined || ratio === undefined || cpuRatio === undefined
        ? {}
        : {
            before: {
              commit: before.commit,
              nodeFlags: flags.before,
              eventsPerSecond: before.perSecond,
              eventsPerCpuSecond: before.perCpuSecond,
              runsEventsPerSecond: before.runsPerSecond,
              runsEventsPerCpuSecond: before.runsPerCpuSecond,
            },
            ratio: Number(ratio.toFixed(2)),
            cpuRatio: Number(cpuRatio.toFixed(2)),
          }),
      baselineEvents,
      baselineEventsPerSecond: baselinePerSecond,
      speedup: Number((after.perSecond / Math.max(1, baselinePerSecond)).toFixed(1)),
      verdictP50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
      verdictP99Ms: Number(percentile(latencies, 0.99).toFixed(2)),
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
