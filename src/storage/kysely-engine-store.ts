import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { NewOutboxAction } from '../actions/index.js';
import type { CaseUpdate } from '../cases/index.js';
import { EngineError } from '../core/index.js';
import type {
  BatchFeatureHomes,
  CommittedOutcome,
  DeadLetter,
  EngineBatch,
  EngineState,
  EngineStore,
  LabelRecord,
  PartitionClaim,
  Verdict,
} from '../engine/index.js';
import type { EventLogRepository, LinkNeighbour, LinkRecord, LoggedEvent } from '../events/index.js';
import type { RuleHitRecord, RuleHitStats } from '../rules/index.js';
import type { TypologyContribution } from '../typologies/index.js';
import { chunks } from './chunks.js';
import { type DialectName, sqlBoolean } from './dialect.js';
import type { EngineDatabase } from './engine-tables.js';
import { KyselyAuditRepository } from './kysely-audit-repository.js';
import { KyselyCaseRepository, timelineRow } from './kysely-case-repository.js';
import { insertNewEvents, KyselyEventLog, loggedEvent } from './kysely-event-log.js';
import { PostgresPartitionLeases } from './partition-leases.js';
import type { PreparedQuery, PreparedStatement } from './prepared-query.js';
import type { SqliteEngineWriter } from './sqlite-engine-writer.js';

type Db = Kysely<EngineDatabase>;

/** The signals engine's store over Kysely (SQLite or PostgreSQL). */
export class KyselyEngineStore implements EngineStore {
  readonly events: EventLogRepository;
  readonly cases: KyselyCaseRepository;
  readonly audit: KyselyAuditRepository;
  /** Partitioned workers' leases: PostgreSQL only. */
  readonly partitionLeases: PostgresPartitionLeases | undefined;
  readonly #db: Db;

  readonly #sqlite: SqliteEngineWriter | undefined;
  readonly #prepared: PreparedQuery | undefined;
  readonly #dialect: DialectName;

  /**
   * `sqlite`: the SQLite fast path for the per-event writes (absent on PostgreSQL); `prepared`:
   * PostgreSQL's prepared statements, for the reads a worker makes per batch (absent on SQLite).
   */
  constructor(
    db: Db,
    dialect: DialectName,
    { sqlite, prepared }: { sqlite?: SqliteEngineWriter | undefined; prepared?: PreparedQuery | undefined } = {},
  ) {
    this.#db = db;
    this.#dialect = dialect;
    this.#sqlite = sqlite;
    this.#prepared = prepared;
    this.events = new KyselyEventLog(db, sqlite);
    this.cases = new KyselyCaseRepository(db, dialect);
    this.audit = new KyselyAuditRepository(db);
    this.partitionLeases = dialect === 'postgres' && sqlite === undefined ? new PostgresPartitionLeases(db) : undefined;
  }

  async loadState(): Promise<EngineState> {
    const rows = await this.#db
      .selectFrom('engine_state')
      .selectAll()
      .where('name', 'in', ['engine', 'snapshot', 'replay'])
      .execute();
    const watermark = rows.find((row) => row.name === 'engine');
    const snapshot = rows.find((row) => row.name === 'snapshot');
    const replay = rows.find((row) => row.name === 'replay');
    return {
      processedSeq: Number(watermark?.processed_seq ?? 0),
      snapshotSeq: Number(snapshot?.snapshot_seq ?? 0),
      snapshot: snapshot?.snapshot_json ?? null,
      replayUntilSeq: Number(replay?.processed_seq ?? 0),
    };
  }

  async commit(batch: EngineBatch): Promise<void> {
    if (this.#sqlite !== undefined) return this.#sqlite.commit(batch);
    await this.#db.transaction().execute(async (trx) => {
      await writeEffects(trx, batch, this.#dialect);
      const now = new Date().toISOString();
      await trx
        .insertInto('engine_state')
        .values({
          name: 'engine',
          processed_seq: batch.processedSeq,
          snapshot_seq: 0,
          snapshot_json: null,
          updated_at: now,
        })
        .onConflict((conflict) =>
          conflict.column('name').doUpdateSet({ processed_seq: batch.processedSeq, updated_at: now }),
        )
        .execute();
      // The snapshot lives in its own row so that watermark updates never rewrite it.
      const snapshot = batch.snapshot;
      if (snapshot !== undefined) {
        await trx
          .insertInto('engine_state')
          .values({
            name: 'snapshot',
            processed_seq: 0,
            snapshot_seq: snapshot.seq,
            snapshot_json: snapshot.json,
            updated_at: now,
          })
          .onConflict((conflict) =>
            conflict
              .column('name')
              .doUpdateSet({ snapshot_seq: snapshot.seq, snapshot_json: snapshot.json, updated_at: now }),
          )
          .execute();
      }
    });
  }

  /**
   * Bus mode (see `EngineStore.commitDelivered`): the events' insert decides, inside the
   * transaction, which of them are new; only those are processed and get effects. A second worker
   * inserting the same id concurrently waits on the unique index until this one commits, then
   * finds the row and does nothing. PostgreSQL only: SQLite is one process's store.
   */
  async commitDelivered(
    events: readonly Omit<LoggedEvent, 'seq'>[],
    process: (logged: readonly LoggedEvent[]) => EngineBatch,
    claim?: PartitionClaim,
    homes?: BatchFeatureHomes,
  ): Promise<readonly LoggedEvent[]> {
    if (this.#sqlite !== undefined || this.#dialect !== 'postgres')
      throw new EngineError('CONFIG_INVALID', 'workers need a PostgreSQL store (--database postgres://…)');
    return this.#db.transaction().execute(async (trx) => {
      // The fences: the batch's own lease row, and the lease row of every other partition whose
      // features the batch used at the epoch that answered. Each stays share-locked until this
      // commit, so a worker taking a partition over (its claim skips locked rows) or rebuilding
      // its features (raising the epoch) comes after it and replays it, or before it and fails it.
      // One statement for all of them (a round trip each was a fifth of a worker's statements);
      // it locks the rows in partition order (the sort sits below the locking), as the lease
      // renewals do, so that two transactions lock rows alike.
      const fences = [
        ...(claim === undefined ? [] : [{ partition: claim.partition, owner: claim.owner, epoch: undefined }]),
        ...(homes?.peers ?? []),
      ].sort((a, b) => a.partition - b.partition);
      if (fences.length > 0) {
        const { rows } = await sql<{ fence: number }>`select f.fence from bus_partition_leases l
            join unnest(
              ${fences.map((fence) => fence.partition)}::int[],
              ${fences.map((fence) => fence.owner)}::text[],
              ${fences.map((fence) => fence.epoch ?? null)}::bigint[]
            ) with ordinality as f (partition, owner, epoch, fence) on l.partition = f.partition
          where l.owner = f.owner
            and l.expires_at_ms > (extract(epoch from clock_timestamp()) * 1000)::bigint
            and (f.epoch is null or l.state_epoch = f.epoch)
          order by l.partition
          for share of l`.execute(trx);
        const held = new Set(rows.map((row) => Number(row.fence) - 1));
        const lost = fences.find((_, index) => !held.has(index));
        if (lost !== undefined)
          throw lost.epoch === undefined
            ? new EngineError(
                'BUS_PARTITION_LOST',
                `worker ${lost.owner} no longer holds the lease of bus partition ${lost.partition}`,
              )
            : new EngineError(
                'BUS_PEER_UNAVAILABLE',
                `the features of bus partition ${lost.partition} changed owner or were rebuilt since worker ${lost.owner} answered`,
              );
      }
      const receivedAt = new Date().toISOString();
      const seqOf = await insertNewEvents(trx, events, receivedAt, claim?.partition);
      const homeRows: { partition: number; seq: number }[] = [];
      for (const [id, partitions] of homes?.homesOf ?? [])
        for (const partition of partitions) {
          const seq = seqOf.get(id);
          if (seq !== undefined) homeRows.push({ partition, seq });
        }
      for (const part of chunks(homeRows))
        await trx
          .insertInto('event_feature_homes')
          .values(part)
          .onConflict((conflict) => conflict.columns(['partition', 'seq']).doNothing())
          .execute();
      const logged: LoggedEvent[] = [];
      for (const event of events) {
        const seq = seqOf.get(event.id);
        if (seq === undefined) continue;
        seqOf.delete(event.id);
        logged.push({ ...event, seq });
      }
      logged.sort((a, b) => a.seq - b.seq);
      const batch = process(logged);
      await writeEffects(trx, batch, this.#dialect);
      const verdicts = batch.verdicts ?? [];
      for (const part of chunks(verdicts))
        await trx
          .insertInto('event_verdicts')
          .values(
            part.map((item) => ({
              event_id: item.eventId,
              verdict_json: item.verdict === null ? null : JSON.stringify(item.verdict),
              committed_at: receivedAt,
            })),
          )
          .onConflict((conflict) => conflict.column('event_id').doNothing())
          .execute();
      return logged;
    });
  }

  async readPartition(partition: number, afterSeq: number, sinceMs: number, limit: number): Promise<LoggedEvent[]> {
    const since = Math.max(sinceMs, Number.MIN_SAFE_INTEGER);
    // Two index scans (events by partition; the homes' primary key), each in seq order, merged.
    const [own, homed] = await Promise.all([
      this.#db
        .selectFrom('events')
        .selectAll()
        .where('bus_partition', '=', partition)
        .where('seq', '>', afterSeq)
        .where('time_ms', '>=', since)
        .orderBy('seq')
        .limit(limit)
        .execute(),
      this.#db
        .selectFrom('event_feature_homes as h')
        .innerJoin('events as e', 'e.seq', 'h.seq')
        .selectAll('e')
        .where('h.partition', '=', partition)
        .where('h.seq', '>', afterSeq)
        .where('e.time_ms', '>=', since)
        .orderBy('h.seq')
        .limit(limit)
        .execute(),
    ]);
    const merged = [...own, ...homed].sort((a, b) => Number(a.seq) - Number(b.seq));
    return merged.slice(0, limit).map(loggedEvent);
  }

  async newestInPartition(partition: number): Promise<number | null> {
    const own = await this.#db
      .selectFrom('events')
      .select((eb) => eb.fn.max('time_ms').as('newest'))
      .where('bus_partition', '=', partition)
      .executeTakeFirst();
    const homed = await this.#db
      .selectFrom('event_feature_homes as h')
      .innerJoin('events as e', 'e.seq', 'h.seq')
      .select((eb) => eb.fn.max('e.time_ms').as('newest'))
      .where('h.partition', '=', partition)
      .executeTakeFirst();
    const times = [own?.newest, homed?.newest].filter((time) => time !== null && time !== undefined).map(Number);
    return times.length === 0 ? null : Math.max(...times);
  }

  async loggedIds(ids: readonly string[]): Promise<Set<string>> {
    const logged = new Set<string>();
    for (const part of chunks(ids)) {
      const rows = await this.#db.selectFrom('events').select('id').where('id', 'in', part).execute();
      for (const row of rows) logged.add(row.id);
    }
    return logged;
  }

  /**
   * Bus mode (see `EngineStore.recordBusDeadLetters`): one transaction; each new letter takes
   * `nextval` of the events' identity sequence as its seq. PostgreSQL only, like `commitDelivered`.
   */
  async recordBusDeadLetters(letters: readonly Omit<DeadLetter, 'eventSeq'>[]): Promise<number> {
    if (this.#sqlite !== undefined || this.#dialect !== 'postgres')
      throw new EngineError('CONFIG_INVALID', 'workers need a PostgreSQL store (--database postgres://…)');
    return this.#db.transaction().execute(async (trx) => {
      let recorded = 0;
      for (const letter of letters) {
        const known = await trx
          .selectFrom('dead_letters')
          .select('event_seq')
          .where('event_id', '=', letter.eventId)
          .where('code', '=', letter.code)
          .executeTakeFirst();
        if (known !== undefined) continue;
        const { rows } = await sql<{
          seq: string;
        }>`select nextval(pg_get_serial_sequence('events', 'seq')) as seq`.execute(trx);
        await trx
          .insertInto('dead_letters')
          .values(deadLetterRow({ ...letter, eventSeq: Number(rows[0]?.seq) }))
          .execute();
        recorded++;
      }
      return recorded;
    });
  }

  /**
   * Bus mode (see `EngineStore.takeCommittedVerdicts`). The log is read first and the verdict rows
   * taken after: a worker's commit writes both at once, so a logged event whose row is not there
   * when the second statement runs had none (it was logged before it was published).
   */
  async takeCommittedVerdicts(ids: readonly string[]): Promise<Map<string, CommittedOutcome>> {
    const taken = new Map<string, CommittedOutcome>();
    if (ids.length === 0) return taken;
    const logged = new Map<string, number>();
    for (const part of chunks(ids)) {
      const rows = await this.#db.selectFrom('events').select(['id', 'seq']).where('id', 'in', part).execute();
      for (const row of rows) logged.set(row.id, Number(row.seq));
    }
    const verdicts = new Map<string, string | null>();
    for (const part of chunks([...logged.keys()])) {
      const rows = await this.#db
        .deleteFrom('event_verdicts')
        .where('event_id', 'in', part)
        .returning(['event_id', 'verdict_json'])
        .execute();
      for (const row of rows) verdicts.set(row.event_id, row.verdict_json);
    }
    for (const [id, seq] of logged) {
      if (!verdicts.has(id)) {
        taken.set(id, { status: 'duplicate', seq });
        continue;
      }
      const json = verdicts.get(id) ?? null;
      taken.set(id, { status: 'processed', verdict: json === null ? null : (JSON.parse(json) as Verdict) });
    }
    await this.#pruneVerdicts();
    return taken;
  }

  /** When verdict rows nobody took were last deleted (ms since the epoch). */
  #verdictsPrunedAt = 0;

  /** At most once a minute: deletes verdict rows older than ten minutes (no one waits that long). */
  async #pruneVerdicts(): Promise<void> {
    const now = Date.now();
    if (now - this.#verdictsPrunedAt < 60_000) return;
    this.#verdictsPrunedAt = now;
    const cutoff = new Date(now - 600_000).toISOString();
    await this.#db.deleteFrom('event_verdicts').where('committed_at', '<', cutoff).execute();
  }

  async saveLabels(
    added: readonly LabelRecord[],
    removed: readonly { readonly entity: string; readonly label: string }[],
  ): Promise<void> {
    await this.#db.transaction().execute((trx) => writeLabels(trx, added, removed));
  }

  async activeLabels(nowIso: string): Promise<LabelRecord[]> {
    const rows = await this.#db
      .selectFrom('labels')
      .selectAll()
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
      .execute();
    return rows.map(labelOf);
  }

  async labelsAmong(entities: readonly string[]): Promise<LabelRecord[]> {
    const found: LabelRecord[] = [];
    for (const part of chunks(entities)) {
      const rows = await this.#db.selectFrom('labels').selectAll().where('entity', 'in', part).execute();
      found.push(...rows.map(labelOf));
    }
    return found;
  }

  async contributionsAmong(subjects: readonly string[], sinceIso: string): Promise<TypologyContribution[]> {
    const found: TypologyContribution[] = [];
    for (const part of chunks(subjects)) {
      const rows = await this.#db
        .selectFrom('typology_contributions')
        .selectAll()
        .where('subject', 'in', part)
        .where('time', '>=', sinceIso)
        .execute();
      found.push(...rows.map(contributionOf));
    }
    return found.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  }

  async contributionsSince(sinceIso: string): Promise<TypologyContribution[]> {
    const rows = await this.#db
      .selectFrom('typology_contributions')
      .selectAll()
      .where('time', '>=', sinceIso)
      .orderBy('time')
      .execute();
    return rows.map(contributionOf);
  }

  async ruleHitStats(): Promise<RuleHitStats[]> {
    const rows = await this.#db
      .selectFrom('rule_hits as hit')
      .leftJoin('cases as decided', (join) =>
        join.onRef('decided.subject', '=', 'hit.subject').on('decided.decision', 'is not', null),
      )
      .select((eb) => [
        'hit.rule_id as ruleId',
        'hit.mode as mode',
        eb.fn.count<number>('hit.event_id').distinct().as('hits'),
        eb.fn.count<number>('hit.subject').distinct().as('subjects'),
        eb.fn
          .count<number>(sql`case when decided.decision = 'confirmed' then hit.subject end`)
          .distinct()
          .as('confirmed'),
        eb.fn
          .count<number>(sql`case when decided.decision = 'dismissed' then hit.subject end`)
          .distinct()
          .as('dismissed'),
      ])
      .groupBy(['hit.rule_id', 'hit.mode'])
      .orderBy('hit.rule_id')
      .execute();
    return rows.map((row) => ({
      ruleId: row.ruleId,
      mode: row.mode === 'active' ? 'active' : 'shadow',
      hits: Number(row.hits),
      subjects: Number(row.subjects),
      confirmed: Number(row.confirmed),
      dismissed: Number(row.dismissed),
    }));
  }

  async links(entity: string): Promise<LinkRecord[]> {
    const rows = await this.#db
      .selectFrom('entity_links')
      .selectAll()
      .where((eb) => eb.or([eb('from_entity', '=', entity), eb('to_entity', '=', entity)]))
      .orderBy('last_seen', 'desc')
      .limit(500)
      .execute();
    return rows.map((row) => ({
      from: row.from_entity,
      to: row.to_entity,
      kind: row.kind,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      count: Number(row.count),
    }));
  }

  async linkNeighbours(entities: readonly string[], perEntity: number): Promise<Map<string, LinkNeighbour[]>> {
    const found = new Map<string, LinkNeighbour[]>();
    for (const part of chunks([...new Set(entities)], 400)) {
      if (part.length === 0) continue;
      const list = sql.join(part.map((entity) => sql`${entity}`));
      // Per entity: each neighbour once with its latest time, ranked; ties with the last kept are kept too.
      const { rows } = await sql<NeighbourRow>`
        with pairs as (
          select from_entity as entity, to_entity as neighbour, last_seen from entity_links where from_entity in (${list})
          union all
          select to_entity as entity, from_entity as neighbour, last_seen from entity_links where to_entity in (${list})
        ), best as (
          select entity, neighbour, max(last_seen) as seen from pairs group by entity, neighbour
        ), ranked as (
          select entity, neighbour, seen, rank() over (partition by entity order by seen desc) as position from best
        )
        select entity, neighbour, seen from ranked where position <= ${perEntity}`.execute(this.#db);
      addNeighbours(found, rows);
    }
    return found;
  }

  async openNeighbours(entities: readonly string[]): Promise<Map<string, LinkNeighbour[]>> {
    const found = new Map<string, LinkNeighbour[]>();
    const distinct = [...new Set(entities)];
    if (distinct.length === 0) return found;
    if (this.#prepared !== undefined) {
      // PostgreSQL: the whole list in one run of one prepared statement (see `openNeighboursStatement`).
      const rows = await this.#prepared<NeighbourRow>(openNeighboursStatement, [
        distinct,
        distinct.length,
        distinct.length + 1,
      ]);
      addNeighbours(found, rows);
      return found;
    }
    // SQLite (the embedded engine, which does not ask this per batch): a plain join, in lists
    // of 400 bound values.
    for (const part of chunks(distinct, 400)) {
      const list = sql.join(part.map((entity) => sql`${entity}`));
      const fromOpen = (column: 'from_entity' | 'to_entity', other: 'from_entity' | 'to_entity') =>
        sql`select l.${sql.ref(other)} as entity, l.${sql.ref(column)} as neighbour, l.last_seen
          from cases o join entity_links l on l.${sql.ref(column)} = o.subject
          where o.status <> 'closed' and l.${sql.ref(other)} in (${list})`;
      const { rows } = await sql<NeighbourRow>`
        with candidates as (
          ${fromOpen('from_entity', 'to_entity')}
          union all
          ${fromOpen('to_entity', 'from_entity')}
        )
        select entity, neighbour, max(last_seen) as seen from candidates group by entity, neighbour`.execute(this.#db);
      addNeighbours(found, rows);
    }
    return found;
  }

  async deadLetters(afterSeq: number, limit: number): Promise<DeadLetter[]> {
    const rows = await this.#db
      .selectFrom('dead_letters')
      .selectAll()
      .where('event_seq', '>', afterSeq)
      .orderBy('event_seq')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      eventSeq: Number(row.event_seq),
      eventId: row.event_id,
      code: row.code,
      message: row.message,
      failedAt: row.failed_at,
    }));
  }

  async deadLetterCount(): Promise<number> {
    const row = await this.#db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async resetProcessing(): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('engine_state')
        .select(['name', 'processed_seq'])
        .where('name', 'in', ['engine', 'replay'])
        .execute();
      const watermark = Number(rows.find((row) => row.name === 'engine')?.processed_seq ?? 0);
      // Remember how far the log was processed (a replay interrupted and started again keeps the furthest).
      const until = Math.max(watermark, Number(rows.find((row) => row.name === 'replay')?.processed_seq ?? 0));
      const now = new Date().toISOString();
      await trx.deleteFrom('engine_state').where('name', 'in', ['engine', 'snapshot']).execute();
      await trx
        .insertInto('engine_state')
        .values({ name: 'replay', processed_seq: until, snapshot_seq: 0, snapshot_json: null, updated_at: now })
        .onConflict((conflict) => conflict.column('name').doUpdateSet({ processed_seq: until, updated_at: now }))
        .execute();
      return watermark;
    });
  }

  async hitsFor(subject: string, limit: number): Promise<RuleHitRecord[]> {
    const rows = await this.#db
      .selectFrom('rule_hits')
      .selectAll()
      .where('subject', '=', subject)
      .orderBy('event_seq')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      eventId: row.event_id,
      eventSeq: row.event_seq,
      ruleId: row.rule_id,
      mode: row.mode === 'active' ? 'active' : 'shadow',
      subject: row.subject,
      reason: row.reason,
      effects: JSON.parse(row.effects_json) as unknown,
      time: row.time,
    }));
  }
}

/** The row of a dead letter. */
function deadLetterRow(letter: DeadLetter): EngineDatabase['dead_letters'] {
  return {
    event_seq: letter.eventSeq,
    event_id: letter.eventId,
    code: letter.code,
    message: letter.message,
    failed_at: letter.failedAt,
  };
}

/** Upserts added labels (a label set again is refreshed) and deletes removed ones. */
async function writeLabels(
  trx: Transaction<EngineDatabase>,
  added: readonly LabelRecord[],
  removed: readonly { readonly entity: string; readonly label: string }[],
): Promise<void> {
  for (const label of added) {
    const values = { added_at: label.addedAt, expires_at: label.expiresAt, source: label.source, reason: label.reason };
    await trx
      .insertInto('labels')
      .values({ entity: label.entity, label: label.label, ...values })
      .onConflict((conflict) => conflict.columns(['entity', 'label']).doUpdateSet(values))
      .execute();
  }
  for (const item of removed) {
    await trx.deleteFrom('labels').where('entity', '=', item.entity).where('label', '=', item.label).execute();
  }
}

/**
 * Writes what processing a run of events changed (everything but the watermark and snapshot).
 * On PostgreSQL the run's case subjects are first locked for the transaction, in one sorted
 * order, so that two workers cannot both open a case for one subject (the partial unique index
 * `cases_one_open_per_subject` would refuse the second) and cannot deadlock on each other.
 */
async function writeEffects(trx: Transaction<EngineDatabase>, batch: EngineBatch, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres' && batch.cases.length > 0) {
    const subjects = [...new Set(batch.cases.map((update) => update.subject))].sort();
    await sql`select pg_advisory_xact_lock(key) from (select hashtextextended('case:' || subject, 0) as key from unnest(${subjects}::text[]) as subject order by 1) as locks`.execute(
      trx,
    );
  }
  for (const part of chunks(batch.hits)) {
    await trx
      .insertInto('rule_hits')
      .values(
        part.map((hit) => ({
          event_id: hit.eventId,
          rule_id: hit.ruleId,
          event_seq: hit.eventSeq,
          mode: hit.mode,
          subject: hit.subject,
          reason: hit.reason,
          effects_json: JSON.stringify(hit.effects),
          time: hit.time,
        })),
      )
      .onConflict((conflict) => conflict.columns(['event_id', 'rule_id']).doNothing())
      .execute();
  }
  await writeLabels(trx, batch.labelsAdded, batch.labelsRemoved);
  for (const part of chunks(mergeLinks(batch.links))) {
    await trx
      .insertInto('entity_links')
      .values(
        part.map((link) => ({
          from_entity: link.from,
          to_entity: link.to,
          kind: link.kind,
          first_seen: link.firstSeen,
          last_seen: link.lastSeen,
          count: link.count,
        })),
      )
      .onConflict((conflict) =>
        conflict.columns(['from_entity', 'to_entity', 'kind']).doUpdateSet({
          last_seen: sql`case when ${sql.ref('excluded.last_seen')} > entity_links.last_seen then ${sql.ref('excluded.last_seen')} else entity_links.last_seen end`,
          first_seen: sql`case when ${sql.ref('excluded.first_seen')} < entity_links.first_seen then ${sql.ref('excluded.first_seen')} else entity_links.first_seen end`,
          count: sql`entity_links.count + ${sql.ref('excluded.count')}`,
        }),
      )
      .execute();
  }
  for (const part of chunks(batch.contributions)) {
    await trx
      .insertInto('typology_contributions')
      .values(
        part.map((contribution) => ({
          typology: contribution.typology,
          subject: contribution.subject,
          rule_id: contribution.ruleId,
          event_id: contribution.eventId,
          points: contribution.points,
          reason: contribution.reason,
          time: contribution.time,
        })),
      )
      .onConflict((conflict) => conflict.columns(['typology', 'subject', 'event_id', 'rule_id']).doNothing())
      .execute();
  }
  for (const update of batch.cases) await applyCaseUpdate(trx, update, dialect);
  await writeOutbox(trx, batch.actions ?? []);
  for (const part of chunks(batch.deadLetters ?? [])) {
    await trx
      .insertInto('dead_letters')
      .values(part.map(deadLetterRow))
      .onConflict((conflict) => conflict.column('event_seq').doNothing())
      .execute();
  }
}

/** Folds a run's link observations into one row per link (one upsert per link per commit). */
function mergeLinks(observations: EngineBatch['links']): LinkRecord[] {
  const merged = new Map<
    string,
    { from: string; to: string; kind: string; firstSeen: string; lastSeen: string; count: number }
  >();
  for (const link of observations) {
    const key = `${link.from}\u0000${link.to}\u0000${link.kind}`;
    const row = merged.get(key);
    if (row === undefined)
      merged.set(key, {
        from: link.from,
        to: link.to,
        kind: link.kind,
        firstSeen: link.time,
        lastSeen: link.time,
        count: 1,
      });
    else {
      row.count++;
      if (link.time < row.firstSeen) row.firstSeen = link.time;
      if (link.time > row.lastSeen) row.lastSeen = link.time;
    }
  }
  return [...merged.values()];
}

/**
 * Merges an update's traits into a stored case, as `CaseUpdate.traits` says: the source only over
 * the sources it replaces, the typology only while the case has none, imminent only to set it.
 * Nothing is written when the update says nothing new.
 */
async function mergeTraits(
  trx: Transaction<EngineDatabase>,
  caseId: number,
  traits: CaseUpdate['traits'],
  dialect: DialectName,
): Promise<void> {
  if (traits.sourceReplaces.length > 0) {
    await trx
      .updateTable('cases')
      .set({ source: traits.source })
      .where('id', '=', caseId)
      .where('source', 'in', [...traits.sourceReplaces])
      .execute();
  }
  if (traits.typology !== null) {
    await trx
      .updateTable('cases')
      .set({ typology: traits.typology })
      .where('id', '=', caseId)
      .where('typology', 'is', null)
      .execute();
  }
  if (traits.imminent) {
    await trx
      .updateTable('cases')
      .set({ imminent: sqlBoolean(dialect, true) })
      .where('id', '=', caseId)
      .execute();
  }
}

/**
 * Writes the action outbox rows, once per (idempotency key, endpoint), each with the id of its
 * subject's open case as the batch's case updates left it (same statement as the SQLite path).
 */
async function writeOutbox(trx: Transaction<EngineDatabase>, actions: readonly NewOutboxAction[]): Promise<void> {
  if (actions.length === 0) return;
  const now = new Date().toISOString();
  for (const part of chunks(actions)) {
    await trx
      .insertInto('action_outbox')
      .values(
        part.map((row) => ({
          idempotency_key: row.idempotencyKey,
          endpoint: row.endpoint,
          action: row.action,
          kind: row.kind,
          mode: row.mode,
          status: row.status,
          body_json: row.bodyJson,
          event_id: row.eventId,
          rule_id: row.ruleId,
          subject: row.subject,
          case_id: (eb) =>
            eb
              .selectFrom('cases')
              .select('id')
              .where('subject', '=', row.subject ?? '')
              .where('status', '<>', 'closed')
              .limit(1),
          created_at: row.createdAt,
          committed_at: now,
          attempts: 0,
          next_attempt_at: row.status === 'pending' ? now : null,
        })),
      )
      .onConflict((conflict) => conflict.columns(['idempotency_key', 'endpoint']).doNothing())
      .execute();
  }
}

/**
 * Carries out one `CaseUpdate` as the cases module decided it: joins the subject's case that is
 * not closed, or opens one only when the update may open; sets the priority only over the
 * priorities it replaces; merges the traits (`mergeTraits`); adds the entries (idempotent by ref).
 */
async function applyCaseUpdate(
  trx: Transaction<EngineDatabase>,
  update: CaseUpdate,
  dialect: DialectName,
): Promise<void> {
  let current = await trx
    .selectFrom('cases')
    .select('id')
    .where('subject', '=', update.subject)
    .where('status', '<>', 'closed')
    .executeTakeFirst();
  if (current === undefined) {
    if (!update.open) return;
    current = await trx
      .insertInto('cases')
      .values({
        subject: update.subject,
        status: 'open',
        priority: update.priority,
        assignee: null,
        decision: null,
        opened_at: update.time,
        updated_at: update.time,
        closed_at: null,
        retain_until_ms: null,
        held_at: null,
        hold_reason: null,
        source: update.traits.source,
        typology: update.traits.typology,
        imminent: sqlBoolean(dialect, update.traits.imminent),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  } else {
    if (update.raiseFrom.length > 0) {
      await trx
        .updateTable('cases')
        .set({ priority: update.priority, updated_at: update.time })
        .where('id', '=', current.id)
        .where('priority', 'in', [...update.raiseFrom])
        .execute();
    }
    await mergeTraits(trx, current.id, update.traits, dialect);
  }
  const caseId = current.id;
  for (const part of chunks(update.entries)) {
    if (part.length === 0) continue;
    await trx
      .insertInto('case_timeline')
      .values(part.map((entry) => timelineRow(caseId, entry)))
      .onConflict((conflict) => conflict.columns(['case_id', 'ref']).doNothing())
      .execute();
  }
}

/** A typology contribution row as the engine reads it. */
function contributionOf(row: Selectable<EngineDatabase['typology_contributions']>): TypologyContribution {
  return {
    typology: row.typology,
    subject: row.subject,
    ruleId: row.rule_id,
    eventId: row.event_id,
    points: row.points,
    reason: row.reason,
    time: row.time,
  };
}

/** A label row as the engine reads it. */
function labelOf(row: Selectable<EngineDatabase['labels']>): LabelRecord {
  return {
    entity: row.entity,
    label: row.label,
    addedAt: row.added_at,
    expiresAt: row.expires_at,
    source: row.source,
    reason: row.reason,
  };
}

/** A neighbour read: an entity, a neighbour and the latest time a link between them was seen. */
interface NeighbourRow {
  readonly entity: string;
  readonly neighbour: string;
  readonly seen: string;
}

/** `openNeighboursStatement`'s probe from open cases to their links with the listed entities. */
const fromOpenCases = (column: 'from_entity' | 'to_entity', other: 'from_entity' | 'to_entity') =>
  `select l.${other} as entity, l.${column} as neighbour, l.last_seen
     from cases o cross join lateral (
       select from_entity, to_entity, last_seen from entity_links
         where ${column} = o.subject and ${other} = any($1::text[]) offset 0
     ) l
     where o.status <> 'closed' and (select few from open_count)`;

/** `openNeighboursStatement`'s probe from the listed entities' links to open cases. */
const fromListedLinks = (column: 'from_entity' | 'to_entity', other: 'from_entity' | 'to_entity') =>
  `select l.${other} as entity, l.${column} as neighbour, l.last_seen
     from entity_links l
     where l.${other} = any($1::text[]) and not (select few from open_count)
       and exists (select 1 from cases c where c.subject = l.${column} and c.status <> 'closed')`;

/**
 * PostgreSQL's read of the links between the listed entities (`$1`, a text array; `$2` its
 * length, `$3` one more) and subjects with an open case. Two ways to find them, and which is
 * cheaper depends on how many cases are open:
 * - from each open subject to its links with the listed entities (lateral probes through the
 *   primary key's and `entity_links_to`'s leading columns): work grows with the open cases;
 *   `offset 0` keeps PostgreSQL to it (left to itself it once scanned the whole table, 0.4–1 s
 *   on a bloated one);
 * - from the listed entities' links to the open cases (one probe of
 *   `cases_one_open_per_subject` per link): work grows with the links of the busiest entities.
 * PostgreSQL takes the first while the open cases are no more than the entities listed (counted
 * up to that bound, once), the second beyond; the branch not taken is skipped whole (a one-time
 * filter), so one plan serves every list, and the statement is prepared (`prepared-query.ts`):
 * planned afresh, it spent 4.6 ms planning for 0.3 ms running on 400 entities.
 */
const openNeighboursStatement: PreparedStatement = {
  name: 'prevail_open_neighbours',
  text: `with open_count as (
      select count(*) <= $2::int as few from (select 1 from cases where status <> 'closed' limit $3::int) as bounded
    ), candidates as (
      ${fromOpenCases('from_entity', 'to_entity')}
      union all
      ${fromOpenCases('to_entity', 'from_entity')}
      union all
      ${fromListedLinks('from_entity', 'to_entity')}
      union all
      ${fromListedLinks('to_entity', 'from_entity')}
    )
    select entity, neighbour, max(last_seen) as seen from candidates group by entity, neighbour`,
};

/** Adds `rows` (entity, neighbour, time seen) to `found`, each under its entity. */
function addNeighbours(found: Map<string, LinkNeighbour[]>, rows: readonly NeighbourRow[]): void {
  for (const row of rows) {
    let neighbours = found.get(row.entity);
    if (neighbours === undefined) {
      neighbours = [];
      found.set(row.entity, neighbours);
    }
    neighbours.push({ neighbour: row.neighbour, lastSeen: row.seen });
  }
}
