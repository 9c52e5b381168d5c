import type { Kysely, Selectable } from 'kysely';
import type {
  CaseFilter,
  CasePriority,
  CaseRecord,
  CaseRepository,
  CaseStatus,
  CaseTimelineEntry,
} from './engine-repositories.js';
import type { EngineDatabase } from './engine-tables.js';

/** How long a case's evidence is kept by default: one year (the US REPORT Act period). */
export const retentionMs = 365 * 24 * 3600 * 1000;

type CaseRow = Selectable<EngineDatabase['cases']>;

/** The `case_timeline` row of one entry of case `caseId`. */
export function timelineRow(caseId: number, entry: Omit<CaseTimelineEntry, 'caseId'>): EngineDatabase['case_timeline'] {
  return {
    case_id: caseId,
    ref: entry.ref,
    kind: entry.kind,
    time: entry.time,
    summary: entry.summary,
    detail_json: JSON.stringify(entry.detail ?? null),
  };
}

function toRecord(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    subject: row.subject,
    status: row.status as CaseStatus,
    priority: row.priority as CasePriority,
    assignee: row.assignee,
    decision: row.decision === 'confirmed' || row.decision === 'dismissed' ? row.decision : null,
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
    retainUntil: row.retain_until,
  };
}

/** Cases and their timelines over Kysely. */
export class KyselyCaseRepository implements CaseRepository {
  constructor(private readonly db: Kysely<EngineDatabase>) {}

  async list(filter: CaseFilter = {}): Promise<CaseRecord[]> {
    let query = this.db.selectFrom('cases').selectAll();
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.subject !== undefined) query = query.where('subject', '=', filter.subject);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(toRecord);
  }

  async get(id: number): Promise<CaseRecord | undefined> {
    const row = await this.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  }

  async timeline(id: number): Promise<CaseTimelineEntry[]> {
    const rows = await this.db
      .selectFrom('case_timeline')
      .selectAll()
      .where('case_id', '=', id)
      .orderBy('time')
      .orderBy('ref')
      .execute();
    return rows.map((row) => ({
      caseId: row.case_id,
      kind: row.kind as CaseTimelineEntry['kind'],
      ref: row.ref,
      time: row.time,
      summary: row.summary,
      detail: JSON.parse(row.detail_json) as unknown,
    }));
  }

  async update(
    id: number,
    patch: {
      status?: CaseStatus;
      assignee?: string | null;
      decision?: 'confirmed' | 'dismissed' | null;
      priority?: CasePriority;
    },
    entry: Omit<CaseTimelineEntry, 'caseId'>,
  ): Promise<CaseRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('cases')
        .set({
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.assignee !== undefined ? { assignee: patch.assignee } : {}),
          ...(patch.decision !== undefined ? { decision: patch.decision } : {}),
          ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
          updated_at: entry.time,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) return undefined;
      await trx
        .insertInto('case_timeline')
        .values(timelineRow(id, entry))
        .onConflict((conflict) => conflict.columns(['case_id', 'ref']).doNothing())
        .execute();
      return toRecord(row);
    });
  }

  async purgeExpired(nowIso: string): Promise<number[]> {
    return this.db.transaction().execute(async (trx) => {
      const expired = await trx.selectFrom('cases').select('id').where('retain_until', '<', nowIso).execute();
      const ids = expired.map((row) => row.id);
      if (ids.length > 0) {
        await trx.deleteFrom('case_timeline').where('case_id', 'in', ids).execute();
        await trx.deleteFrom('cases').where('id', 'in', ids).execute();
      }
      return ids;
    });
  }
}
