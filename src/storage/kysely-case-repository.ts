import type { Kysely, Selectable, Updateable } from 'kysely';
import type { NewOutboxAction } from '../actions/index.js';
import type {
  CaseFilter,
  CasePatch,
  CasePriority,
  CaseRecord,
  CaseRepository,
  CaseSource,
  CaseStatus,
  CaseTimelineEntry,
  NewTimelineEntry,
  TimelineOptions,
} from '../cases/index.js';
import { chunks } from './chunks.js';
import { type DialectName, sqlBoolean } from './dialect.js';
import type { EngineDatabase } from './engine-tables.js';

type CaseRow = Selectable<EngineDatabase['cases']>;

/**
 * The `case_timeline` row of one entry of case `caseId`: an entry standing for a logged event
 * (`NewTimelineEntry.event`) keeps only the reference (`event_id`, and `{"id", "type"}` as its
 * detail); `timeline` joins the event back.
 */
export function timelineRow(caseId: number, entry: NewTimelineEntry): EngineDatabase['case_timeline'] {
  return {
    case_id: caseId,
    ref: entry.ref,
    kind: entry.kind,
    time: entry.time,
    summary: entry.summary,
    detail_json: timelineDetailJson(entry),
    event_id: entry.event?.id ?? null,
  };
}

/** What a timeline row stores as its detail (see `timelineRow`). */
export function timelineDetailJson(entry: NewTimelineEntry): string {
  const { event } = entry;
  return event === undefined
    ? JSON.stringify(entry.detail ?? null)
    : JSON.stringify({ id: event.id, type: event.type });
}

/** The columns a timeline read returns: the row and, for an event's entry, the event it names. */
interface TimelineReadRow {
  readonly case_id: number;
  readonly ref: string;
  readonly kind: string;
  readonly time: string;
  readonly summary: string;
  readonly detail_json: string;
  readonly event_id: string | null;
  readonly event_type: string | null;
  readonly entities_json: string | null;
  readonly data_json: string | null;
}

/**
 * A timeline row as its entry: an event's entry gets the event from the log as its detail (id,
 * type, entities, data: what the engine wrote before 0027, and still holds in memory); a row
 * whose event is not in the log (written before 0027 without one) reads as stored.
 */
function toTimelineEntry(row: TimelineReadRow): CaseTimelineEntry {
  const detail =
    row.event_id !== null && row.event_type !== null && row.entities_json !== null && row.data_json !== null
      ? {
          id: row.event_id,
          type: row.event_type,
          entities: JSON.parse(row.entities_json) as unknown,
          data: JSON.parse(row.data_json) as unknown,
        }
      : (JSON.parse(row.detail_json) as unknown);
  return {
    caseId: row.case_id,
    kind: row.kind as CaseTimelineEntry['kind'],
    ref: row.ref,
    time: row.time,
    summary: row.summary,
    detail,
  };
}

/** A `cases` row as a record (`imminent` arrives as 0/1 from SQLite, a boolean from PostgreSQL). */
export function toCaseRecord(row: CaseRow): CaseRecord {
  const retainUntilMs = row.retain_until_ms === null ? null : Number(row.retain_until_ms);
  return {
    id: row.id,
    subject: row.subject,
    status: row.status as CaseStatus,
    priority: row.priority as CasePriority,
    assignee: row.assignee,
    decision: row.decision === 'confirmed' || row.decision === 'dismissed' ? row.decision : null,
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    retainUntil: retainUntilMs === null ? null : new Date(retainUntilMs).toISOString(),
    legalHold: row.held_at === null ? null : { at: row.held_at, reason: row.hold_reason ?? '' },
    source: row.source as CaseSource,
    typology: row.typology,
    imminent: Boolean(row.imminent),
  };
}

/** The columns a patch sets (absent fields are left alone). */
function patchColumns(patch: CasePatch, dialect: DialectName): Updateable<EngineDatabase['cases']> {
  return {
    ...(patch.status !== undefined ? { status: patch.status } : {}),
    ...(patch.assignee !== undefined ? { assignee: patch.assignee } : {}),
    ...(patch.decision !== undefined ? { decision: patch.decision } : {}),
    ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
    ...(patch.closedAt !== undefined ? { closed_at: patch.closedAt } : {}),
    ...(patch.retainUntilMs !== undefined ? { retain_until_ms: patch.retainUntilMs } : {}),
    ...(patch.legalHold !== undefined
      ? { held_at: patch.legalHold?.at ?? null, hold_reason: patch.legalHold?.reason ?? null }
      : {}),
    ...(patch.imminent !== undefined ? { imminent: sqlBoolean(dialect, patch.imminent) } : {}),
  };
}

/** Cases and their timelines over Kysely. */
export class KyselyCaseRepository implements CaseRepository {
  constructor(
    private readonly db: Kysely<EngineDatabase>,
    private readonly dialect: DialectName,
  ) {}

  async list(filter: CaseFilter = {}): Promise<CaseRecord[]> {
    let query = this.db.selectFrom('cases').selectAll();
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.subject !== undefined) query = query.where('subject', '=', filter.subject);
    if (filter.decided === true) query = query.where('decision', 'is not', null);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(toCaseRecord);
  }

  async get(id: number): Promise<CaseRecord | undefined> {
    const row = await this.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toCaseRecord(row);
  }

  async openSubjects(): Promise<string[]> {
    const rows = await this.db.selectFrom('cases').select('subject').where('status', '<>', 'closed').execute();
    return rows.map((row) => row.subject);
  }

  async openAmong(subjects: readonly string[]): Promise<string[]> {
    const open: string[] = [];
    for (const part of chunks([...new Set(subjects)])) {
      const rows = await this.db
        .selectFrom('cases')
        .select('subject')
        .where('status', '<>', 'closed')
        .where('subject', 'in', part)
        .execute();
      for (const row of rows) open.push(row.subject);
    }
    return open;
  }

  async timeline(id: number, options: TimelineOptions = {}): Promise<CaseTimelineEntry[]> {
    const direction = options.newestFirst === true ? 'desc' : 'asc';
    let query = this.db
      .selectFrom('case_timeline as t')
      .leftJoin('events as e', 'e.id', 't.event_id')
      .select([
        't.case_id',
        't.ref',
        't.kind',
        't.time',
        't.summary',
        't.detail_json',
        't.event_id',
        'e.type as event_type',
        'e.entities_json',
        'e.data_json',
      ])
      .where('t.case_id', '=', id)
      .orderBy('t.time', direction)
      .orderBy('t.ref', direction);
    if (options.limit !== undefined) query = query.limit(options.limit);
    const rows = await query.execute();
    return rows.map(toTimelineEntry);
  }

  async update(
    id: number,
    patch: CasePatch,
    entry: Omit<CaseTimelineEntry, 'caseId'>,
    expectedStatus?: CaseStatus,
    actions: readonly NewOutboxAction[] = [],
  ): Promise<CaseRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      let query = trx
        .updateTable('cases')
        .set({ ...patchColumns(patch, this.dialect), updated_at: entry.time })
        .where('id', '=', id);
      if (expectedStatus !== undefined) query = query.where('status', '=', expectedStatus);
      const row = await query.returningAll().executeTakeFirst();
      if (row === undefined) return undefined;
      await trx
        .insertInto('case_timeline')
        .values(timelineRow(id, entry))
        .onConflict((conflict) => conflict.columns(['case_id', 'ref']).doNothing())
        .execute();
      const committedAt = new Date().toISOString();
      for (const action of actions) {
        await trx
          .insertInto('action_outbox')
          .values({
            idempotency_key: action.idempotencyKey,
            endpoint: action.endpoint,
            action: action.action,
            kind: action.kind,
            mode: action.mode,
            status: action.status,
            body_json: action.bodyJson,
            event_id: action.eventId,
            rule_id: action.ruleId,
            subject: action.subject,
            case_id: id,
            created_at: action.createdAt,
            committed_at: committedAt,
            next_attempt_at: action.status === 'pending' ? committedAt : null,
            attempts: 0,
          })
          .onConflict((conflict) => conflict.columns(['idempotency_key', 'endpoint']).doNothing())
          .execute();
      }
      return toCaseRecord(row);
    });
  }

  async purgeExpired(nowMs: number): Promise<number[]> {
    return this.db.transaction().execute(async (trx) => {
      const expired = await trx
        .selectFrom('cases')
        .select('id')
        .where('status', '=', 'closed')
        .where('retain_until_ms', 'is not', null)
        .where('retain_until_ms', '<', nowMs)
        .where('held_at', 'is', null)
        .execute();
      const ids = expired.map((row) => row.id);
      for (const part of chunks(ids)) {
        await trx.deleteFrom('case_timeline').where('case_id', 'in', part).execute();
        await trx.deleteFrom('cases').where('id', 'in', part).execute();
      }
      return ids;
    });
  }
}
