/**
 * `npm run bench -- rules [--events N]` (N default 1,000,000): synthetic events of five types
 * through a policy of 50 rules (10 per event type: rules are gated by type) and 20 windowed
 * features, side by side:
 * - Prevail: durable ingestion and processing by the engine (event log, features in memory,
 *   rules, effects committed in batches), events per second on one core;
 * - baseline: the same features recomputed for every event by querying the stored history
 *   (SQL aggregates over an indexed history table, the design whose history queries bound Tazama),
 *   then the same rules; measured on the first events for a bounded time;
 * - synchronous verdict latency (`ingest(…, {wait: true})`) at a paced 1,000 events per second.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { builtinPacks } from '../src/app/index.js';
import { openEngine } from '../src/engine/index.js';
import { openStorage } from '../src/storage/index.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} takes a positive whole number`);
  return value;
}

const windows = ['1h', '24h', '7d', '30d'];
const countries = ['GB', 'US', 'AU', 'PH', 'KH', 'DE', 'CA', 'TH'];

/**
 * 20 features over five event types, as a real policy spreads them: payer and payee
 * aggregates of payments, messages and gifts per user, private sessions and viewers per host.
 */
function featuresYaml(): string {
  const lines = ['features:'];
  for (const window of windows) {
    lines.push(
      `  - { name: count_${window}, entity: payment_account, events: [payment.sent], aggregate: count, window: ${window} }`,
    );
    lines.push(
      `  - { name: sum_${window}, entity: payment_account, events: [payment.sent], aggregate: sum, field: data.amount, window: ${window} }`,
    );
    lines.push(
      `  - { name: payers_${window}, entity: payee_account, entity_type: payment_account, events: [payment.sent], aggregate: distinct, field: entities.payment_account, window: ${window} }`,
    );
  }
  for (const window of ['1h', '24h']) {
    lines.push(
      `  - { name: messages_${window}, entity: user, events: [message.sent], aggregate: count, window: ${window} }`,
    );
    lines.push(
      `  - { name: contacts_${window}, entity: user, events: [message.sent], aggregate: distinct, field: entities.recipient, window: ${window} }`,
    );
    lines.push(
      `  - { name: gifts_${window}, entity: user, events: [gift.sent], aggregate: sum, field: data.amount, window: ${window} }`,
    );
    lines.push(
      `  - { name: viewers_${window}, entity: host, entity_type: user, events: [stream.viewer_joined], aggregate: distinct, field: entities.user, window: ${window} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The condition of benchmark rule `i` on `type` (10 rules per type, thresholds varied). */
function condition(type: string, i: number): string {
  const window = windows[i % 4] as string;
  const short = i % 2 === 0 ? '1h' : '24h';
  const threshold = 3 + (i % 7);
  switch (type) {
    case 'payment.sent':
      return [
        `has(features.count_${window}) && features.count_${window} >= ${threshold * 4}`,
        `has(features.sum_${window}) && features.sum_${window} > ${threshold * 400}.0`,
        `has(features.payers_${window}) && features.payers_${window} >= ${threshold * 3}`,
        `event.data.amount < 20.0 && event.data.payee_country == "${countries[i % countries.length]}"`,
      ][i % 4] as string;
    case 'message.sent':
      return i % 2 === 0
        ? `has(features.contacts_${short}) && features.contacts_${short} >= ${threshold * 2}`
        : `has(features.messages_${short}) && features.messages_${short} >= ${threshold * 10}`;
    case 'gift.sent':
      return `has(features.gifts_${short}) && features.gifts_${short} > ${threshold * 100}.0`;
    case 'stream.viewer_joined':
      return `has(features.viewers_${short}) && features.viewers_${short} >= ${threshold * 5}`;
    default:
      return `event.data.visibility == "private" && event.data.viewer_count <= ${i % 3}.0`;
  }
}

const eventTypes = ['payment.sent', 'message.sent', 'gift.sent', 'stream.viewer_joined', 'session.started'];

/** 50 rules, 10 per event type, most in shadow mode and every tenth active. */
function rulesYaml(): string {
  const lines = ['rules:'];
  for (let i = 0; i < 50; i++) {
    const type = eventTypes[Math.floor(i / 10)] as string;
    lines.push(`  - id: bench_rule_${i}`);
    lines.push(`    description: synthetic benchmark rule ${i}`);
    lines.push(`    events: [${type}]`);
    lines.push(`    when: '${condition(type, i)}'`);
    lines.push(`    mode: ${i % 10 === 0 ? 'active' : 'shadow'}`);
    lines.push('    effects:');
    lines.push(i % 10 === 0 ? '      - verdict: review' : '      - typology: { name: bench_typology, points: 5 }');
  }
  return `${lines.join('\n')}\n`;
}

export async function writePolicy(directory: string): Promise<void> {
  await mkdir(join(directory, 'rules'), { recursive: true });
  await writeFile(join(directory, 'features.yaml'), featuresYaml());
  await writeFile(join(directory, 'rules', 'bench.yaml'), rulesYaml());
  await writeFile(
    join(directory, 'typologies.yaml'),
    'typologies:\n  - { name: bench_typology, subject: user, window: 30d, alert_threshold: 100000 }\n',
  );
}

/**
 * A deterministic stream of synthetic events over 20,000 users and payers, 30 days: 40 %
 * payments, 25 % messages, 15 % viewers joining, 10 % gifts, 10 % sessions.
 */
export function syntheticEvent(i: number, base: number) {
  const user = `u-${(i * 7919) % 20_000}`;
  const other = `u-${(i * 104_729) % 20_000}`;
  const time = new Date(base + i * 2500).toISOString();
  const slot = i % 20;
  if (slot < 8) {
    return {
      id: `bench-${i}`,
      type: 'payment.sent',
      time,
      entities: { payment_account: `payer-${(i * 7919) % 20_000}`, payee_account: `payee-${(i * 104_729) % 2000}` },
      data: { amount: 5 + ((i * 31) % 400), currency: 'USD', payee_country: countries[i % countries.length] as string },
    };
  }
  if (slot < 13)
    return {
      id: `bench-${i}`,
      type: 'message.sent',
      time,
      entities: { user, recipient: other },
      data: { text: 'synthetic' },
    };
  if (slot < 16)
    return {
      id: `bench-${i}`,
      type: 'stream.viewer_joined',
      time,
      entities: { user, stream: `s-${i % 500}`, host: `u-${i % 500}` },
      data: {},
    };
  if (slot < 18)
    return {
      id: `bench-${i}`,
      type: 'gift.sent',
      time,
      entities: { user, recipient: other },
      data: { amount: 1 + (i % 50) },
    };
  return {
    id: `bench-${i}`,
    type: 'session.started',
    time,
    entities: { user, stream: `s-${i}` },
    data: { kind: 'stream', visibility: i % 3 === 0 ? 'private' : 'public', viewer_count: i % 4 },
  };
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

export async function run(args: string[]): Promise<void> {
  const total = option(args, '--events', 1_000_000);
  const machine = describeMachine();
  console.log(
    `rules on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}: ${total.toLocaleString('en')} events of 5 types, 50 rules (10 per type), 20 features`,
  );
  const directory = await mkdtemp(join(tmpdir(), 'prevail-rules-bench-'));
  const base = Date.parse('2026-10-01T00:00:00Z');
  try {
    const policy = join(directory, 'policy');
    await writePolicy(policy);

    // Prevail: ingest (durable) + process, in batches.
    const storage = await openStorage({ dataDir: join(directory, 'engine') });
    const { engine } = await openEngine(storage.engine, policy, {
      packRegistry: builtinPacks,
      snapshotEvery: 200_000,
      batchSize: 2000,
    });
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (let start = 0; start < total; start += 5000) {
      const batch = [];
      for (let i = start; i < Math.min(total, start + 5000); i++) batch.push(syntheticEvent(i, base));
      await engine.ingest(batch);
      await engine.drain();
    }
    const engineMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuStarted);
    const eventsPerSecond = Math.round(total / (engineMs / 1000));
    const eventsPerCpuSecond = Math.round(total / ((cpu.user + cpu.system) / 1e6));

    // Synchronous verdicts at a paced 1,000 events per second, for 5 seconds.
    const latencies: number[] = [];
    const paceStart = performance.now();
    for (let n = 0; n < 5000; n++) {
      const due = paceStart + n;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sent = performance.now();
      await engine.ingest([syntheticEvent(total + n, base)], { wait: true });
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

    console.log('');
    printTable(
      ['design', 'events', 'seconds', 'events/s'],
      [
        [
          'Prevail engine (durable log, incremental features, 50 rules)',
          total,
          (engineMs / 1000).toFixed(1),
          eventsPerSecond,
        ],
        [
          'baseline: recompute features from stored history per event',
          baselineEvents,
          (baselineMs / 1000).toFixed(1),
          baselinePerSecond,
        ],
      ],
    );
    console.log(
      `speed-up: ${(eventsPerSecond / Math.max(1, baselinePerSecond)).toFixed(1)}×; Prevail CPU: ${eventsPerCpuSecond.toLocaleString('en')} events per CPU-second`,
    );
    console.log(
      `synchronous verdict latency at 1,000 events/s (5,000 events): p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms`,
    );
    console.log('');
    await finishBenchmark('rules', {
      events: total,
      rules: 50,
      features: 20,
      eventsPerSecond,
      eventsPerCpuSecond,
      baselineEvents,
      baselineEventsPerSecond: baselinePerSecond,
      speedup: Number((eventsPerSecond / Math.max(1, baselinePerSecond)).toFixed(1)),
      verdictP50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
      verdictP99Ms: Number(percentile(latencies, 0.99).toFixed(2)),
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
