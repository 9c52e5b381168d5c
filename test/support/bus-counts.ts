import assert from 'node:assert/strict';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import BetterSqlite3 from 'better-sqlite3';
import type { Client } from 'pg';
import { eventStreamName, workerConsumerName } from '../../src/event-bus/index.js';
import { sqliteFileName } from '../../src/storage/index.js';
import { startTestEngine } from './engine-harness.js';

/**
 * What multi-node fault tests count (test/scale): what the shared database and the stream hold
 * after a fault, and what one embedded engine makes of the same events (the control).
 */
export interface BusCounts {
  events: number;
  distinctIds: number;
  links: number;
  openCaseSubjects: number;
  openCases: number;
  hits: number;
  /** (event, rule) pairs with more than one hit row: an effect applied twice. */
  doubledHits: number;
  pending: number;
  ackPending: number;
}

/** Counts the shared database (through `pg`) and the workers' consumer on `natsUrl`. */
export async function busCounts(pg: Client, natsUrl: string): Promise<BusCounts> {
  const one = async (query: string) => Number((await pg.query(query)).rows[0]?.n ?? 0);
  const connection = await connect({ servers: natsUrl, reconnect: false });
  const info = await (await jetstreamManager(connection)).consumers.info(eventStreamName, workerConsumerName);
  await connection.close();
  return {
    events: await one('select count(*) as n from events'),
    distinctIds: await one('select count(distinct id) as n from events'),
    links: await one('select coalesce(sum(count), 0) as n from entity_links'),
    openCaseSubjects: await one("select count(distinct subject) as n from cases where status <> 'closed'"),
    openCases: await one("select count(*) as n from cases where status <> 'closed'"),
    hits: await one('select count(*) as n from rule_hits'),
    doubledHits: await one(
      'select count(*) as n from (select 1 from rule_hits group by event_id, rule_id having count(*) > 1) as doubled',
    ),
    pending: info.num_pending,
    ackPending: info.num_ack_pending,
  };
}

/** Waits (bounded: 150 s) until the database holds `expected` events and the consumer has nothing in flight. */
export async function busSettled(pg: Client, natsUrl: string, expected: number): Promise<BusCounts> {
  let last: BusCounts | undefined;
  for (let i = 0; i < 600; i++) {
    last = await busCounts(pg, natsUrl).catch(() => last);
    if (last !== undefined && last.events >= expected && last.pending === 0 && last.ackPending === 0) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`not settled: ${JSON.stringify(last)}`);
}

/**
 * The control: `events` ingested by one embedded engine (no bus) in batches of 500 and drained;
 * returns how many it logged and its entity links' count sum (links add up per application, so
 * a bus run with the same sum applied no event twice).
 */
export async function controlRun(events: readonly unknown[]): Promise<{ links: number; events: number }> {
  const control = await startTestEngine();
  try {
    for (let start = 0; start < events.length; start += 500)
      await control.engine.ingest(events.slice(start, start + 500));
    await control.engine.drain();
  } finally {
    await control.close();
  }
  const db = new BetterSqlite3(join(control.dataDir, sqliteFileName), { readonly: true });
  const links = Number((db.prepare('select coalesce(sum(count), 0) as n from entity_links').get() as { n: number }).n);
  const logged = Number((db.prepare('select count(*) as n from events').get() as { n: number }).n);
  db.close();
  await control.remove();
  return { links, events: logged };
}
