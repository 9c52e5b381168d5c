import { type Kysely, type Selectable, sql } from 'kysely';
import type {
  ActionKind,
  ActionMode,
  AttemptOutcome,
  DeliveryAttempt,
  OutboxAction,
  OutboxRepository,
  OutboxStatus,
} from '../actions/index.js';
import type { ActionDatabase, ActionOutboxTable } from './action-tables.js';
import type { DialectName } from './dialect.js';

function toAction(row: Selectable<ActionOutboxTable>): OutboxAction {
  return {
    id: Number(row.id),
    idempotencyKey: row.idempotency_key,
    endpoint: row.endpoint,
    action: row.action,
    kind: row.kind as ActionKind,
    mode: row.mode as ActionMode,
    status: row.status as OutboxStatus,
    bodyJson: row.body_json,
    eventId: row.event_id,
    ruleId: row.rule_id,
    subject: row.subject,
    caseId: row.case_id === null ? null : Number(row.case_id),
    createdAt: row.created_at,
    committedAt: row.committed_at,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    lastError: row.last_error,
  };
}

/**
 * The action outbox on SQLite and PostgreSQL (rows are inserted by the engine's batch commit).
 * Claims lease rows in a transaction; on PostgreSQL the candidate rows are locked with
 * `for update skip locked`, so dispatchers in several processes never lease the same row.
 */
export class KyselyOutboxRepository implements OutboxRepository {
  constructor(
    private readonly db: Kysely<ActionDatabase>,
    private readonly dialect: DialectName,
  ) {}

  async claimDue(endpoint: string, nowIso: string, leaseUntilIso: string, limit: number): Promise<OutboxAction[]> {
    if (limit <= 0) return [];
    return this.db.transaction().execute(async (trx) => {
      let candidates = trx
        .selectFrom('action_outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('endpoint', '=', endpoint)
        .where('next_attempt_at', '<=', nowIso)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', nowIso)]))
        .orderBy('id')
        .limit(limit);
      if (this.dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
      const ids = (await candidates.execute()).map((row) => Number(row.id));
      if (ids.length === 0) return [];
      await trx.updateTable('action_outbox').set({ lease_until: leaseUntilIso }).where('id', 'in', ids).execute();
      const rows = await trx.selectFrom('action_outbox').selectAll().where('id', 'in', ids).orderBy('id').execute();
      return rows.map(toAction);
    });
  }

  async recordAttempt(attempt: Omit<DeliveryAttempt, 'seq'>, outcome: AttemptOutcome): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom('action_attempts')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('outbox_id', '=', attempt.outboxId)
        .executeTakeFirst();
      await trx
        .insertInto('action_attempts')
        .values({
          outbox_id: attempt.outboxId,
          seq: Number(last?.seq ?? 0) + 1,
          at: attempt.at,
          http_status: attempt.httpStatus,
          latency_ms: attempt.latencyMs,
          error: attempt.error,
        })
        .execute();
      await trx
        .updateTable('action_outbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          lease_until: null,
          status: outcome.kind === 'retry' ? 'pending' : outcome.kind,
          next_attempt_at: outcome.kind === 'retry' ? outcome.nextAttemptAt : null,
          delivered_at: outcome.kind === 'delivered' ? outcome.at : null,
          last_error: outcome.kind === 'delivered' ? null : outcome.error,
        }))
        .where('id', '=', attempt.outboxId)
        .where('status', '=', 'pending')
        .execute();
    });
  }

  async list(filter: { readonly caseId?: number; readonly status?: OutboxStatus; readonly limit: number }) {
    let query = this.db.selectFrom('action_outbox').selectAll();
    if (filter.caseId !== undefined) query = query.where('case_id', '=', filter.caseId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map(toAction);
  }

  async attempts(outboxId: number): Promise<DeliveryAttempt[]> {
    const rows = await this.db
      .selectFrom('action_attempts')
      .selectAll()
      .where('outbox_id', '=', outboxId)
      .orderBy('seq')
      .execute();
    return rows.map((row) => ({
      outboxId: Number(row.outbox_id),
      seq: Number(row.seq),
      at: row.at,
      httpStatus: row.http_status === null ? null : Number(row.http_status),
      latencyMs: Number(row.latency_ms),
      error: row.error,
    }));
  }

  async countsByEndpoint(status: 'pending' | 'dead'): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('action_outbox')
      .select((eb) => ['endpoint', eb.fn.countAll().as('count')])
      .where('status', '=', status)
      .groupBy('endpoint')
      .execute();
    return new Map(rows.map((row) => [row.endpoint, Number(row.count)]));
  }

  async streamAfter(endpoint: string, afterId: number, limit: number): Promise<OutboxAction[]> {
    if (this.dialect === 'postgres') {
      // In commit order, and only what no running transaction can still precede (migration
      // 0020 says why). The cursor row gives the position; a purged one is placed at the
      // newest transaction among the rows up to its id.
      const result = await sql<Selectable<ActionOutboxTable>>`
        select * from action_outbox
        where endpoint = ${endpoint} and status = 'stream'
          and (commit_txid, id) > (
            coalesce(
              (select commit_txid from action_outbox where id = ${afterId}),
              (select max(commit_txid) from action_outbox where id <= ${afterId}),
              0
            ),
            ${afterId}
          )
          and commit_txid < txid_snapshot_xmin(txid_current_snapshot())
        order by commit_txid, id
        limit ${limit}`.execute(this.db);
      return result.rows.map(toAction);
    }
    const rows = await this.db
      .selectFrom('action_outbox')
      .selectAll()
      .where('endpoint', '=', endpoint)
      .where('status', '=', 'stream')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toAction);
  }

  async lastId(): Promise<number> {
    const row = await this.db
      .selectFrom('action_outbox')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }
}
