import { type Kysely, sql } from 'kysely';
import type { AppendOutcome, EntityRef, EventLogRepository, LoggedEvent } from '../events/index.js';
import { chunks } from './chunks.js';
import type { EngineDatabase } from './engine-tables.js';
import type { SqliteEngineWriter } from './sqlite-engine-writer.js';

type Db = Kysely<EngineDatabase>;

/**
 * Inserts `events` into the log, skipping ids already logged (the unique index on `id` decides,
 * also against a concurrent writer, who waits for the other's commit), in chunks. Resolves with
 * the seq of every row this call inserted, by id; an id it skipped is absent. Shared by the
 * log's `append` and the bus mode's `commitDelivered`, which must agree on the row shape.
 * `partition`: the bus partition a partitioned worker logs them under (0026).
 */
export async function insertNewEvents(
  db: Db,
  events: readonly Omit<LoggedEvent, 'seq'>[],
  receivedAt: string,
  partition?: number,
): Promise<Map<string, number>> {
  const seqOf = new Map<string, number>();
  for (const part of chunks(events)) {
    const rows = await db
      .insertInto('events')
      .values(
        part.map((event) => ({
          id: event.id,
          type: event.type,
          time: event.time,
          time_ms: event.timeMs,
          entities_json: JSON.stringify(event.entities),
          data_json: JSON.stringify(event.data),
          received_at: receivedAt,
          ...(partition === undefined ? {} : { bus_partition: partition }),
        })),
      )
      .onConflict((conflict) => conflict.column('id').doNothing())
      .returning(['id', 'seq'])
      .execute();
    for (const row of rows) seqOf.set(row.id, Number(row.seq));
  }
  return seqOf;
}

/**
 * The durable event log over Kysely: appends are idempotent by event id (a resent event keeps
 * the seq of its first copy); reads are in seq order. On SQLite appends go through the prepared
 * statement fast path.
 */
export class KyselyEventLog implements EventLogRepository {
  constructor(
    private readonly db: Db,
    private readonly sqlite: SqliteEngineWriter | undefined,
  ) {}

  async append(events: readonly Omit<LoggedEvent, 'seq'>[]): Promise<AppendOutcome[]> {
    if (events.length === 0) return [];
    if (this.sqlite !== undefined) return this.sqlite.append(events);
    const receivedAt = new Date().toISOString();
    return this.db.transaction().execute(async (trx) => {
      // Insert what is new (the common case, one statement per chunk); only when some ids were
      // already logged, look their first copies up.
      const seqOf = await insertNewEvents(trx, events, receivedAt);
      const inserted = new Set(seqOf.keys());
      const missing = [...new Set(events.map((event) => event.id).filter((id) => !seqOf.has(id)))];
      for (const part of chunks(missing)) {
        const rows = await trx.selectFrom('events').select(['id', 'seq']).where('id', 'in', part).execute();
        for (const row of rows) seqOf.set(row.id, row.seq);
      }
      const reported = new Set<string>();
      return events.map((event): AppendOutcome => {
        const stored = inserted.has(event.id) && !reported.has(event.id);
        reported.add(event.id);
        return { stored, seq: seqOf.get(event.id) ?? 0 };
      });
    });
  }

  async readAfter(afterSeq: number, limit: number): Promise<LoggedEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(loggedEvent);
  }

  async readByIds(ids: readonly string[]): Promise<LoggedEvent[]> {
    const found: LoggedEvent[] = [];
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.db.selectFrom('events').selectAll().where('id', 'in', part).execute();
      found.push(...rows.map(loggedEvent));
    }
    return found.sort((a, b) => a.seq - b.seq);
  }

  async readForEntities(
    entities: readonly EntityRef[],
    range: { readonly fromMs: number; readonly toMs: number },
    limit: number,
  ): Promise<LoggedEvent[]> {
    if (entities.length === 0 || limit < 1) return [];
    // The stored JSON is written by JSON.stringify (no spaces), so `"type":"id"` is a substring of
    // every row naming the entity; LIKE narrows the scan and the exact check below decides.
    const patterns = entities.map(
      (entity) => `%${escapeLike(`${JSON.stringify(entity.type)}:${JSON.stringify(entity.id)}`)}%`,
    );
    const found: LoggedEvent[] = [];
    let afterSeq = 0;
    while (found.length < limit) {
      const rows = await this.db
        .selectFrom('events')
        .selectAll()
        .where('seq', '>', afterSeq)
        .where('time_ms', '>=', range.fromMs)
        .where('time_ms', '<=', range.toMs)
        .where((eb) =>
          eb.or(patterns.map((pattern) => sql<boolean>`${eb.ref('entities_json')} like ${pattern} escape '\\'`)),
        )
        .orderBy('seq')
        .limit(limit)
        .execute();
      if (rows.length === 0) break;
      afterSeq = Number(rows[rows.length - 1]?.seq);
      for (const event of rows.map(loggedEvent)) {
        if (entities.some((entity) => event.entities[entity.type] === entity.id) && found.length < limit)
          found.push(event);
      }
      if (rows.length < limit) break;
    }
    return found;
  }

  async lastSeq(): Promise<number> {
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('seq').as('last'))
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }
}

type EventRow = {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly time_ms: number;
  readonly entities_json: string;
  readonly data_json: string;
};

export function loggedEvent(row: EventRow): LoggedEvent {
  const entities = jsonObject(row.entities_json);
  const data = jsonObject(row.data_json);
  const event = { seq: row.seq, id: row.id, type: row.type, time: row.time, timeMs: row.time_ms };
  if (entities === undefined || data === undefined) {
    // One damaged row must not stop every read after it: the engine dead-letters it.
    const column = entities === undefined ? 'entities' : 'data';
    return {
      ...event,
      entities: {},
      data: {},
      unreadable: `the stored ${column} of event ${row.seq} is not a JSON object`,
    };
  }
  return { ...event, entities: entities as Record<string, string>, data };
}

/** The JSON object a column holds, or undefined when it holds anything else or no JSON at all. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Escapes LIKE's wildcards (`%`, `_`) and its escape character (`\`). */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
