/**
 * Multi-node mode, an API node killed mid-request (docs/scaling.md, "Failure modes tested"): two
 * `prevail serve --events` nodes and one `prevail worker` on a private NATS JetStream and a
 * private PostgreSQL database. A client posts N synthetic events with ids over HTTP to node A,
 * four requests in flight (every other one with `?wait=verdict`); once part of the load is
 * acknowledged, A is killed with SIGKILL while requests are in flight. The client sends every
 * batch without an answer again, with the same event ids, to node B. After the drain: every
 * acknowledged event is logged exactly once, the entity links equal a control run's (links add
 * up per application), no rule hit is recorded twice for one event, at most one case per subject
 * is open and the stream is drained.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client } from 'pg';
import { crashEvents } from '../integ/support/crash-events.js';
import { busSettled, controlRun } from '../support/bus-counts.js';
import { startBusRig } from '../support/bus-rig.js';
import { stopChild } from '../support/child-process.js';
import { examplePolicy } from '../support/engine-harness.js';
import { natsSkipReason } from '../support/nats-server.js';
import { postgresSkipReason } from '../support/postgres.js';
import {
  runPrevail,
  type ServeProcess,
  spawnPrevailWorker,
  startPrevailServe,
  type WorkerProcess,
} from '../support/prevail-process.js';

const total = 1000;
const batchSize = 20;
const inFlight = 4;
/** Acknowledged events before node A is killed. */
const killAfter = 300;
/** Sends of one batch before the test gives up on it. */
const maxAttempts = 6;
const events = crashEvents(0, total);

const say = (line: string) => process.stdout.write(`${line}\n`);

/** What one answered request said of each of its events. */
interface IngestAnswer {
  results: { status: string; id?: string; verdict?: unknown; code?: string }[];
}

const skip = natsSkipReason() ?? (await postgresSkipReason());

describe('an API node killed mid-request', { skip: skip === false ? undefined : skip, timeout: 400_000 }, () => {
  test('SIGKILL node A under load, retry on node B: every acknowledged event committed once', async () => {
    const control = await controlRun(events);
    say(`control (one embedded engine): ${control.events} events, link count sum ${control.links}`);
    const rig = await startBusRig('prevail_api_faults');
    const { dir, database, nats } = rig;
    const source = ['--database-url', database.url, '--policy', examplePolicy, '--data-dir', dir];
    const pg = new Client({ connectionString: database.connectionString });
    let worker: WorkerProcess | undefined;
    const nodes: ServeProcess[] = [];
    try {
      const created = await runPrevail(['keys', 'create', 'ingest', '--scopes', 'write', ...source]);
      assert.equal(created.code, 0, created.stderr);
      const key = (JSON.parse(created.stdout) as { secret: string }).secret;
      const serve = () =>
        startPrevailServe(['--events', nats.url, ...source, '--hash-workers', '1', '--stream-hash-workers', '0']);
      const nodeA = await serve();
      nodes.push(nodeA);
      const nodeB = await serve();
      nodes.push(nodeB);
      worker = spawnPrevailWorker(nats.url, source);
      // The load starts once the worker consumes (bounded: 90 s), so that verdicts can come.
      for (let i = 0; i < 360 && !worker.stderr().includes('prevail worker consuming'); i++)
        await new Promise((resolve) => setTimeout(resolve, 250));
      assert.match(worker.stderr(), /prevail worker consuming/);
      await pg.connect();

      const queue: { events: typeof events; attempts: number; wait: boolean }[] = [];
      for (let start = 0, n = 0; start < total; start += batchSize, n++)
        queue.push({ events: events.slice(start, start + batchSize), attempts: 0, wait: n % 2 === 1 });
      const acked = new Set<string>();
      const tally = { interruptedOnA: 0, sentToB: 0, duplicates: 0, verdicts: 0, verdictTimeouts: 0 };
      let killed: Promise<void> | undefined;
      let pendingOnA = 0;

      async function send(
        node: ServeProcess,
        batch: (typeof queue)[number],
      ): Promise<{ ok: true; answer: IngestAnswer } | { ok: false; why: string }> {
        try {
          const response = await fetch(`${node.url}/v1/events${batch.wait ? '?wait=verdict' : ''}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(batch.events),
          });
          const text = await response.text();
          if (response.status !== 200) return { ok: false, why: `HTTP ${response.status}: ${text.slice(0, 200)}` };
          return { ok: true, answer: JSON.parse(text) as IngestAnswer };
        } catch (error) {
          return { ok: false, why: (error as Error).message };
        }
      }

      async function client(): Promise<void> {
        for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
          batch.attempts++;
          assert.ok(batch.attempts <= maxAttempts, `a batch was refused ${maxAttempts} times`);
          const onA = killed === undefined;
          const node = onA ? nodeA : nodeB;
          if (onA) pendingOnA++;
          else tally.sentToB++;
          const sent = await send(node, batch);
          if (onA) pendingOnA--;
          if (!sent.ok) {
            // No answer: nothing of the batch counts as acknowledged; send it again (to B once A is gone).
            if (onA && killed !== undefined) tally.interruptedOnA++;
            else if (!onA) say(`node B refused a batch (attempt ${batch.attempts}): ${sent.why}`);
            queue.push(batch);
            continue;
          }
          for (const result of sent.answer.results) {
            assert.ok(result.status === 'accepted' || result.status === 'duplicate', JSON.stringify(result));
            acked.add(result.id as string);
            if (result.status === 'duplicate') tally.duplicates++;
            if (result.verdict !== undefined) tally.verdicts++;
            if (result.code === 'VERDICT_TIMEOUT') tally.verdictTimeouts++;
          }
          // Kill A while other requests are still in flight on it.
          if (killed === undefined && acked.size >= killAfter && pendingOnA > 0) {
            say(`killing node A with SIGKILL at ${acked.size} acknowledged events, ${pendingOnA} requests in flight`);
            killed = nodeA.kill();
          }
        }
      }

      // Each client loop takes the next batch; a loop whose queue is momentarily empty while
      // others hold batches in flight comes back for the batches they put back.
      for (let round = 0; round < maxAttempts + 1 && acked.size < total; round++)
        await Promise.all(Array.from({ length: inFlight }, () => client()));
      await killed;
      assert.ok(killed !== undefined, 'node A was killed');
      assert.equal(acked.size, total, 'every event was acknowledged by A or B');

      const counts = await busSettled(pg, nats.url, total);
      const logged = new Set(
        (await pg.query('select id from events')).rows.map((row: { id: string }) => row.id as string),
      );
      say(
        `acknowledged ${acked.size}; requests interrupted on A ${tally.interruptedOnA}; batches sent to B ${tally.sentToB}; duplicate answers ${tally.duplicates}; verdicts ${tally.verdicts}, VERDICT_TIMEOUT ${tally.verdictTimeouts}`,
      );
      say(
        `logged events ${counts.events} (distinct ids ${counts.distinctIds}); link count sum ${counts.links} (control ${control.links}); rule hits ${counts.hits} (doubled ${counts.doubledHits}); open cases ${counts.openCases} over ${counts.openCaseSubjects} subjects; stream pending ${counts.pending}, ack pending ${counts.ackPending}`,
      );
      assert.ok(tally.interruptedOnA > 0, 'at least one request was cut off by the kill');
      assert.equal(counts.events, total, 'every acknowledged event is exactly one logged event');
      assert.equal(counts.distinctIds, total);
      assert.deepEqual(logged, acked, 'the logged ids are the acknowledged ids');
      assert.equal(counts.links, control.links, 'no event was applied twice (links add up per application)');
      assert.equal(counts.doubledHits, 0, 'no rule hit was recorded twice for one event');
      assert.equal(counts.openCases, counts.openCaseSubjects, 'at most one open case per subject');
      assert.equal(counts.pending + counts.ackPending, 0, 'the stream is drained');
      assert.ok(tally.verdicts > 0, 'requests with ?wait=verdict got verdicts');
    } finally {
      if (worker !== undefined) await stopChild(worker.child, 15_000);
      for (const node of nodes) await node.stop();
      await pg.end().catch(() => undefined);
      await rig.close();
    }
  });
});
