import type { Kysely } from 'kysely';
import type { CaseRecord } from '../cases/index.js';
import type { CaseComment, FirstDecision, ReviewRepository } from '../review/index.js';
import type { EngineDatabase } from './engine-tables.js';
import { toCaseRecord } from './kysely-case-repository.js';

/** The review console's comments and dashboard queries over Kysely (SQLite and PostgreSQL). */
export class KyselyReviewRepository implements ReviewRepository {
  constructor(private readonly db: Kysely<EngineDatabase>) {}

  async caseRecord(id: number): Promise<CaseRecord | undefined> {
    const row = await this.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toCaseRecord(row);
  }

  async addComment(comment: Omit<CaseComment, 'id'>): Promise<CaseComment> {
    const row = await this.db
      .insertInto('case_comments')
      .values({
        case_id: comment.caseId,
        author: comment.author,
        time: comment.time,
        kind: comment.kind,
        text: comment.text,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...comment, id: Number(row.id) };
  }

  async comments(caseId: number, limit: number): Promise<CaseComment[]> {
    const rows = await this.db
      .selectFrom('case_comments')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      caseId: row.case_id,
      author: row.author,
      time: row.time,
      text: row.text,
      kind: row.kind === 'second_opinion' ? 'second_opinion' : 'comment',
    }));
  }

  async openedPerDay(sinceIso: string): Promise<{ day: string; opened: number }[]> {
    const rows = await this.db
      .selectFrom('cases')
      .select((eb) => [
        eb.fn<string>('substr', ['opened_at', eb.val(1), eb.val(10)]).as('day'),
        eb.fn.countAll().as('opened'),
      ])
      .where('opened_at', '>=', sinceIso)
      .groupBy('day')
      .execute();
    return rows.map((row) => ({ day: String(row.day), opened: Number(row.opened) }));
  }

  async firstDecisions(sinceIso: string): Promise<FirstDecision[]> {
    const rows = await this.db
      .selectFrom('case_timeline as t')
      .innerJoin('cases as c', 'c.id', 't.case_id')
      .select(['t.case_id', 't.time', 't.ref', 'c.opened_at'])
      .where('t.kind', '=', 'decision')
      .where('t.time', '>=', sinceIso)
      .orderBy('t.case_id')
      .orderBy('t.time')
      .execute();
    const first = new Map<number, FirstDecision>();
    for (const row of rows) {
      if (first.has(row.case_id)) continue;
      // CaseService writes decision refs as `change:<time>:<actor>`.
      const prefix = `change:${row.time}:`;
      const actor = row.ref.startsWith(prefix) ? row.ref.slice(prefix.length) : '';
      first.set(row.case_id, { caseId: row.case_id, openedAt: row.opened_at, decidedAt: row.time, actor });
    }
    return [...first.values()];
  }
}
