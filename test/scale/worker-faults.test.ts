/**
 * Multi-node mode under faults (docs/scaling.md). An API-node engine (`EngineBus.publish`) ingests
 * N synthetic events into a private NATS JetStream; `prevail worker` child processes consume them
 * into a private PostgreSQL database. (a) A worker is killed with SIGKILL under load and another
 * started; (b) the NATS server is stopped and started again on the same store mid-load. Each then
 * counts: every acknowledged ingest is exactly one logged event, the entity links (the one effect
 * that adds up rather than being keyed by event id) equal a control run's, at most one case per
 * subject is open, and the stream is drained with nothing pending.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { Client } from 'pg';
import { createServices, type Services } from '../../src/app/index.js';
import { connectEventPublisher, type EventPublisher } from '../../src/event-bus/index.js';
import { crashEvents } from '../integ/support/crash-events.js';
import { type BusCounts, busSettled, controlRun } from '../support/bus-counts.js';
import { startBusRig } from '../support/bus-rig.js';
import { childExited, stopChild } from '../support/child-process.js';
import { examplePolicy } from '../support/engine-harness.js';
import { natsSkipReason } from '../support/nats-server.js';
import { postgresSkipReason } from '../support/postgres.js';
import { spawnPrevailWorker, type WorkerProcess } from '../support/prevail-process.js';

const total = 2000;
const events = crashEvents(0, total);

/** A `prevail worker` child on the scenario's bus and database. */
function startWorker(natsUrl: string, databaseUrl: string, dataDir: string): WorkerProcess {
  return spawnPrevailWorker(natsUrl, ['--database-url', databaseUrl, '--policy', examplePolicy, '--data-dir', dataDir]);
}

const stopWorker = (worker: WorkerProcess) => stopChild(worker.child, 15_000);

/** Prints what a scenario counted (the test's report). */
function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ingests every event through the API-node engine in batches of 100, retrying a batch the bus refused; returns the acknowledged ids. */
async function ingestAll(services: Services, onAcked: (acked: number) => Promise<void>): Promise<Set<string>> {
  const engine = services.engine?.engine;
  assert.ok(engine);
  const acked = new Set<string>();
  for (let start = 0; start < total; start += 100) {
    for (let attempt = 1; ; attempt++) {
      try {
        for (const result of await engine.ingest(events.slice(start, start + 100)))
          if (result.status !== 'rejected') acked.add(result.id);
        break;
      } catch (error) {
        assert.ok(attempt < 10, `the bus refused a batch 10 times: ${(error as Error).message}`);
      }
    }
    await onAcked(acked.size);
  }
  return acked;
}

const skip = natsSkipReason() ?? (await postgresSkipReason());

describe('multi-node mode under faults', { skip: skip === false ? undefined : skip, timeout: 400_000 }, () => {
  let control: { links: number; events: number };
  before(async () => {
    control = await controlRun(events);
    say(`control (one embedded engine): ${control.events} events, link count sum ${control.links}`);
  });

  /** A private database and NATS server for one scenario, and the API-node services over them. */
  async function rig() {
    const bus = await startBusRig('prevail_scale');
    const { dir, database, nats } = bus;
    const publisher: EventPublisher = await connectEventPublisher(nats.url, { timeoutMs: 15_000 });
    const services = await createServices(
      { dataDir: dir, databaseUrl: database.url, policyDir: examplePolicy },
      { withEngine: true, loadIndexes: false, engineBus: { publish: (items) => publisher.publish(items) } },
    );
    const pg = new Client({ connectionString: database.connectionString });
    await pg.connect();
    return {
      dir,
      nats,
      services,
      pg,
      databaseUrl: database.url,
      async close() {
        await pg.end();
        await services.close();
        await publisher.close();
        await bus.close();
      },
    };
  }

  function report(name: string, acked: number, counts: BusCounts): void {
    say(
      `${name}: acknowledged ingests ${acked}; logged events ${counts.events} (distinct ids ${counts.distinctIds}); link count sum ${counts.links} (control ${control.links}); open cases ${counts.openCases} over ${counts.openCaseSubjects} subjects; rule hits ${counts.hits}; stream pending ${counts.pending}, ack pending ${counts.ackPending}`,
    );
  }

  function check(acked: Set<string>, counts: BusCounts, logged: readonly string[]): void {
    assert.equal(acked.size, total, 'every event was acknowledged');
    assert.equal(counts.events, total, 'every acknowledged ingest is exactly one logged event');
    assert.equal(counts.distinctIds, total);
    assert.deepEqual(new Set(logged), acked, 'the logged ids are the acknowledged ids');
    assert.equal(counts.links, control.links, 'no event was applied twice (links add up per application)');
    assert.equal(counts.openCases, counts.openCaseSubjects, 'at most one open case per subject');
    assert.equal(counts.doubledHits, 0, 'no rule hit was recorded twice for one event');
    assert.equal(counts.pending + counts.ackPending, 0, 'the stream is drained');
  }

  test('(a) SIGKILL a worker under load, start another: exactly-once effects', async () => {
    const r = await rig();
    const workers = [startWorker(r.nats.url, r.databaseUrl, r.dir)];
    try {
      let killed = false;
      const acked = await ingestAll(r.services, async () => undefined);
      // Kill the worker once it has committed part of the load (bounded wait: 60 s).
      for (let i = 0; i < 240 && !killed; i++) {
        const done = Number((await r.pg.query('select count(*) as n from events')).rows[0]?.n ?? 0);
        if (done >= total * 0.3) {
          workers[0]?.child.kill('SIGKILL');
          killed = true;
          say(`(a) killed worker 1 with SIGKILL at ${done} committed events`);
        } else await pause(250);
      }
      assert.ok(killed, 'the first worker committed 30 % of the load');
      await childExited(workers[0]?.child as ChildProcess);
      workers.push(startWorker(r.nats.url, r.databaseUrl, r.dir));
      const counts = await busSettled(r.pg, r.nats.url, total);
      await stopWorker(workers[1] as WorkerProcess);
      say(`(a) worker 2 said: ${workers[1]?.stderr().trim().split('\n').slice(-5).join(' | ')}`);
      report('(a)', acked.size, counts);
      const ids = (await r.pg.query('select id from events')).rows.map((row: { id: string }) => row.id);
      check(acked, counts, ids);
    } finally {
      for (const worker of workers) worker.child.kill('SIGKILL');
      await r.close();
    }
  });

  test('(b) restart NATS mid-load (file storage): the same counts', async () => {
    const r = await rig();
    const workers = [startWorker(r.nats.url, r.databaseUrl, r.dir), startWorker(r.nats.url, r.databaseUrl, r.dir)];
    try {
      let restarted = false;
      const acked = await ingestAll(r.services, async (ackedSoFar) => {
        if (restarted || ackedSoFar < total * 0.4) return;
        restarted = true;
        await r.nats.stop();
        say(`(b) NATS stopped after ${ackedSoFar} acknowledged ingests; starting it again on the same store`);
        await pause(1000);
        await r.nats.start();
      });
      assert.ok(restarted);
      const counts = await busSettled(r.pg, r.nats.url, total);
      for (const worker of workers) await stopWorker(worker);
      for (const [index, worker] of workers.entries())
        say(`(b) worker ${index + 1} said: ${worker.stderr().trim().split('\n').slice(-5).join(' | ')}`);
      report('(b)', acked.size, counts);
      const ids = (await r.pg.query('select id from events')).rows.map((row: { id: string }) => row.id);
      check(acked, counts, ids);
    } finally {
      for (const worker of workers) worker.child.kill('SIGKILL');
      await r.close();
    }
  });
});
