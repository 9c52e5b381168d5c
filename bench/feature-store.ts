/**
 * `npm run bench -- feature-store [--events N] [--rounds R]` (N default 40,000, R default 3): what
 * keeping the engine's feature state in Redis would cost per event (issue 16, notes/scale-out.md
 * §3 and §8), side by side in one run with the in-process feature state the engine uses today.
 *
 * Workload: N synthetic `payment.sent` events (2,000 fake payer accounts, 500 fake payee accounts,
 * times rising over 30 days), each feeding 8 features of its payer and 8 of its payee (per role:
 * 5 windowed counts, two with a filter; 2 windowed sums; 1 windowed distinct set; windows from
 * 1 hour to 30 days). Every side applies each event and reads back the 16 values a rule would
 * read. Sides, interleaved in every round on the same events:
 * - **in-process**: the engine's own `FeatureStore` (`src/features`): `apply`, then `valueOfId`
 *   for the 16 features;
 * - **Redis**: per event and entity one `FCALL` of a Lua function (loaded with `FUNCTION LOAD`)
 *   that, atomically, returns the stored vector when the event's idempotency marker exists, else
 *   updates the entity's 8 features (a hash of bucket → value plus a running total per count or
 *   sum, evicting buckets that left the window; a sorted set of value → newest bucket per
 *   distinct), expires them at window + one bucket, and stores the vector under the marker for an
 *   hour (`SET … EX`). Filters and field reads run in the client, as the engine's CEL filters
 *   would. Two ways of calling: *one event at a time* (both calls of an event in flight, then the
 *   next event) and *batches of 100 events* (200 calls in flight, as a worker's fetch of 100
 *   would allow), against two private `redis-server`s started here on free ports: no persistence,
 *   and AOF with `appendfsync everysec` (the design's setting). After the AOF batched side the
 *   same events are sent again (every call a marker hit: the cost of a redelivery).
 *
 * Every Redis side must return, for every event, exactly the 16 values the in-process side read,
 * or the benchmark fails. CPU is `process.cpuUsage()` of this process (the client) and
 * `/proc/<pid>/stat` of the redis-server (user + system, with its reaped children: AOF rewrites
 * fork). Wall rates on a shared 2-core machine say little; read the CPU per event and the ratio.
 * Each side runs once on the first 2,000 events before the rounds (not recorded), so the JIT has
 * compiled both.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import type { EngineEvent } from '../src/events/index.js';
import { type FeatureDefinition, FeatureStore, parseWindow } from '../src/features/index.js';
import { stopChild } from '../test/support/child-process.js';
import { freePort } from '../test/support/free-port.js';
import { mulberry32 } from '../test/support/mulberry32.js';
import { median } from './lib/median.js';
import { finishBenchmark, printTable } from './lib/report.js';

const redisServerPath = '/usr/bin/redis-server';
const ticksPerSecond = 100;
const batchSize = 100;
const markerTtlSeconds = 3600;
const highRisk = new Set(['PH', 'KH', 'TH', 'VN', 'ID']);
const countries = ['GB', 'DE', 'FR', 'US', 'PH', 'KH', 'NL', 'SE', 'TH', 'IE'];

type Kind = 'count' | 'sum' | 'distinct';

/** One feature of one role, as both sides keep it. */
interface BenchFeature {
  readonly name: string;
  readonly kind: Kind;
  readonly window: string;
  readonly field?: string[];
  readonly filter?: (event: EngineEvent) => boolean;
}

const isHighRisk = (event: EngineEvent) => highRisk.has(event.data.payee_country as string);
const isLarge = (event: EngineEvent) => (event.data.amount as number) >= 40_000;

/** Per role: 5 windowed counts (two filtered), 2 windowed sums, 1 windowed distinct set. */
function roleFeatures(prefix: string, otherRole: string): BenchFeature[] {
  return [
    { name: `${prefix}_1h`, kind: 'count', window: '1h' },
    { name: `${prefix}_24h`, kind: 'count', window: '24h' },
    { name: `${prefix}_30d`, kind: 'count', window: '30d' },
    { name: `${prefix}_high_risk_30d`, kind: 'count', window: '30d', filter: isHighRisk },
    { name: `${prefix}_large_7d`, kind: 'count', window: '7d', filter: isLarge },
    { name: `${prefix}_amount_24h`, kind: 'sum', window: '24h', field: ['data', 'amount'] },
    { name: `${prefix}_amount_7d`, kind: 'sum', window: '7d', field: ['data', 'amount'] },
    { name: `${prefix}_distinct_30d`, kind: 'distinct', window: '30d', field: ['entities', otherRole] },
  ];
}

/** The two roles of a payment, each with its features (both of entity type payment_account). */
const roles = [
  { role: 'payment_account', tag: 'payer', features: roleFeatures('sent', 'payee_account') },
  { role: 'payee_account', tag: 'payee', features: roleFeatures('received', 'payment_account') },
] as const;

function definitions(): FeatureDefinition[] {
  return roles.flatMap(({ role, features }) =>
    features.map(
      (feature): FeatureDefinition => ({
        name: feature.name,
        entity: role,
        entityType: 'payment_account',
        eventTypes: ['payment.sent'],
        aggregate: feature.kind,
        window: feature.window,
        ...(feature.field === undefined ? {} : { field: feature.field.join('.') }),
        ...(feature.filter === undefined ? {} : { filter: feature.filter }),
      }),
    ),
  );
}

/**
 * The Lua library: one function per role, its features baked in. KEYS[1] is the marker, KEYS[2…]
 * the features' keys (all with the entity's hash tag, so a Redis Cluster takes the call whole);
 * ARGV is the event id, its time in ms, then per feature its input ('' when the event does not
 * feed it: filter false or field absent).
 */
function luaLibrary(): string {
  const lines = [
    '#!lua name=prevail_bench',
    // A windowed count or sum: fields are bucket numbers, plus n (newest bucket), o (oldest
    // bucket that may be held) and t (the total over the window).
    'local function windowed(key, bw, t, v, ttl)',
    '  local b = math.floor(t / bw)',
    "  local st = redis.call('HMGET', key, 'n', 'o', 't')",
    '  local newest = tonumber(st[1])',
    '  if newest == nil and v == nil then return 0 end',
    '  local oldest = tonumber(st[2])',
    '  local total = tonumber(st[3]) or 0',
    '  if newest == nil then newest = b; oldest = b end',
    '  local changed = false',
    '  if v ~= nil and b >= newest - 60 then',
    "    redis.call('HINCRBY', key, string.format('%d', b), v)",
    '    total = total + tonumber(v)',
    '    if b > newest then newest = b end',
    '    if b < oldest then oldest = b end',
    '    changed = true',
    '  end',
    '  local limit = math.max(newest, b) - 60',
    '  if oldest < limit then',
    '    if limit - oldest > 64 then',
    "      local all = redis.call('HGETALL', key)",
    '      for i = 1, #all, 2 do',
    '        local k = tonumber(all[i])',
    "        if k ~= nil and k < limit then total = total - tonumber(all[i + 1]); redis.call('HDEL', key, all[i]) end",
    '      end',
    '    else',
    '      for k = oldest, limit - 1 do',
    "        local f = string.format('%d', k)",
    "        local x = redis.call('HGET', key, f)",
    "        if x then total = total - tonumber(x); redis.call('HDEL', key, f) end",
    '      end',
    '    end',
    '    oldest = limit',
    '    changed = true',
    '  end',
    '  if changed then',
    "    redis.call('HSET', key, 'n', string.format('%d', newest), 'o', string.format('%d', oldest), 't', string.format('%d', total))",
    "    redis.call('PEXPIRE', key, ttl)",
    '  end',
    '  return total',
    'end',
    // A windowed distinct set: member = value, score = the newest bucket it was seen in.
    'local function distinct(key, bw, t, v, ttl)',
    '  local b = math.floor(t / bw)',
    "  local top = redis.call('ZRANGE', key, 0, 0, 'REV', 'WITHSCORES')",
    '  local newest = b',
    '  if top[2] ~= nil and tonumber(top[2]) > b then newest = tonumber(top[2]) end',
    '  if v ~= nil and b >= newest - 60 then',
    "    redis.call('ZADD', key, 'GT', string.format('%d', b), v)",
    "    redis.call('PEXPIRE', key, ttl)",
    '  end',
    "  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. string.format('%d', newest - 60))",
    "  return redis.call('ZCARD', key)",
    'end',
  ];
  for (const { tag, features } of roles) {
    lines.push(`local function apply_${tag}(keys, args)`);
    lines.push("  local seen = redis.call('GET', keys[1])");
    lines.push('  if seen then return seen end');
    lines.push('  local t = tonumber(args[2])');
    lines.push('  local out = {}');
    features.forEach((feature, index) => {
      const windowMs = parseWindow(feature.window) as number;
      const bucketMs = windowMs / 60;
      const input = `args[${index + 3}]`;
      const call = feature.kind === 'distinct' ? 'distinct' : 'windowed';
      lines.push(
        `  out[${index + 1}] = ${call}(keys[${index + 2}], ${bucketMs}, t, ${input} ~= '' and ${input} or nil, ${windowMs + bucketMs})`,
      );
    });
    lines.push("  local vector = table.concat(out, ',')");
    lines.push(`  redis.call('SET', keys[1], vector, 'EX', ${markerTtlSeconds})`);
    lines.push('  return vector');
    lines.push('end');
    lines.push(`redis.register_function('apply_${tag}', apply_${tag})`);
  }
  return `${lines.join('\n')}\n`;
}

/** N payments between fake accounts, times rising evenly over 30 days. */
function syntheticPayments(count: number): EngineEvent[] {
  const random = mulberry32(16);
  const start = Date.parse('2026-11-01T00:00:00Z');
  const step = Math.floor((30 * 86_400_000) / count);
  return Array.from({ length: count }, (_, i) => {
    const timeMs = start + i * step;
    return {
      id: `bench-fs-${i}`,
      type: 'payment.sent',
      time: new Date(timeMs).toISOString(),
      timeMs,
      entities: { payment_account: `fake-payer-${random() % 2000}`, payee_account: `fake-payee-${random() % 500}` },
      data: {
        amount: 100 + (random() % 50_000),
        currency: 'USD',
        payee_country: countries[random() % countries.length],
      },
    };
  });
}

function readField(event: EngineEvent, path: readonly string[]): unknown {
  let value: unknown = event;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/** The FCALL of one event for one role: keys under the entity's hash tag, inputs read here. */
function fcallArguments(event: EngineEvent, roleIndex: number): string[] {
  const { role, tag, features } = roles[roleIndex] as (typeof roles)[number];
  const id = event.entities[role] as string;
  const hashTag = `{pa:${id}}`;
  const keys = [`${hashTag}:seen:${event.id}`, ...features.map((feature) => `${hashTag}:${feature.name}`)];
  const inputs = features.map((feature) => {
    if (feature.filter !== undefined && !feature.filter(event)) return '';
    if (feature.kind === 'count') return '1';
    const value = readField(event, feature.field as string[]);
    if (feature.kind === 'sum') return typeof value === 'number' && Number.isInteger(value) ? String(value) : '';
    return typeof value === 'string' && value !== '' ? value : '';
  });
  return ['FCALL', `apply_${tag}`, String(keys.length), ...keys, event.id, String(event.timeMs), ...inputs];
}

/** CPU-ms of a process so far (user + system, with its reaped children), from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  return (ticks * 1000) / ticksPerSecond;
}

const connectRedis = (port: number) => createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false } });

type RedisClient = ReturnType<typeof connectRedis>;

interface PrivateRedis {
  readonly name: string;
  readonly process: ChildProcess;
  readonly client: RedisClient;
}

async function startRedis(name: string, directory: string, aof: boolean): Promise<PrivateRedis> {
  const port = await freePort();
  const child = spawn(
    redisServerPath,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      directory,
      '--save',
      '',
      '--appendonly',
      aof ? 'yes' : 'no',
      '--appendfsync',
      'everysec',
      '--logfile',
      '',
    ],
    { stdio: 'ignore' },
  );
  const client = connectRedis(port);
  // Ready when a client connects (bounded: 50 tries, 100 ms apart).
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server (${name}) exited with ${child.exitCode}`);
    try {
      await client.connect();
      break;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await client.sendCommand(['FUNCTION', 'LOAD', 'REPLACE', luaLibrary()]);
  return { name, process: child, client };
}

/** One side's run over the events: CPU of client and server, wall time, latencies. */
interface SideRun {
  readonly side: string;
  readonly events: number;
  readonly wallS: number;
  readonly clientCpuMs: number;
  readonly serverCpuMs: number;
  /** Per event (one at a time) or per batch of 100, in ms. */
  readonly latencyMs: { readonly unit: 'event' | 'batch'; readonly p50: number; readonly p99: number };
}

function percentile(values: Float64Array, fraction: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
}

const featuresPerEvent = roles[0].features.length + roles[1].features.length;

/** The in-process side: the engine's FeatureStore, 16 values read after each event. */
function runInProcess(events: EngineEvent[], vectors: Float64Array): SideRun {
  globalThis.gc?.();
  const store = new FeatureStore(definitions());
  const names = roles.map(({ features }) => features.map((feature) => feature.name));
  const batches = new Float64Array(Math.ceil(events.length / batchSize));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let start = 0; start < events.length; start += batchSize) {
    const batchStarted = performance.now();
    const end = Math.min(events.length, start + batchSize);
    for (let i = start; i < end; i++) {
      const event = events[i] as EngineEvent;
      store.apply(event);
      let k = i * featuresPerEvent;
      for (let r = 0; r < roles.length; r++) {
        const id = event.entities[(roles[r] as (typeof roles)[number]).role] as string;
        for (const name of names[r] as string[]) vectors[k++] = store.valueOfId(name, id, event.timeMs) ?? Number.NaN;
      }
    }
    batches[start / batchSize] = performance.now() - batchStarted;
  }
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    side: 'in-process',
    events: events.length,
    wallS,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
    serverCpuMs: 0,
    latencyMs: { unit: 'batch', p50: percentile(batches, 0.5), p99: percentile(batches, 0.99) },
  };
}

/** Writes the 8 values of one reply into `vectors`; returns how many differ from `expected`. */
function takeReply(reply: unknown, vectors: Float64Array, at: number, expected: Float64Array | undefined): number {
  const values = String(reply).split(',');
  let differing = values.length === featuresPerEvent / 2 ? 0 : 1;
  for (let j = 0; j < values.length; j++) {
    vectors[at + j] = Number(values[j]);
    if (expected !== undefined && expected[at + j] !== vectors[at + j]) differing++;
  }
  return differing;
}

/**
 * A Redis side: one event at a time (`perBatch` 1) or batches of events with every call in
 * flight. Precomputes nothing: building the calls (filters, field reads, keys) is the client's
 * per-event work. Returns the run and how many values differ from `expected`.
 */
async function runRedis(
  redis: PrivateRedis,
  side: string,
  events: EngineEvent[],
  perBatch: number,
  expected: Float64Array,
): Promise<{ run: SideRun; differing: number }> {
  globalThis.gc?.();
  const pid = redis.process.pid as number;
  const vectors = new Float64Array(events.length * featuresPerEvent);
  const latencies = new Float64Array(Math.ceil(events.length / perBatch));
  let differing = 0;
  const serverBefore = cpuMs(pid);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let start = 0; start < events.length; start += perBatch) {
    const batchStarted = performance.now();
    const end = Math.min(events.length, start + perBatch);
    const calls: Promise<unknown>[] = [];
    for (let i = start; i < end; i++) {
      for (let r = 0; r < roles.length; r++) {
        calls.push(redis.client.sendCommand(fcallArguments(events[i] as EngineEvent, r)));
      }
    }
    const replies = await Promise.all(calls);
    for (let c = 0; c < replies.length; c++) {
      const at = (start + (c >> 1)) * featuresPerEvent + (c & 1) * (featuresPerEvent / 2);
      differing += takeReply(replies[c], vectors, at, expected);
    }
    latencies[start / perBatch] = performance.now() - batchStarted;
  }
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpuMs = cpuMs(pid) - serverBefore;
  return {
    run: {
      side,
      events: events.length,
      wallS,
      clientCpuMs: (cpu.user + cpu.system) / 1000,
      serverCpuMs,
      latencyMs: {
        unit: perBatch === 1 ? 'event' : 'batch',
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
      },
    },
    differing,
  };
}

/** Redis memory: used_memory and keys, and MEMORY USAGE of one marker and of one entity's features. */
async function memoryOf(redis: PrivateRedis, event: EngineEvent): Promise<Record<string, number>> {
  const info = String(await redis.client.sendCommand(['INFO', 'memory']));
  const usedMemory = Number(/used_memory:(\d+)/.exec(info)?.[1]);
  const keys = Number(await redis.client.sendCommand(['DBSIZE']));
  const args = fcallArguments(event, 0);
  const keyCount = Number(args[2]);
  const featureKeys = args.slice(4, 3 + keyCount);
  const usage = async (key: string) => Number(await redis.client.sendCommand(['MEMORY', 'USAGE', key]));
  let entityBytes = 0;
  for (const key of featureKeys) entityBytes += await usage(key);
  return { usedMemory, keys, markerBytes: await usage(args[3] as string), payerFeatureBytes: entityBytes };
}

export async function run(args: string[]): Promise<void> {
  const option = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const count = option('--events', 40_000);
  const rounds = option('--rounds', 3);
  if (!existsSync(redisServerPath)) {
    console.log(`feature-store: skipped: ${redisServerPath} is not installed (apt-get install redis-server)`);
    return;
  }
  const events = syntheticPayments(count);
  const directory = await mkdtemp(join(tmpdir(), 'prevail-bench-redis-'));
  const servers: PrivateRedis[] = [];
  const runs: SideRun[] = [];
  let memory: Record<string, number> = {};
  try {
    servers.push(await startRedis('none', await mkdtemp(join(directory, 'none-')), false));
    servers.push(await startRedis('aof', await mkdtemp(join(directory, 'aof-')), true));
    const vectors = new Float64Array(count * featuresPerEvent);
    // Warm-up (not recorded): the JIT compiles both sides' code on the first 2,000 events.
    const warmEvents = events.slice(0, 2000);
    runInProcess(warmEvents, vectors);
    for (const redis of servers) {
      await redis.client.sendCommand(['FLUSHALL']);
      await runRedis(redis, 'warm-up', warmEvents, batchSize, vectors);
    }
    for (let round = 1; round <= rounds; round++) {
      runs.push(runInProcess(events, vectors));
      for (const redis of servers) {
        for (const [mode, perBatch] of [
          ['one at a time', 1],
          [`batches of ${batchSize}`, batchSize],
        ] as const) {
          await redis.client.sendCommand(['FLUSHALL']);
          const side = `Redis ${redis.name === 'aof' ? 'AOF everysec' : 'no persistence'}, ${mode}`;
          const { run: result, differing } = await runRedis(redis, side, events, perBatch, vectors);
          if (differing > 0) throw new Error(`${side}: ${differing} feature values differ from the in-process store`);
          runs.push(result);
          if (redis.name === 'aof' && perBatch === batchSize) {
            if (round === 1) memory = await memoryOf(redis, events[count - 1] as EngineEvent);
            const replay = await runRedis(redis, `${side}, all duplicates`, events, perBatch, vectors);
            if (replay.differing > 0) throw new Error(`replay: ${replay.differing} values differ`);
            runs.push(replay.run);
          }
        }
      }
      console.log(`round ${round}/${rounds} done (load ${loadavg()[0]?.toFixed(1)})`);
    }
  } finally {
    for (const redis of servers) {
      await redis.client.close();
      await stopChild(redis.process, 5000);
    }
    await rm(directory, { recursive: true, force: true });
  }
  const sides = [...new Set(runs.map((entry) => entry.side))];
  const perEventUs = (ms: number, events: number) => (ms * 1000) / events;
  const summary = sides.map((side) => {
    const mine = runs.filter((entry) => entry.side === side);
    return {
      side,
      clientUs: median(mine.map((entry) => perEventUs(entry.clientCpuMs, entry.events))),
      serverUs: median(mine.map((entry) => perEventUs(entry.serverCpuMs, entry.events))),
      totalUs: median(mine.map((entry) => perEventUs(entry.clientCpuMs + entry.serverCpuMs, entry.events))),
      totalUsRounds: mine.map((entry) => perEventUs(entry.clientCpuMs + entry.serverCpuMs, entry.events)),
      eventsPerS: median(mine.map((entry) => entry.events / entry.wallS)),
      latencyUnit: mine[0]?.latencyMs.unit ?? 'event',
      p50Ms: median(mine.map((entry) => entry.latencyMs.p50)),
      p99Ms: median(mine.map((entry) => entry.latencyMs.p99)),
    };
  });
  const base = summary[0]?.totalUs ?? Number.NaN;
  console.log(
    `${count} payment events, 16 features per event (8 per entity, 2 entities), ${rounds} rounds, medians; load ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
  );
  printTable(
    [
      'side',
      'client µs/ev',
      'server µs/ev',
      'total µs/ev',
      'total, rounds',
      '× in-process',
      'events/s',
      'latency ms p50 / p99',
    ],
    summary.map((entry) => [
      entry.side,
      entry.clientUs.toFixed(1),
      entry.serverUs.toFixed(1),
      entry.totalUs.toFixed(1),
      entry.totalUsRounds.map((value) => value.toFixed(1)).join(' / '),
      (entry.totalUs / base).toFixed(1),
      Math.round(entry.eventsPerS),
      `${entry.p50Ms.toFixed(3)} / ${entry.p99Ms.toFixed(3)} per ${entry.latencyUnit}`,
    ]),
  );
  console.log(
    `Redis AOF memory after one round: ${memory.usedMemory} B used, ${memory.keys} keys; one marker ${memory.markerBytes} B, one payer's 8 feature keys ${memory.payerFeatureBytes} B`,
  );
  await finishBenchmark('feature-store', {
    events: count,
    rounds,
    featuresPerEvent,
    markerTtlSeconds,
    redis: '7.0.15 (Debian), private servers on free loopback ports',
    summary: summary.map((entry) => ({ ...entry, ratio: entry.totalUs / base })),
    memory,
    runs,
    loadAverage: loadavg(),
  });
}
