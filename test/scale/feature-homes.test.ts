/**
 * Features of every role in partitioned mode (docs/scaling.md, "Features of every role"), without
 * a bus: worker engines on one private PostgreSQL schema, each holding some of 4 partitions, their
 * `PartitionPeers` wired to each other's `answerPeers` directly. Payments are handed one at a time
 * to the engine of their payer's partition, as the bus would deliver them, with rules that read the
 * payee's features (homed in the payee's partition, usually another) and the payer's. The rule hits
 * must be exactly those of one embedded engine fed the same events, through a hand-over (a third
 * worker takes two partitions and rebuilds them from the log, the events other partitions logged
 * included), a fenced commit (a partition rebuilt between its answer and the asking batch's commit)
 * and redeliveries (no payee feature counts an event twice). A typology on the payee, whose points
 * come from events of several workers, opens the embedded engine's cases on the same events, and a
 * rule reading a label another worker's rule set fires where the embedded engine's does.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { createServices, type Services } from '../../src/app/index.js';
import type { PartitionPeers, SignalsEngine } from '../../src/engine/index.js';
import { entityHome, eventSubject } from '../../src/event-bus/index.js';
import { sqliteFileName } from '../../src/storage/index.js';
import { examplePolicy, syntheticEvent } from '../support/engine-harness.js';
import { dropPostgresSchemas, postgresConnectionString, postgresSkipReason, postgresUrl } from '../support/postgres.js';

const skip = await postgresSkipReason();
const schema = `feature_homes_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
const partitions = 4;
const total = 360;

/** Rules over the payee's features (another partition's, mostly) and the payer's; synthetic. */
const payeeRules = `rules:
  - id: payee_paid_by_many
    description: A payee paid by three or more accounts within 30 days (synthetic test rule)
    events: [payment.sent]
    when: has(features.distinct_payers_30d) && features.distinct_payers_30d >= 3
    mode: active
    effects:
      - label: { entity: payee_account, add: payment_watch, expires: 30d }
      - typology: { name: payee_fan_in, points: 20 }
  - id: pays_a_watched_payee
    description: A payment to a payee that a rule labelled before (synthetic test rule)
    events: [payment.sent]
    when: "'payment_watch' in labels.payee_account"
    mode: active
    effects:
      - typology: { name: payee_fan_in, points: 1 }
  - id: busy_payer_to_busy_payee
    description: A payer with two payments in 30 days pays a payee with two payers (synthetic test rule)
    events: [payment.sent]
    when: >
      has(features.payments_sent_30d) && features.payments_sent_30d >= 2
      && has(features.distinct_payers_30d) && features.distinct_payers_30d == 2
    mode: active
    effects:
      - label: { entity: payment_account, add: payment_watch, expires: 30d }
`;

/** A typology whose points on a payee come from its payers' partitions, on several workers; synthetic. */
const payeeTypology = `  - name: payee_fan_in
    description: a payee paid by many accounts (synthetic test typology)
    subject: payee_account
    window: 30d
    alert_threshold: 60
    case_threshold: 100
    case_priority: high
`;

/** Payments among 14 accounts, each paying and paid, a minute apart (synthetic, benign). */
function payment(i: number) {
  const payer = `acct-${(i * 5) % 14}`;
  const payee = `acct-${(i * 5 + 1 + (i % 5)) % 14}`;
  return syntheticEvent(
    'payment.sent',
    { payment_account: payer, payee_account: payee },
    { amount: 1 + (i % 40), currency: 'USD', payee_country: i % 4 === 0 ? 'PH' : 'GB' },
    new Date(Date.parse('2026-11-01T00:00:00Z') + i * 60_000).toISOString(),
    `pay-${i}`,
  );
}

const events = Array.from({ length: total }, (_, i) => payment(i));

/** The partition a bus would deliver an event to: its payer's. */
function partitionOf(event: { entities: Record<string, string> }): number {
  return Number(eventSubject(event, partitions).split('.').pop());
}

describe('features of every role across partitions (PostgreSQL)', { skip: skip === false ? undefined : skip }, () => {
  const opened: Services[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const services of opened) await services.close();
    await dropPostgresSchemas([schema]);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test("payee features homed in other partitions give the embedded engine's rule hits, through a hand-over and a fenced commit", async () => {
    const policyDir = await mkdtemp(join(tmpdir(), 'prevail-homes-policy-'));
    dirs.push(policyDir);
    await cp(examplePolicy, policyDir, { recursive: true });
    await writeFile(join(policyDir, 'rules', 'payees.yaml'), payeeRules);
    const typologies = await readFile(join(examplePolicy, 'typologies.yaml'), 'utf8');
    await writeFile(join(policyDir, 'typologies.yaml'), `${typologies.trimEnd()}\n${payeeTypology}`);

    // The control: one embedded engine (SQLite) over the same events.
    const controlDir = await mkdtemp(join(tmpdir(), 'prevail-homes-control-'));
    dirs.push(controlDir);
    const control = await createServices({ dataDir: controlDir, policyDir }, { withEngine: true, loadIndexes: false });
    await control.engine?.engine.ingest(events);
    await control.engine?.engine.drain();
    await control.close();
    const sqlite = new BetterSqlite3(join(controlDir, sqliteFileName), { readonly: true });
    const controlHits = (sqlite.prepare('select rule_id, event_id from rule_hits').all() as HitRow[])
      .map(hitLine)
      .sort();
    const controlCases = (sqlite.prepare('select subject, opened_at from cases').all() as CaseRow[])
      .map(caseLine)
      .sort();
    const controlTimelines = (sqlite.prepare(timelineQuery('')).all() as TimelineRow[]).map(timelineLine).sort();
    sqlite.close();
    assert.ok(controlCases.length >= 3, `the payee typology opens cases in the control (${controlCases.length})`);
    const payeeHits = controlHits.filter((line) => line.startsWith('payee_paid_by_many '));
    assert.ok(payeeHits.length > 20, `the payee rule fires in the control (${payeeHits.length})`);
    assert.ok(
      controlHits.some((line) => line.startsWith('busy_payer_to_busy_payee ')),
      'the mixed rule fires',
    );
    assert.ok(
      controlHits.some((line) => line.startsWith('pays_a_watched_payee ')),
      'the label rule fires',
    );
    const foreign = events.filter(
      (event) =>
        entityHome(`payment_account:${event.entities.payee_account}`, partitions) !== partitionOf(event) &&
        controlHits.includes(`payee_paid_by_many ${event.id}`),
    );
    assert.ok(foreign.length > 10, `payee hits that need another partition's features (${foreign.length})`);

    // Workers: A holds partitions 0–1, B 2–3 (then C takes 2–3 over).
    const workDir = await mkdtemp(join(tmpdir(), 'prevail-homes-'));
    dirs.push(workDir);
    const worker = async (): Promise<SignalsEngine> => {
      const services = await createServices(
        { dataDir: workDir, databaseUrl: postgresUrl, schema, policyDir },
        { withEngine: true, loadIndexes: false, engineBus: {} },
      );
      opened.push(services);
      const engine = services.engine?.engine;
      assert.ok(engine);
      return engine;
    };
    const a = await worker();
    const b = await worker();
    const leases = opened[0]?.storage.engine.partitionLeases;
    assert.ok(leases);
    await leases.configure(partitions);
    assert.deepEqual(await leases.claim('A', 600_000, 2), [0, 1]);
    assert.deepEqual(await leases.claim('B', 600_000, 2), [2, 3]);
    const owners = new Map<number, { name: string; engine: SignalsEngine }>([
      [0, { name: 'A', engine: a }],
      [1, { name: 'A', engine: a }],
      [2, { name: 'B', engine: b }],
      [3, { name: 'B', engine: b }],
    ]);
    /** Called after an answer, before it is returned (the fence test rebuilds the partition there). */
    let afterAnswer: ((partition: number) => Promise<void>) | undefined;
    const peers: PartitionPeers = {
      homeOf: (key) => entityHome(key, partitions),
      async ask(partition, asked) {
        const owner = owners.get(partition);
        assert.ok(owner);
        const answer = { owner: owner.name, ...owner.engine.answerPeers(partition, asked) };
        await afterAnswer?.(partition);
        return answer;
      },
    };
    for (const engine of [a, b]) engine.usePartitionPeers(peers);
    for (const [partition, owner] of owners) await owner.engine.adoptPartition(partition, owner.name);

    const deliver = async (event: (typeof events)[number]) => {
      const partition = partitionOf(event);
      const owner = owners.get(partition);
      assert.ok(owner);
      return owner.engine.processDelivered([event], { claim: { partition, owner: owner.name } });
    };
    for (const event of events.slice(0, 150)) assert.equal((await deliver(event))[0]?.status, 'processed');

    // A redelivery of events already committed: duplicates, and no payee feature counts them again.
    for (const event of events.slice(140, 150)) assert.equal((await deliver(event))[0]?.status, 'duplicate');

    // Hand-over: C takes partitions 2–3 from B and rebuilds them from the log, including the
    // payments logged under A's partitions whose payees are homed in 2–3.
    await leases.release('B', [2, 3]);
    assert.deepEqual(await leases.claim('C', 600_000, 2), [2, 3]);
    const c = await worker();
    c.usePartitionPeers(peers);
    b.releasePartition(2);
    b.releasePartition(3);
    for (const partition of [2, 3]) {
      owners.set(partition, { name: 'C', engine: c });
      assert.ok((await c.adoptPartition(partition, 'C')) > 0, `partition ${partition} replayed events`);
    }
    for (const event of events.slice(150, 250)) assert.equal((await deliver(event))[0]?.status, 'processed');

    // A fenced commit: the payee's partition is rebuilt after it answered and before the asking
    // batch commits. The commit is refused (nothing written); the batch, tried again, is processed.
    const fenced = events
      .slice(250)
      .find(
        (event) => entityHome(`payment_account:${event.entities.payee_account}`, partitions) !== partitionOf(event),
      );
    assert.ok(fenced);
    const fencedIndex = events.indexOf(fenced);
    for (const event of events.slice(250, fencedIndex)) assert.equal((await deliver(event))[0]?.status, 'processed');
    afterAnswer = async (partition) => {
      afterAnswer = undefined;
      const owner = owners.get(partition);
      assert.ok(owner);
      await owner.engine.adoptPartition(partition, owner.name);
    };
    await assert.rejects(deliver(fenced), (error: Error & { code?: string }) => error.code === 'BUS_PEER_UNAVAILABLE');
    assert.equal(await opened[0]?.storage.engine.loggedIds?.([fenced.id]).then((ids) => ids.size), 0);
    for (const event of events.slice(fencedIndex)) assert.equal((await deliver(event))[0]?.status, 'processed');

    const pg = new Client({ connectionString: postgresConnectionString });
    await pg.connect();
    try {
      const { rows } = await pg.query<HitRow>(`select rule_id, event_id from "${schema}".rule_hits`);
      const hits = rows.map(hitLine).sort();
      assert.deepEqual(hits, controlHits, "the partitioned workers' rule hits are the embedded engine's");
      // Each payee's typology points come from several workers: the cases open where the embedded
      // engine's do, on the same event (each worker reads the others' points before a batch).
      const cases = await pg.query<CaseRow>(`select subject, opened_at from "${schema}".cases`);
      assert.deepEqual(cases.rows.map(caseLine).sort(), controlCases, "the typology cases are the embedded engine's");
      // An event joins the open case of an entity it is linked to, whichever worker opened the
      // case or saw the link (each batch reads its entities' links and their cases again).
      const timelines = await pg.query<TimelineRow>(timelineQuery(`"${schema}".`));
      const byRef = new Map(events.map((event) => [`event:${event.id}`, event]));
      const linked = controlTimelines.filter((line) => {
        const [subject, ref] = line.split(' ');
        const event = byRef.get(ref ?? '');
        const accounts = [event?.entities.payment_account, event?.entities.payee_account];
        return event !== undefined && !accounts.some((account) => `payment_account:${account}` === subject);
      });
      assert.ok(linked.length > 0, `events join cases of entities linked to them in the control (${linked.length})`);
      const workerTimelines = new Set(timelines.rows.map(timelineLine));
      const missing = controlTimelines.filter((line) => !workerTimelines.has(line));
      const extra = [...workerTimelines].filter((line) => !controlTimelines.includes(line));
      assert.deepEqual(
        {
          missing: missing.slice(0, 5),
          missingCount: missing.length,
          extra: extra.slice(0, 5),
          extraCount: extra.length,
        },
        { missing: [], missingCount: 0, extra: [], extraCount: 0 },
        `the case timelines are the embedded engine's (${controlTimelines.length} entries, ${linked.length} by links)`,
      );
      const homes = await pg.query<{ n: string }>(`select count(*) as n from "${schema}".event_feature_homes`);
      assert.ok(Number(homes.rows[0]?.n) > total / 2, 'most payments reached their payee in another partition');
    } finally {
      await pg.end();
    }

    // Requests the owner refuses: a partition it does not hold, and something that is not an event.
    assert.throws(() => a.answerPeers(2, [events[0]]), { code: 'BUS_PEER_UNAVAILABLE' });
    assert.throws(() => a.answerPeers(0, [{ id: 'x', type: 'payment.sent' }]), { code: 'EVENT_INVALID' });
  });
});

interface HitRow {
  rule_id: string;
  event_id: string;
}

function hitLine(row: HitRow): string {
  return `${row.rule_id} ${row.event_id}`;
}

interface CaseRow {
  subject: string;
  opened_at: string;
}

function caseLine(row: CaseRow): string {
  return `${row.subject} ${row.opened_at}`;
}

/** Each case's timeline entries, by subject and reference (`prefix`: the schema, for PostgreSQL). */
function timelineQuery(prefix: string): string {
  return `select c.subject, t.ref from ${prefix}case_timeline t join ${prefix}cases c on c.id = t.case_id`;
}

interface TimelineRow {
  subject: string;
  ref: string;
}

function timelineLine(row: TimelineRow): string {
  return `${row.subject} ${row.ref}`;
}
