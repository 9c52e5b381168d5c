/**
 * `npm run bench -- workers [--events N] [--rounds N]`: the service demand of the multi-node mode
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
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'pg';
import { connectEventPublisher } from '../src/event-bus/index.js';
import { startBusRig } from '../test/support/bus-rig.js';
import { stopChild } from '../test/support/child-process.js';
import { natsSkipReason } from '../test/support/nats-server.js';
import { childEnvironment } from '../test/support/prevail-process.js';
import { median } from './lib/median.js';
import { finishBenchmark, printTable } from './lib/report.js';

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

function startWorker(natsUrl: string, databaseUrl: string, dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      cliEntry,
      'worker',
      '--events',
      natsUrl,
      '--database-url',
      databaseUrl,
      '--policy',
      examplePolicy,
      '--data-dir',
      dataDir,
    ],
    { env: childEnvironment({ PREVAIL_LOG_LEVEL: 'error' }), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let errors = '';
    const deadline = setTimeout(() => reject(new Error(`worker did not start: ${errors}`)), 120_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
      if (errors.includes('prevail worker consuming')) {
        clearTimeout(deadline);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`worker exited (${code}): ${errors}`));
    });
  });
}

const stopWorker = (child: ChildProcess) => stopChild(child, 20_000);

interface Round {
  workers: number;
  events: number;
  wallS: number;
  publisherMs: number;
  natsMs: number;
  workerMs: number;
  postgresMs: number;
}

export async function run(args: string[]): Promise<void> {
  const option = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const perRound = option('--events', 5000);
  const rounds = option('--rounds', 2);
  const skip = natsSkipReason();
  if (skip !== undefined) {
    console.log(`workers: skipped: ${skip}`);
    return;
  }
  const rig = await startBusRig('prevail_bench_workers');
  const { dir, database, nats } = rig;
  const pg = new Client({ connectionString: database.connectionString });
  const natsPid = Number(readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).at(-1));
  const publisher = await connectEventPublisher(nats.url);
  await pg.connect();
  const results: Round[] = [];
  try {
    // One worker run first so the schema exists before two start together (it migrates).
    await stopWorker(await startWorker(nats.url, database.url, dir));
    let round = 0;
    for (let repeat = 0; repeat < rounds; repeat++) {
      for (const workerCount of [1, 2]) {
        round++;
        const workers = await Promise.all(
          Array.from({ length: workerCount }, () => startWorker(nats.url, database.url, dir)),
        );
        const before = Number((await pg.query('select count(*) as n from events')).rows[0]?.n);
        const backendPids = async () =>
          (
            await pg.query('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
              database.name,
            ])
          ).rows.map((row: { pid: number }) => row.pid);
        const pidsBefore = await backendPids();
        const pgBefore = new Map(pidsBefore.map((pid) => [pid, cpuMs(pid)]));
        const workerBefore = workers.map((child) => cpuMs(child.pid ?? 0));
        const natsBefore = cpuMs(natsPid);
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
          (sum, child, index) => sum + cpuMs(child.pid ?? 0) - (workerBefore[index] ?? 0),
          0,
        );
        const natsMs = cpuMs(natsPid) - natsBefore;
        let postgresMs = 0;
        for (const pid of await backendPids()) postgresMs += cpuMs(pid) - (pgBefore.get(pid) ?? 0);
        await Promise.all(workers.map(stopWorker));
        results.push({
          workers: workerCount,
          events: perRound,
          wallS,
          publisherMs: (own.user + own.system) / 1000,
          natsMs,
          workerMs,
          postgresMs,
        });
        console.log(
          `round ${round}: ${workerCount} worker(s), ${perRound} events in ${wallS.toFixed(1)} s (load ${loadavg()[0]?.toFixed(1)})`,
        );
      }
    }
  } finally {
    await publisher.close();
    await pg.end();
    await rig.close();
  }
  const perEvent = (value: number, events: number) => (value / events) * 1000;
  const rows: (string | number)[][] = [];
  const summary: Record<string, unknown> = {};
  for (const count of [1, 2]) {
    const mine = results.filter((result) => result.workers === count);
    const column = (pick: (result: Round) => number) => mine.map((result) => perEvent(pick(result), result.events));
    const fields: [string, number[]][] = [
      ['publisher (API side)', column((result) => result.publisherMs)],
      ['nats-server', column((result) => result.natsMs)],
      ['workers (sum)', column((result) => result.workerMs)],
      ['postgres backends', column((result) => result.postgresMs)],
    ];
    for (const [name, values] of fields)
      rows.push([
        `${count} worker(s): ${name}`,
        median(values).toFixed(1),
        values.map((value) => value.toFixed(1)).join(' / '),
      ]);
    const wall = mine.map((result) => result.events / result.wallS);
    rows.push([
      `${count} worker(s): wall events/s`,
      median(wall).toFixed(0),
      wall.map((value) => value.toFixed(0)).join(' / '),
    ]);
    summary[`workers${count}`] = Object.fromEntries(fields.map(([name, values]) => [name, median(values)]));
  }
  console.log('CPU µs per event (median of rounds; every round after the slash)');
  printTable(['component', 'median', 'rounds'], rows);
  await finishBenchmark('workers', { eventsPerRound: perRound, rounds, results, summary, loadAverage: loadavg()[0] });
}
