/**
 * `npm run bench -- workers [--events N] [--rounds N] [--partitions P] [--before DIR]`: the service demand of the multi-node mode
 * (docs/scaling.md), CPU-milliseconds per event per component, at 1 and at 2 `prevail worker`s,
 * measured in the same run and interleaved (1, 2, 1, 2, …) on one private NATS server and one
 * private PostgreSQL database.
 *
 * Per round: N synthetic payment events (fresh ids) are published through the API node's
 * publisher (`connectEventPublisher`, 500 in flight; HTTP is not counted) while the workers
 * consume; the round ends when PostgreSQL holds them all. CPU is read from `/proc/<pid>/stat`
 * (user + system) for the workers and nats-server, from `process.cpuUsage()` for the publisher,
 * and for PostgreSQL from the backends connected to the private database (`pg_stat_activity`;
 * the checkpointer, WAL writer and other servers' work are not counted). Wall throughput is
 * printed too, but on a 2-core machine shared with other work it says little: read the CPU figures
 * (notes/scale-out.md §8: do not report "N workers = N× throughput" from one small box).
 * Workers run the compiled CLI (`build/bench/src/cli/main.js worker`) with the example policy.
 *
 * `--partitions P`: partitioned workers (`--partitions P --partition-lease-ms 3000`, the
 * publisher too). Each round starts its workers and waits, before the CPU is read, until they
 * share the partitions evenly and have rebuilt them from the log (the rebuild replays the earlier
 * rounds' events: the example policy has an all-time feature), so a round times the events, not
 * the hand-over. `--before DIR`: the same rounds, interleaved, with workers of the commit built in
 * the worktree DIR (`npx tsc -p tsconfig.bench.json` there), each side on its own private NATS
 * server and database (their migrations may differ); the publisher is this build's on both.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'pg';
import { connectEventPublisher } from '../src/event-bus/index.js';
import { type BusRig, startBusRig } from '../test/support/bus-rig.js';
import { stopChild } from '../test/support/child-process.js';
import { natsSkipReason } from '../test/support/nats-server.js';
import { childEnvironment } from '../test/support/prevail-process.js';
import { median } from './lib/median.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { commitOf } from './lib/side-runs.js';

const cliEntry = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const examplePolicy = join(process.cwd(), 'examples', 'policy');
const ticksPerSecond = 100;

/** CPU-ms of a process so far (user + system), from /proc; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}

function paymentEvent(round: number, i: number) {
  return {
    id: `bench-${round}-${i}`,
    type: 'payment.sent',
    time: new Date(Date.parse('2026-11-01T00:00:00Z') + i * 100).toISOString(),
    entities: { payment_account: `acct-${i % 500}`, payee_account: `payee-${i % 97}` },
    data: { amount: 1 + (i % 50), currency: 'USD', payee_country: i % 3 === 0 ? 'PH' : 'GB' },
  };
}

/** A worker child, and how many partitions it has taken (rebuilt) so far, from its log. */
interface WorkerChild {
  readonly child: ChildProcess;
  taken(): number;
}

function startWorker(
  entry: string,
  natsUrl: string,
  databaseUrl: string,
  dataDir: string,
  partitions: number | undefined,
): Promise<WorkerChild> {
  const child = spawn(
    process.execPath,
    [
      entry,
      'worker',
      '--events',
      natsUrl,
      '--database-url',
      databaseUrl,
      '--policy',
      examplePolicy,
      '--data-dir',
      dataDir,
      ...(partitions === undefined ? [] : ['--partitions', String(partitions), '--partition-lease-ms', '3000']),
    ],
    {
      // Info logs only where the rebuilds must be counted (each partition taken logs one line).
      env: childEnvironment({ PREVAIL_LOG_LEVEL: partitions === undefined ? 'error' : 'info' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let taken = 0;
  let errors = '';
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`worker did not start: ${errors.slice(-2000)}`)), 120_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      taken += text.split('took a partition').length - 1;
      if (errors.length < 100_000) errors += text;
      if (text.includes('prevail worker consuming')) {
        clearTimeout(deadline);
        resolve({ child, taken: () => taken });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`worker exited (${code}): ${errors.slice(-2000)}`));
    });
  });
}

/**
 * Partitioned: waits (bounded, 120 s) until the workers hold the partitions evenly and have taken
 * at least every partition once between them, then 1 s more for the last rebuild to end.
 */
async function settled(pg: Client, workers: readonly WorkerChild[], partitions: number): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const { rows } = await pg.query<{ n: string }>(
      'select count(*) as n from bus_partition_leases where owner is not null and expires_at_ms > 0 group by owner',
    );
    const counts = rows.map((row) => Number(row.n));
    const even = counts.length === workers.length && counts.every((n) => n === partitions / workers.length);
    const taken = workers.reduce((sum, worker) => sum + worker.taken(), 0);
    if (even && taken >= partitions) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the partitioned workers did not settle in 120 s');
}

const stopWorker = (worker: WorkerChild) => stopChild(worker.child, 20_000);

interface Round {
  side: string;
  workers: number;
  events: number;
  wallS: number;
  publisherMs: number;
  natsMs: number;
  workerMs: number;
  postgresMs: number;
}

/** One side: the worker build it runs, on its own NATS server and database. */
interface Side {
  readonly name: string;
  readonly entry: string;
  readonly rig: BusRig;
  readonly natsPid: number;
  readonly pg: Client;
  readonly publisher: Awaited<ReturnType<typeof connectEventPublisher>>;
}

/** The pid of the newest child of this process (the nats-server a rig just started). */
function newestChildPid(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).at(-1));
}

export async function run(args: string[]): Promise<void> {
  const option = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const perRound = option('--events', 5000);
  const rounds = option('--rounds', 2);
  const partitionsAt = args.indexOf('--partitions');
  const partitions = partitionsAt >= 0 ? option('--partitions', 8) : undefined;
  if (partitions !== undefined && (!Number.isSafeInteger(partitions) || partitions < 2 || partitions % 2 !== 0))
    throw new Error('--partitions must be an even integer ≥ 2 (two workers share them evenly)');
  const beforeAt = args.indexOf('--before');
  const beforeDirectory = beforeAt >= 0 ? args[beforeAt + 1] : undefined;
  const skip = natsSkipReason();
  if (skip !== undefined) {
    console.log(`workers: skipped: ${skip}`);
    return;
  }
  const builds: { name: string; entry: string }[] = [{ name: 'this tree', entry: cliEntry }];
  if (beforeDirectory !== undefined)
    builds.push({
      name: `before (${await commitOf(beforeDirectory)})`,
      entry: join(resolve(beforeDirectory), 'build', 'bench', 'src', 'cli', 'main.js'),
    });
  const sides: Side[] = [];
  const results: Round[] = [];
  try {
    for (const build of builds) {
      const rig = await startBusRig(`prevail_bench_workers_${sides.length}`);
      const natsPid = newestChildPid();
      const pg = new Client({ connectionString: rig.database.connectionString });
      await pg.connect();
      const publisher = await connectEventPublisher(rig.nats.url, partitions === undefined ? {} : { partitions });
      sides.push({ ...build, rig, natsPid, pg, publisher });
      // One worker run first so the schema exists before two start together (it migrates).
      await stopWorker(await startWorker(build.entry, rig.nats.url, rig.database.url, rig.dir, partitions));
    }
    let round = 0;
    for (let repeat = 0; repeat < rounds; repeat++) {
      for (const side of sides) {
        for (const workerCount of [1, 2]) {
          round++;
          results.push(await runRound(side, round, workerCount, perRound, partitions));
          const last = results.at(-1) as Round;
          console.log(
            `round ${round}: ${side.name}, ${workerCount} worker(s), ${perRound} events in ${last.wallS.toFixed(1)} s (load ${loadavg()[0]?.toFixed(1)})`,
          );
        }
      }
    }
  } finally {
    for (const side of sides) {
      await side.publisher.close();
      await side.pg.end();
      await side.rig.close();
    }
  }
  const perEvent = (value: number, events: number) => (value / events) * 1000;
  const rows: (string | number)[][] = [];
  const summary: Record<string, unknown> = {};
  for (const side of sides) {
    for (const count of [1, 2]) {
      const mine = results.filter((result) => result.side === side.name && result.workers === count);
      const column = (pick: (result: Round) => number) => mine.map((result) => perEvent(pick(result), result.events));
      const fields: [string, number[]][] = [
        ['publisher (API side)', column((result) => result.publisherMs)],
        ['nats-server', column((result) => result.natsMs)],
        ['workers (sum)', column((result) => result.workerMs)],
        ['postgres backends', column((result) => result.postgresMs)],
        ['total', column((result) => result.publisherMs + result.natsMs + result.workerMs + result.postgresMs)],
      ];
      const label = sides.length === 1 ? `${count} worker(s)` : `${side.name}, ${count} worker(s)`;
      for (const [name, values] of fields)
        rows.push([
          `${label}: ${name}`,
          median(values).toFixed(1),
          values.map((value) => value.toFixed(1)).join(' / '),
        ]);
      const wall = mine.map((result) => result.events / result.wallS);
      rows.push([
        `${label}: wall events/s`,
        median(wall).toFixed(0),
        wall.map((value) => value.toFixed(0)).join(' / '),
      ]);
      const key = sides.length === 1 ? `workers${count}` : `${side.name}: workers${count}`;
      summary[key] = Object.fromEntries(fields.map(([name, values]) => [name, median(values)]));
    }
  }
  console.log(
    `CPU µs per event (median of rounds; every round after the slash)${partitions === undefined ? '' : `; ${partitions} partitions`}`,
  );
  printTable(['component', 'median', 'rounds'], rows);
  if (sides.length === 2) {
    const total = (key: string) => (summary[key] as Record<string, number> | undefined)?.total ?? Number.NaN;
    for (const count of [1, 2]) {
      const ratio = total(`${sides[0]?.name}: workers${count}`) / total(`${sides[1]?.name}: workers${count}`);
      console.log(`${count} worker(s): total CPU per event, this tree ÷ before = ${ratio.toFixed(2)}`);
      summary[`ratio${count}`] = ratio;
    }
  }
  await finishBenchmark('workers', {
    eventsPerRound: perRound,
    rounds,
    partitions: partitions ?? null,
    sides: sides.map((side) => side.name),
    results,
    summary,
    loadAverage: loadavg()[0],
  });
}

/** One round on one side: `workerCount` workers started (and settled), `perRound` events through them. */
async function runRound(
  side: Side,
  round: number,
  workerCount: number,
  perRound: number,
  partitions: number | undefined,
): Promise<Round> {
  const { pg, rig, publisher } = side;
  const workers = await Promise.all(
    Array.from({ length: workerCount }, () =>
      startWorker(side.entry, rig.nats.url, rig.database.url, rig.dir, partitions),
    ),
  );
  try {
    if (partitions !== undefined) await settled(pg, workers, partitions);
    const before = Number((await pg.query('select count(*) as n from events')).rows[0]?.n);
    const backendPids = async () =>
      (
        await pg.query('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
          rig.database.name,
        ])
      ).rows.map((row: { pid: number }) => row.pid);
    const pgBefore = new Map((await backendPids()).map((pid) => [pid, cpuMs(pid)]));
    const workerBefore = workers.map((worker) => cpuMs(worker.child.pid ?? 0));
    const natsBefore = cpuMs(side.natsPid);
    const ownBefore = process.cpuUsage();
    const started = performance.now();
    const events = Array.from({ length: perRound }, (_, i) => paymentEvent(round, i));
    for (let start = 0; start < events.length; start += 500)
      await publisher.publish(
        events.slice(start, start + 500).map((event) => ({ ...event, timeMs: Date.parse(event.time) })),
      );
    const own = process.cpuUsage(ownBefore);
    for (let i = 0; i < 2400; i++) {
      const count = Number((await pg.query('select count(*) as n from events')).rows[0]?.n);
      if (count >= before + perRound) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const wallS = (performance.now() - started) / 1000;
    const workerMs = workers.reduce(
      (sum, worker, index) => sum + cpuMs(worker.child.pid ?? 0) - (workerBefore[index] ?? 0),
      0,
    );
    const natsMs = cpuMs(side.natsPid) - natsBefore;
    let postgresMs = 0;
    for (const pid of await backendPids()) postgresMs += cpuMs(pid) - (pgBefore.get(pid) ?? 0);
    return {
      side: side.name,
      workers: workerCount,
      events: perRound,
      wallS,
      publisherMs: (own.user + own.system) / 1000,
      natsMs,
      workerMs,
      postgresMs,
    };
  } finally {
    await Promise.all(workers.map(stopWorker));
  }
}
