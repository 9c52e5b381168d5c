/**
 * `npm run bench -- actions [--quick] [--runs N] [--hits N] [--deliveries N] [--repeats N]`:
 * how fast an action reaches the platform, and what the outbox costs.
 *
 * (a) End to end, frame on air → signed `terminate_stream` received: a real server
 *     (`startServer`, what `prevail serve` runs) with a bank holding one frame of a benign
 *     generated clip and a rule on the stream's `media.matched` with `- action: terminate_stream`;
 *     ffmpeg publishes the clip over RTMP to a local node-media-server, the server watches it at
 *     1 fps (`POST /v1/streams`), and a local receiver verifies the webhook. Latency: from the
 *     moment the banked scene goes out (publisher start + the scene's clip time, as in the stream
 *     bench) to the receiver having read the request; the watcher starts at a random moment
 *     0–1 s after the publisher, so the 1 fps sampling meets the scene at every phase. Split at the event's time (`created_at`):
 *     on air → the watcher's event, and event → received. N runs, one new stream each, after
 *     one warm-up run that is printed and not counted.
 * (b) Rule hit → receiver on loopback: a stream's `media.matched` event ingested into the engine
 *     (the call that makes it durable, the rule runs after) → the receiver has read the signed
 *     request. Side by side in one run: the server as shipped (the engine wakes the dispatcher
 *     when it commits actions) and the baseline, the same services with the dispatcher found by
 *     its 100 ms poll only (how the server worked before the wake-up). Hits are spaced by a
 *     random 0–150 ms so they fall at every phase of the poll; the two sides alternate in blocks.
 * (c) Deliveries per second per core: the same N committed actions delivered by the outbox
 *     dispatcher (claim, sign, POST, record the attempt and audit it: `OutboxDispatcher.drain`)
 *     and, as the baseline, sent inline (the same bodies signed and POSTed directly, no outbox, no
 *     record), both with the endpoint's 4 requests in flight, to a receiver in a child process
 *     (which verifies every signature; its CPU is not counted). Per core = deliveries / CPU
 *     seconds of this process (all its threads). The sides alternate, `--repeats` times each.
 *     What it does not count: the outbox row's write in the engine's commit.
 *
 * `--only a,b` runs some parts (results in `actions-ab.json`). (a) needs ffmpeg (it is skipped with
 * the reason otherwise). Every wait is bounded; every child
 * is killed at the end. About 4 minutes (`--quick`: under a minute).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deliveryBody, signatureHeader, signWebhook } from '../src/actions/index.js';
import { createServices, type Services } from '../src/app/index.js';
import { createApiKey } from '../src/auth/index.js';
import { JobRunner } from '../src/jobs/index.js';
import type { RunningServer } from '../src/main.js';
import { mediaMatchedEvent } from '../src/matching/index.js';
import { type ActionReceiver, startActionReceiver } from '../test/support/action-receiver.js';
import { actionSecret, actionSecretEnv } from '../test/support/action-rig.js';
import { type MediaServer, startMediaServer } from '../test/support/media-server.js';
import {
  prepareBankedClip,
  startStreamActionServer,
  streamActionBank,
  writeStreamActionPolicy,
} from '../test/support/stream-action-rig.js';
import { ffmpegSkipReason, startPublisher, stopProcess } from '../test/support/stream-clip.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';

/** The server's poll of the outbox (src/main.ts), reproduced for the baseline of (b). */
const pollMs = 100;
/** The endpoint's requests in flight (the policy's `concurrency`), for both sides of (c). */
const concurrency = 4;

interface Options {
  readonly runs: number;
  readonly hits: number;
  readonly deliveries: number;
  readonly repeats: number;
}

function numberOption(args: readonly string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < 1 || value > 100_000)
    throw new Error(`${name} takes a whole number 1–100000`);
  return value;
}

function percentile(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? null;
}

function summary(values: readonly number[]) {
  const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
  return {
    n: values.length,
    p50: round(percentile(values, 0.5)),
    p99: round(percentile(values, 0.99)),
    max: round(values.length === 0 ? null : Math.max(...values)),
  };
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with `promise`'s value, or `undefined` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** (a) Frame on air over RTMP → `terminate_stream` received, `runs` times, one stream each. */
async function endToEnd(directory: string, runs: number) {
  const dataDir = join(directory, 'a-data');
  const policyDir = join(directory, 'a-policy');
  const { clip } = await prepareBankedClip(directory, dataDir, { before: 4, scene: 3, after: 1 });
  const receiver = await startActionReceiver(actionSecret);
  let media: MediaServer | undefined;
  let server: RunningServer | undefined;
  let publisher: ChildProcess | undefined;
  const total: number[] = [];
  const toEvent: number[] = [];
  const eventToReceiver: number[] = [];
  let missed = 0;
  try {
    await writeStreamActionPolicy(policyDir, receiver.url);
    media = await startMediaServer();
    server = await startStreamActionServer(dataDir, policyDir);
    const { secret } = await createApiKey(server.services.storage.apiKeys, 'bench', ['write']);
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    // Run 0 warms up (the first ffmpeg, the JIT, the first commit) and is printed, not counted.
    for (let run = 0; run <= runs; run++) {
      const url = `${media.rtmpUrl}/live/run${run}`;
      const started = startPublisher(['-re', '-i', clip.path, '-c', 'copy', '-f', 'flv', url]);
      publisher = started.child;
      const publishedAt = await started.publishing;
      // The watcher samples 1 frame a second from when it starts: a random start spreads the
      // scene's first frame over every phase of that second.
      await sleep(Math.random() * 1000);
      const response = await fetch(`${server.url}/v1/streams`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ url, entities: { stream: `room-${run}`, user: `host-${run}` } }),
      });
      if (response.status !== 201) throw new Error(`POST /v1/streams: ${response.status} ${await response.text()}`);
      const { id } = (await response.json()) as { id: string };
      // The receiver stamps the arrival: looking for it every 20 ms adds nothing to the latency.
      const stream = `room-${run}`;
      const deadline = Date.now() + (clip.duration + 15) * 1000;
      let request = receiver.requests.find((item) => (item.json.payload as { stream?: string }).stream === stream);
      while (request === undefined && Date.now() < deadline) {
        await sleep(20);
        request = receiver.requests.find((item) => (item.json.payload as { stream?: string }).stream === stream);
      }
      const onAir = publishedAt + clip.sceneStart * 1000;
      const label = run === 0 ? 'warm-up (not counted)' : `run ${run}/${runs}`;
      if (request === undefined || !request.signatureValid) {
        if (run > 0) missed++;
        console.log(`(a) ${label}: no signed terminate_stream within ${clip.duration + 15} s`);
      } else {
        const eventAt = Date.parse(String(request.json.created_at));
        if (run > 0) {
          total.push(request.receivedAt - onAir);
          toEvent.push(eventAt - onAir);
          eventToReceiver.push(request.receivedAt - eventAt);
        }
        console.log(`(a) ${label}: ${(request.receivedAt - onAir).toFixed(0)} ms`);
      }
      await fetch(`${server.url}/v1/streams/${id}`, { method: 'DELETE', headers });
      await stopProcess(publisher);
      publisher = undefined;
    }
    const duplicates = receiver.requests.length - receiver.effective.size;
    return {
      runs,
      missed,
      duplicates,
      invalidSignatures: receiver.requests.filter((item) => !item.signatureValid).length,
      totalMs: summary(total),
      onAirToEventMs: summary(toEvent),
      eventToReceiverMs: summary(eventToReceiver),
    };
  } finally {
    await stopProcess(publisher);
    await server?.close();
    await media?.close();
    await receiver.close();
  }
}

/** The baseline of (b): the server's services with the dispatcher run by its poll only. */
async function pollOnlyServices(dataDir: string, policyDir: string): Promise<{ services: Services; jobs: JobRunner }> {
  const services = await createServices(
    { dataDir, policyDir, actionSecrets: actionSecretEnv },
    { withEngine: true, loadIndexes: false },
  );
  const actions = services.actions;
  if (actions === undefined) throw new Error('the policy declares no endpoint');
  const jobs = new JobRunner().add({ name: 'actions.dispatch', everyMs: pollMs, run: () => actions.drain() });
  jobs.start();
  return { services, jobs };
}

/** (b) One side's hits: ingest a stream match, wait for the receiver; returns latencies (ms). */
async function hitsOn(
  services: Services,
  receiver: ActionReceiver,
  side: string,
  from: number,
  count: number,
  ingestMs: number[],
): Promise<number[]> {
  const engine = services.engine?.engine;
  if (engine === undefined) throw new Error('no engine');
  const latencies: number[] = [];
  for (let hit = from; hit < from + count; hit++) {
    await sleep(Math.random() * 150);
    const event = mediaMatchedEvent({
      entities: { stream: `room-${side}-${hit}`, user: `host-${side}-${hit}` },
      matches: [{ bank: streamActionBank, contentId: 1, signalType: 'pdq', distance: 0 }],
      signals: { pdq: '0'.repeat(64) },
      source: { kind: 'stream', frameTimestamp: hit },
    });
    const expected = receiver.requests.length + 1;
    const started = now();
    await engine.ingest([event]);
    ingestMs.push(now() - started);
    if (
      (await within(
        receiver.waitForRequests(expected).then(() => true),
        5000,
      )) === undefined
    )
      throw new Error(`(b) ${side}: hit ${hit} not received within 5 s`);
    const request = receiver.requests[expected - 1];
    if (request === undefined || !request.signatureValid) throw new Error(`(b) ${side}: bad request`);
    latencies.push(request.receivedAt - started);
  }
  return latencies;
}

/** (b) Rule hit → receiver: the server as shipped (woken on commit) and the poll-only baseline. */
async function ruleHitToReceiver(directory: string, hits: number) {
  const shippedReceiver = await startActionReceiver(actionSecret);
  const pollReceiver = await startActionReceiver(actionSecret);
  let shipped: RunningServer | undefined;
  let poll: { services: Services; jobs: JobRunner } | undefined;
  try {
    await writeStreamActionPolicy(join(directory, 'b-policy-shipped'), shippedReceiver.url);
    await writeStreamActionPolicy(join(directory, 'b-policy-poll'), pollReceiver.url);
    shipped = await startStreamActionServer(join(directory, 'b-data-shipped'), join(directory, 'b-policy-shipped'));
    poll = await pollOnlyServices(join(directory, 'b-data-poll'), join(directory, 'b-policy-poll'));
    const latency = { shipped: [] as number[], poll: [] as number[] };
    const ingest = { shipped: [] as number[], poll: [] as number[] };
    const block = Math.max(1, Math.min(50, Math.ceil(hits / 4)));
    for (let done = 0; done < hits; done += block) {
      const count = Math.min(block, hits - done);
      latency.shipped.push(
        ...(await hitsOn(shipped.services, shippedReceiver, 'shipped', done, count, ingest.shipped)),
      );
      latency.poll.push(...(await hitsOn(poll.services, pollReceiver, 'poll', done, count, ingest.poll)));
    }
    return {
      hits,
      shippedWakeOnCommit: { latencyMs: summary(latency.shipped), ingestMs: summary(ingest.shipped) },
      baselinePoll100ms: { latencyMs: summary(latency.poll), ingestMs: summary(ingest.poll) },
      duplicates:
        shippedReceiver.requests.length -
        shippedReceiver.effective.size +
        pollReceiver.requests.length -
        pollReceiver.effective.size,
    };
  } finally {
    await shipped?.close();
    if (poll !== undefined) {
      await poll.jobs.stop();
      await poll.services.close();
    }
    await shippedReceiver.close();
    await pollReceiver.close();
  }
}

/** A receiver in a child process: verifies every HMAC signature, answers 200 (401 when it fails). */
const receiverScript = `
const http = require('node:http');
const { createHmac, timingSafeEqual } = require('node:crypto');
const secret = process.argv[1];
let valid = 0, invalid = 0;
const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const header = String(request.headers['prevail-signature'] || '');
    const t = /(?:^|,)t=(\\d+)/.exec(header);
    const v1 = /v1=([0-9a-f]{64})/.exec(header);
    const expected = t && createHmac('sha256', secret).update(t[1] + '.' + body).digest();
    const ok = Boolean(t && v1 && timingSafeEqual(Buffer.from(v1[1], 'hex'), expected));
    if (ok) valid++; else invalid++;
    response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end('{}');
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (message === 'count') process.send({ valid, invalid });
  if (message === 'reset') { valid = 0; invalid = 0; process.send({ reset: true }); }
});
process.on('disconnect', () => process.exit(0));
`;

interface ChildReceiver {
  readonly url: string;
  ask(message: 'count' | 'reset'): Promise<{ valid?: number; invalid?: number }>;
  close(): Promise<void>;
}

async function startChildReceiver(): Promise<ChildReceiver> {
  const child = spawn(process.execPath, ['-e', receiverScript, actionSecret], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Record<string, number>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the receiver did not answer within 10 s')), 10_000);
      child.once('message', (message) => {
        clearTimeout(timer);
        resolve(message as Record<string, number>);
      });
    });
  const { port } = await next();
  return {
    url: `http://127.0.0.1:${port}/hooks/prevail`,
    ask: (message) => {
      const answer = next();
      child.send(message);
      return answer;
    },
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

interface Measured {
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
}

/** CPU seconds of this process (all threads) and wall seconds taken by `work`. */
async function measured(work: () => Promise<unknown>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { cpuSeconds: (used.user + used.system) / 1e6, wallSeconds: (performance.now() - started) / 1000 };
}

/** Sends `bodies` signed, `concurrency` at a time, the way the dispatcher's requests look (no outbox). */
async function sendInline(url: string, bodies: readonly { key: string; body: string }[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < bodies.length; index = next++) {
      const item = bodies[index];
      if (item === undefined) return;
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': item.key,
          [signatureHeader]: signWebhook(actionSecret, item.body, Date.now() / 1000),
          'user-agent': 'Prevail-Actions/1',
        },
        body: item.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(2000),
      });
      await response.body?.cancel();
      if (response.status !== 200) throw new Error(`inline: HTTP ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** (c) Outbox dispatcher vs inline sending, `deliveries` actions per repetition. */
async function throughput(directory: string, deliveries: number, repeats: number) {
  const receiver = await startChildReceiver();
  const policyDir = join(directory, 'c-policy');
  let services: Services | undefined;
  const sides: Record<'outbox' | 'inline', Measured[]> = { outbox: [], inline: [] };
  try {
    await writeStreamActionPolicy(policyDir, receiver.url);
    services = await createServices(
      { dataDir: join(directory, 'c-data'), policyDir, actionSecrets: actionSecretEnv },
      { withEngine: true, loadIndexes: false },
    );
    const engine = services.engine?.engine;
    const dispatcher = services.actions;
    if (engine === undefined || dispatcher === undefined) throw new Error('no engine or dispatcher');
    for (let repeat = 0; repeat < repeats; repeat++) {
      // Commit `deliveries` actions (no job runs here: nothing sends them yet).
      for (let done = 0; done < deliveries; done += 500) {
        const events = Array.from({ length: Math.min(500, deliveries - done) }, (_, index) =>
          mediaMatchedEvent({
            entities: { stream: `room-c-${repeat}-${done + index}`, user: `host-c-${repeat}-${done + index}` },
            matches: [{ bank: streamActionBank, contentId: 1, signalType: 'pdq', distance: 0 }],
            signals: { pdq: '0'.repeat(64) },
            source: { kind: 'stream', frameTimestamp: done + index },
          }),
        );
        await engine.ingest(events);
      }
      await engine.drain();
      const rows = await services.storage.outbox.list({ status: 'pending', limit: deliveries });
      if (rows.length !== deliveries) throw new Error(`(c) ${rows.length} pending rows, expected ${deliveries}`);
      const bodies = rows.map((row) => ({ key: row.idempotencyKey, body: deliveryBody(row) }));
      const order: ('outbox' | 'inline')[] = repeat % 2 === 0 ? ['outbox', 'inline'] : ['inline', 'outbox'];
      for (const side of order) {
        await receiver.ask('reset');
        global.gc?.();
        const result = await measured(() =>
          side === 'outbox' ? dispatcher.drain() : sendInline(receiver.url, bodies),
        );
        const { valid, invalid } = await receiver.ask('count');
        if (valid !== deliveries || invalid !== 0)
          throw new Error(`(c) ${side}: the receiver verified ${valid}, refused ${invalid} of ${deliveries}`);
        sides[side].push(result);
        console.log(
          `(c) repeat ${repeat + 1}/${repeats} ${side}: ${(deliveries / result.wallSeconds).toFixed(0)}/s wall, ${(deliveries / result.cpuSeconds).toFixed(0)}/CPU-s`,
        );
      }
    }
    const median = (values: number[]) => percentile(values, 0.5) ?? 0;
    const report = (runs: Measured[]) => ({
      perCoreSecond: Math.round(median(runs.map((run) => deliveries / run.cpuSeconds))),
      perWallSecond: Math.round(median(runs.map((run) => deliveries / run.wallSeconds))),
      cpuMsPerDelivery: Math.round(median(runs.map((run) => (run.cpuSeconds * 1000) / deliveries)) * 1000) / 1000,
      runs: runs.map((run) => ({ cpuSeconds: run.cpuSeconds, wallSeconds: Math.round(run.wallSeconds * 1000) / 1000 })),
    });
    const outbox = report(sides.outbox);
    const inline = report(sides.inline);
    return {
      deliveries,
      repeats,
      concurrency,
      outbox,
      inline,
      outboxPerCoreVsInline: Math.round((outbox.perCoreSecond / inline.perCoreSecond) * 100) / 100,
    };
  } finally {
    await services?.close();
    await receiver.close();
  }
}

type EndToEnd = Awaited<ReturnType<typeof endToEnd>> | { readonly skipped: string };
type RuleHit = Awaited<ReturnType<typeof ruleHitToReceiver>>;
type Throughput = Awaited<ReturnType<typeof throughput>>;

const row = (label: string, value: ReturnType<typeof summary>) => [
  label,
  value.n,
  value.p50 ?? '-',
  value.p99 ?? '-',
  value.max ?? '-',
];

function printEndToEnd(a: EndToEnd): void {
  console.log('\n(a) banked frame on air (RTMP, 1 fps) → signed terminate_stream received (goal p99 ≤ 3000 ms)');
  if ('skipped' in a) return void console.log(`skipped: ${a.skipped}`);
  printTable(
    ['stage', 'n', 'p50 ms', 'p99 ms', 'max ms'],
    [
      row('on air → received (total)', a.totalMs),
      row('on air → event (watcher)', a.onAirToEventMs),
      row('event → received', a.eventToReceiverMs),
    ],
  );
  console.log(
    `missed: ${a.missed}/${a.runs}, repeated deliveries: ${a.duplicates}, bad signatures: ${a.invalidSignatures}`,
  );
}

function printRuleHit(b: RuleHit): void {
  console.log('\n(b) rule hit (event ingested) → receiver on loopback (goal ≤ 100 ms)');
  printTable(
    ['side', 'n', 'p50 ms', 'p99 ms', 'max ms', 'ingest p50 ms'],
    [
      [...row('shipped: woken on commit', b.shippedWakeOnCommit.latencyMs), b.shippedWakeOnCommit.ingestMs.p50 ?? '-'],
      [...row('baseline: 100 ms poll only', b.baselinePoll100ms.latencyMs), b.baselinePoll100ms.ingestMs.p50 ?? '-'],
    ],
  );
  const shipped = b.shippedWakeOnCommit.latencyMs;
  const poll = b.baselinePoll100ms.latencyMs;
  if (shipped.p50 && poll.p50 && shipped.p99 && poll.p99)
    console.log(
      `baseline / shipped: p50 ${(poll.p50 / shipped.p50).toFixed(2)}×, p99 ${(poll.p99 / shipped.p99).toFixed(2)}×`,
    );
}

function printThroughput(c: Throughput): void {
  console.log(
    `\n(c) deliveries per second per core: ${c.deliveries} actions × ${c.repeats} repeats, ${c.concurrency} in flight, receiver in a child process (medians)`,
  );
  printTable(
    ['side', 'per CPU-second', 'per wall-second', 'CPU ms / delivery'],
    [
      [
        'outbox dispatcher (claim, POST, record, audit)',
        c.outbox.perCoreSecond,
        c.outbox.perWallSecond,
        c.outbox.cpuMsPerDelivery,
      ],
      [
        'baseline: inline signed POST, no outbox',
        c.inline.perCoreSecond,
        c.inline.perWallSecond,
        c.inline.cpuMsPerDelivery,
      ],
    ],
  );
  console.log(`outbox / inline per core: ${c.outboxPerCoreVsInline}×`);
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const options: Options = {
    runs: numberOption(args, '--runs', quick ? 4 : 20),
    hits: numberOption(args, '--hits', quick ? 40 : 300),
    deliveries: numberOption(args, '--deliveries', quick ? 300 : 2000),
    repeats: numberOption(args, '--repeats', quick ? 1 : 3),
  };
  const onlyIndex = args.indexOf('--only');
  const parts = new Set((onlyIndex < 0 ? 'a,b,c' : (args[onlyIndex + 1] ?? '')).split(','));
  const machine = describeMachine();
  const loadBefore = loadavg();
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}`);
  console.log(`load average before: ${loadBefore.map((value) => value.toFixed(2)).join(' ')}`);
  const directory = await mkdtemp(join(tmpdir(), 'prevail-bench-actions-'));
  try {
    const skip = ffmpegSkipReason();
    let a: EndToEnd | undefined;
    let b: RuleHit | undefined;
    let c: Throughput | undefined;
    if (parts.has('a')) a = skip === false ? await endToEnd(directory, options.runs) : { skipped: skip };
    if (parts.has('b')) b = await ruleHitToReceiver(directory, options.hits);
    if (parts.has('c')) c = await throughput(directory, options.deliveries, options.repeats);
    const loadAfter = loadavg();
    if (a !== undefined) printEndToEnd(a);
    if (b !== undefined) printRuleHit(b);
    if (c !== undefined) printThroughput(c);
    console.log(`\nload average after: ${loadAfter.map((value) => value.toFixed(2)).join(' ')}`);
    await finishBenchmark(parts.size === 3 ? 'actions' : `actions-${[...parts].sort().join('')}`, {
      options,
      loadAverage: { before: loadBefore, after: loadAfter },
      ...(a !== undefined ? { endToEnd: a } : {}),
      ...(b !== undefined ? { ruleHitToReceiver: b } : {}),
      ...(c !== undefined ? { deliveriesPerCore: c } : {}),
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
