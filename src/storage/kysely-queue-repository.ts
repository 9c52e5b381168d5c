import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { CasePriority, CaseSource, CaseStatus } from '../cases/index.js';
import type {
  CaseClaim,
  CompiledRouting,
  QueueCount,
  QueueItem,
  QueuePredicate,
  QueueRepository,
  StoredQueueItem,
  TraitCondition,
} from '../queues/index.js';
import { type DialectName, sqlBoolean } from './dialect.js';
import type { EngineDatabase } from './engine-tables.js';

type Eb = ExpressionBuilder<EngineDatabase, 'cases'>;

/**
 * The statuses of cases in queues, and the queue order, written out as literal SQL exactly as the
 * partial index `cases_queue_order` (migrations 0011, 0014) declares them: both planners match an index
 * only against the same literal expression, never against bound parameters.
 */
const queuedStatuses = sql.raw<SqlBool>(`cases.status in ('open', 'in_review', 'escalated')`);
const queueTier = sql.raw(
  `(case when cases.imminent then 0 when cases.source in ('hash_match', 'stream') then 1 else 2 end)`,
);

/** A routing condition as SQL (an empty condition is true). A null typology matches no list. */
function conditionSql(eb: Eb, condition: TraitCondition, dialect: DialectName): Expression<SqlBool> {
  const terms: Expression<SqlBool>[] = [];
  if (condition.source !== undefined) terms.push(eb('cases.source', 'in', [...condition.source]));
  if (condition.typology !== undefined)
    terms.push(eb.and([eb('cases.typology', 'is not', null), eb('cases.typology', 'in', [...condition.typology])]));
  if (condition.priority !== undefined) terms.push(eb('cases.priority', 'in', [...condition.priority]));
  if (condition.imminent !== undefined) terms.push(eb('cases.imminent', '=', sqlBoolean(dialect, condition.imminent)));
  return eb.and(terms);
}

/** A queue's predicate as SQL: any of its rules' conditions, none of the earlier rules' of other queues. */
function predicateSql(eb: Eb, predicate: QueuePredicate, dialect: DialectName): Expression<SqlBool> {
  return eb.or(
    predicate.anyOf.map((part) =>
      eb.and([
        conditionSql(eb, part.when, dialect),
        ...part.unless.map((earlier) => eb.not(conditionSql(eb, earlier, dialect))),
      ]),
    ),
  );
}

interface ItemRow {
  id: number;
  subject: string;
  status: string;
  priority: string;
  source: string;
  typology: string | null;
  imminent: SqlBool;
  opened_at: string;
  claim_person: string | null;
  claim_expires_at: string | null;
}

function toItem(row: ItemRow): StoredQueueItem {
  return {
    caseId: row.id,
    subject: row.subject,
    status: row.status as CaseStatus,
    priority: row.priority as CasePriority,
    source: row.source as CaseSource,
    typology: row.typology,
    imminent: Boolean(row.imminent),
    openedAt: row.opened_at,
    claimedBy: row.claim_person,
    claimExpiresAt: row.claim_person === null ? null : row.claim_expires_at,
  };
}

/**
 * Queues over Kysely (SQLite and PostgreSQL): depth, pages and claims as queries over `cases` and
 * `case_claims`, the routing turned into SQL (`conditionSql`, `predicateSql`).
 */
export class KyselyQueueRepository implements QueueRepository {
  constructor(
    private readonly db: Kysely<EngineDatabase>,
    private readonly dialect: DialectName,
  ) {}

  async counts(routing: CompiledRouting): Promise<QueueCount[]> {
    if (routing.rules.length === 0) return [];
    const rows = await this.db
      .selectFrom((from) =>
        from
          .selectFrom('cases')
          .select((eb) => {
            // The queue of each case: its first matching rule (the default queue is the last rule).
            const branches = routing.rules.map(
              (rule) => sql`when ${conditionSql(eb, rule.when, this.dialect)} then ${rule.queue}`,
            );
            return [sql<string | null>`case ${sql.join(branches, sql` `)} end`.as('queue'), 'cases.opened_at'];
          })
          .where(queuedStatuses)
          .as('routed'),
      )
      .select((eb) => [
        'routed.queue',
        eb.fn.countAll<number | string>().as('depth'),
        eb.fn.min('routed.opened_at').as('oldest'),
      ])
      .groupBy('routed.queue')
      .execute();
    return rows
      .filter((row) => row.queue !== null)
      .map((row) => ({ queue: String(row.queue), depth: Number(row.depth), oldestOpenedAt: String(row.oldest) }));
  }

  async page(
    predicate: QueuePredicate,
    options: {
      readonly limit: number;
      readonly now: string;
      readonly claimableBy?: string;
      readonly heldBy?: string;
    },
  ): Promise<QueueItem[]> {
    let query = this.#items(options.now)
      .where(queuedStatuses)
      .where((eb) => predicateSql(eb as unknown as Eb, predicate, this.dialect));
    const person = options.claimableBy;
    if (person !== undefined)
      query = query.where((eb) => eb.or([eb('claim.person', 'is', null), eb('claim.person', '=', person)]));
    if (options.heldBy !== undefined) query = query.where('claim.person', '=', options.heldBy);
    const rows = await query
      .orderBy(queueTier)
      .orderBy('cases.opened_at')
      .orderBy('cases.id')
      .limit(options.limit)
      .execute();
    return rows.map((row) => {
      const { status: _status, ...item } = toItem(row);
      return item;
    });
  }

  async item(caseId: number, now: string): Promise<StoredQueueItem | undefined> {
    const row = await this.#items(now).where('cases.id', '=', caseId).executeTakeFirst();
    return row === undefined ? undefined : toItem(row);
  }

  async tryClaim(claim: CaseClaim, now: string): Promise<boolean> {
    const row = await this.db
      .insertInto('case_claims')
      .values({
        case_id: claim.caseId,
        person: claim.person,
        claimed_at: claim.claimedAt,
        expires_at: claim.expiresAt,
      })
      .onConflict((conflict) =>
        conflict
          .column('case_id')
          .doUpdateSet((eb) => ({
            person: eb.ref('excluded.person'),
            claimed_at: eb.ref('excluded.claimed_at'),
            expires_at: eb.ref('excluded.expires_at'),
          }))
          .where((eb) =>
            eb.or([eb('case_claims.expires_at', '<=', now), eb('case_claims.person', '=', eb.ref('excluded.person'))]),
          ),
      )
      .returning('case_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async release(caseId: number, person: string, now: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('case_claims')
      .where('case_id', '=', caseId)
      .where('person', '=', person)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async expireClaims(now: string): Promise<CaseClaim[]> {
    const rows = await this.db.deleteFrom('case_claims').where('expires_at', '<=', now).returningAll().execute();
    return rows.map((row) => ({
      caseId: row.case_id,
      person: row.person,
      claimedAt: row.claimed_at,
      expiresAt: row.expires_at,
    }));
  }

  /** Cases with their live claim (a claim expired at `now` joins as none). */
  #items(now: string) {
    return this.db
      .selectFrom('cases')
      .leftJoin('case_claims as claim', (join) =>
        join.onRef('claim.case_id', '=', 'cases.id').on('claim.expires_at', '>', now),
      )
      .select([
        'cases.id',
        'cases.subject',
        'cases.status',
        'cases.priority',
        'cases.source',
        'cases.typology',
        'cases.imminent',
        'cases.opened_at',
        'claim.person as claim_person',
        'claim.expires_at as claim_expires_at',
      ]);
  }
}
