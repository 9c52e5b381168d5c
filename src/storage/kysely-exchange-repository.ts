import type { Kysely } from 'kysely';
import { EngineError } from '../core/index.js';
import type {
  DecisionEntry,
  ExchangeDefinition,
  ExchangeFetchStatus,
  ExchangeRepository,
  FeedbackRecord,
  FeedbackRequest,
  FeedbackSettlement,
  FeedChanges,
  FetchOutcome,
  NewExchange,
  NewFeedbackRequest,
  PageCommit,
  PageCommitResult,
  SealedCredentials,
} from '../exchange-sync/index.js';
import { recordBankChanges } from './bank-change-log.js';
import type { DialectName } from './dialect.js';
import { applyPageChanges } from './exchange-page-commit.js';
import type { ExchangeDatabase, ExchangesTable } from './exchange-tables.js';
import { isUniqueViolation, translateStorageErrors } from './storage-errors.js';

function toDefinition(
  row: { [K in keyof ExchangesTable]: K extends 'id' ? number : ExchangesTable[K] },
): ExchangeDefinition {
  return {
    id: Number(row.id),
    name: row.name,
    kind: row.kind,
    bankId: Number(row.bank_id),
    config: JSON.parse(row.config_json) as Record<string, unknown>,
    enabled: Number(row.enabled) === 1,
    intervalSeconds: Number(row.interval_seconds),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The one row of `exchange_feedback_cursor`. */
const decisionCursorName = 'decisions';

/** Requests per insert, well under both dialects' parameter limits (11 columns each). */
const feedbackPerInsert = 500;

/** Stores feedback requests, skipping those whose once key is stored already; how many were stored. */
async function insertFeedback(
  db: Kysely<ExchangeDatabase>,
  requests: readonly NewFeedbackRequest[],
  createdAt: string,
): Promise<number> {
  let stored = 0;
  for (let start = 0; start < requests.length; start += feedbackPerInsert) {
    const result = await db
      .insertInto('exchange_feedback')
      .values(
        requests.slice(start, start + feedbackPerInsert).map((request) => ({
          exchange_id: request.exchangeId,
          upstream_key: request.key,
          signal_type: request.signalType,
          verdict: request.verdict,
          case_id: request.caseId,
          actor: request.actor,
          status: 'pending',
          next_attempt_at: createdAt,
          last_error_code: null,
          created_at: createdAt,
          settled_at: null,
          once_key: request.onceKey,
          upstream_reason: request.upstreamReason,
        })),
      )
      .onConflict((conflict) => conflict.column('once_key').doNothing())
      .executeTakeFirst();
    stored += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return stored;
}

/** A decision entry's detail (`CaseService` writes the change, the reason and the actor). */
function decisionDetail(json: string): { decision?: unknown; actor?: unknown } {
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed !== null && typeof parsed === 'object' ? (parsed as { decision?: unknown; actor?: unknown }) : {};
  } catch {
    return {};
  }
}

/** The decision a decision entry's detail names, or null. */
function decisionOf(json: string): string | null {
  const decision = decisionDetail(json).decision;
  return typeof decision === 'string' ? decision : null;
}

/** The actor of a decision ref `change:<time>:<actor>` (CaseService's form), or ''. */
function actorOfRef(ref: string, time: string): string {
  const prefix = `change:${time}:`;
  return ref.startsWith(prefix) ? ref.slice(prefix.length) : '';
}

/** Ids per `IN (…)` list, well under both dialects' parameter limits. */
const idsPerQuery = 500;

/**
 * Exchanges on SQLite and PostgreSQL. `commitPage` applies a page's keyed changes to the bank,
 * stores the checkpoint and renews the lease in one transaction, after checking the lease is
 * still this fetcher's; the lease itself is one conditional update, so two processes never both
 * hold it.
 */
export class KyselyExchangeRepository implements ExchangeRepository {
  constructor(
    private readonly db: Kysely<ExchangeDatabase>,
    readonly dialect: DialectName,
  ) {}

  createExchange(input: NewExchange, createdAt: string): Promise<ExchangeDefinition> {
    return translateStorageErrors(async () => {
      try {
        return await this.db.transaction().execute(async (trx) => {
          const row = await trx
            .insertInto('exchanges')
            .values({
              name: input.name,
              kind: input.kind,
              bank_id: input.bankId,
              config_json: JSON.stringify(input.config),
              enabled: input.enabled ? 1 : 0,
              interval_seconds: input.intervalSeconds,
              created_at: createdAt,
              updated_at: createdAt,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          const id = Number(row.id);
          await trx
            .insertInto('exchange_status')
            .values({
              exchange_id: id,
              checkpoint_json: null,
              checkpoint_at: null,
              progress_ts: null,
              fetch_started_at: null,
              fetch_ended_at: null,
              last_succeeded: null,
              last_error_code: null,
              last_error_message: null,
            })
            .execute();
          await trx.insertInto('exchange_leases').values({ exchange_id: id, owner: null, expires_at: null }).execute();
          return toDefinition(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new EngineError('EXCHANGE_ALREADY_EXISTS', `exchange '${input.name}' already exists`, { cause: error });
        }
        throw error;
      }
    });
  }

  getExchange(name: string): Promise<ExchangeDefinition | undefined> {
    return translateStorageErrors(async () => {
      const row = await this.db.selectFrom('exchanges').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : toDefinition(row);
    });
  }

  listExchanges(): Promise<ExchangeDefinition[]> {
    return translateStorageErrors(async () =>
      (await this.db.selectFrom('exchanges').selectAll().orderBy('name').execute()).map(toDefinition),
    );
  }

  updateExchange(
    id: number,
    patch: { enabled?: boolean; intervalSeconds?: number; config?: Readonly<Record<string, unknown>> },
    updatedAt: string,
  ): Promise<ExchangeDefinition> {
    return translateStorageErrors(async () => {
      const row = await this.db
        .updateTable('exchanges')
        .set({
          updated_at: updatedAt,
          ...(patch.enabled === undefined ? {} : { enabled: patch.enabled ? 1 : 0 }),
          ...(patch.intervalSeconds === undefined ? {} : { interval_seconds: patch.intervalSeconds }),
          ...(patch.config === undefined ? {} : { config_json: JSON.stringify(patch.config) }),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw new EngineError('EXCHANGE_NOT_FOUND', `no exchange has id ${id}`);
      return toDefinition(row);
    });
  }

  getStatus(exchangeId: number): Promise<ExchangeFetchStatus> {
    return translateStorageErrors(async () => {
      const row = await this.db
        .selectFrom('exchange_status')
        .innerJoin('exchange_leases', 'exchange_leases.exchange_id', 'exchange_status.exchange_id')
        .innerJoin('exchanges', 'exchanges.id', 'exchange_status.exchange_id')
        .selectAll('exchange_status')
        .select(['exchange_leases.owner', 'exchange_leases.expires_at', 'exchanges.bank_id'])
        .where('exchange_status.exchange_id', '=', exchangeId)
        .executeTakeFirst();
      if (row === undefined) throw new EngineError('EXCHANGE_NOT_FOUND', `no exchange has id ${exchangeId}`);
      const count = await this.db
        .selectFrom('bank_contents')
        .select((eb) => eb.fn.countAll().as('count'))
        .where('bank_id', '=', Number(row.bank_id))
        .where('exchange_id', '=', exchangeId)
        .executeTakeFirstOrThrow();
      return {
        checkpoint: row.checkpoint_json === null ? null : (JSON.parse(row.checkpoint_json) as Record<string, unknown>),
        checkpointAt: row.checkpoint_at,
        progressTimestamp: row.progress_ts === null ? null : Number(row.progress_ts),
        fetchStartedAt: row.fetch_started_at,
        fetchEndedAt: row.fetch_ended_at,
        lastSucceeded: row.last_succeeded === null ? null : Number(row.last_succeeded) === 1,
        upToDate: Number(row.up_to_date) === 1,
        lastErrorCode: row.last_error_code,
        lastErrorMessage: row.last_error_message,
        consecutiveFailures: Number(row.consecutive_failures),
        lastFetchUpserts: Number(row.last_fetch_upserts),
        lastFetchRemovals: Number(row.last_fetch_removals),
        lastFetchSkipped: Number(row.last_fetch_skipped),
        pagesCommitted: Number(row.pages_committed),
        fetchedItems: Number(count.count),
        leaseOwner: row.owner,
        leaseExpiresAt: row.expires_at,
      };
    });
  }

  tryLease(exchangeId: number, owner: string, now: string, until: string): Promise<boolean> {
    return translateStorageErrors(async () => {
      const result = await this.db
        .updateTable('exchange_leases')
        .set({ owner, expires_at: until })
        .where('exchange_id', '=', exchangeId)
        .where((eb) =>
          eb.or([
            eb('owner', 'is', null),
            eb('expires_at', 'is', null),
            eb('expires_at', '<', now),
            eb('owner', '=', owner),
          ]),
        )
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    });
  }

  takeOverLease(exchangeId: number, previousOwner: string, owner: string, until: string): Promise<boolean> {
    return translateStorageErrors(async () => {
      const result = await this.db
        .updateTable('exchange_leases')
        .set({ owner, expires_at: until })
        .where('exchange_id', '=', exchangeId)
        .where('owner', '=', previousOwner)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    });
  }

  releaseLease(exchangeId: number, owner: string): Promise<void> {
    return translateStorageErrors(async () => {
      await this.db
        .updateTable('exchange_leases')
        .set({ owner: null, expires_at: null })
        .where('exchange_id', '=', exchangeId)
        .where('owner', '=', owner)
        .execute();
    });
  }

  startFetch(exchangeId: number, startedAt: string): Promise<void> {
    return translateStorageErrors(async () => {
      await this.db
        .updateTable('exchange_status')
        .set({ fetch_started_at: startedAt })
        .where('exchange_id', '=', exchangeId)
        .execute();
    });
  }

  commitPage(commit: PageCommit): Promise<PageCommitResult> {
    return translateStorageErrors(() =>
      this.db.transaction().execute(async (trx) => {
        const lease = await trx
          .updateTable('exchange_leases')
          .set({ expires_at: commit.leaseUntil })
          .where('exchange_id', '=', commit.exchangeId)
          .where('owner', '=', commit.leaseOwner)
          .executeTakeFirst();
        if (lease.numUpdatedRows === 0n) {
          throw new EngineError(
            'EXCHANGE_BUSY',
            `exchange '${commit.exchangeName}': the fetch lease was lost (it expired and another fetcher took it); nothing was committed`,
          );
        }
        const result: PageCommitResult = { addedIds: [], removedIds: [], upserts: 0, removals: 0, skipped: 0 };
        const counts = await applyPageChanges(trx, this.dialect, commit, result);
        await trx
          .updateTable('exchange_status')
          .set((eb) => ({
            checkpoint_json: JSON.stringify(commit.checkpoint),
            checkpoint_at: commit.committedAt,
            progress_ts: commit.progressTimestamp,
            pages_committed: eb('pages_committed', '+', 1),
          }))
          .where('exchange_id', '=', commit.exchangeId)
          .execute();
        // Last: the change log's number is held from here to the commit (see bank-change-log.ts).
        await recordBankChanges(trx, this.dialect, [
          { kind: 'removed', bankId: commit.bankId, contentIds: result.removedIds },
          { kind: 'added', bankId: commit.bankId, contentIds: result.addedIds },
        ]);
        return { ...result, ...counts };
      }),
    );
  }

  finishFetch(exchangeId: number, outcome: FetchOutcome): Promise<void> {
    return translateStorageErrors(async () => {
      await this.db
        .updateTable('exchange_status')
        .set((eb) => ({
          fetch_ended_at: outcome.endedAt,
          last_succeeded: outcome.succeeded ? 1 : 0,
          up_to_date: outcome.upToDate ? 1 : 0,
          last_error_code: outcome.errorCode,
          last_error_message: outcome.errorMessage,
          consecutive_failures: outcome.succeeded ? 0 : eb('consecutive_failures', '+', 1),
          last_fetch_upserts: outcome.upserts,
          last_fetch_removals: outcome.removals,
          last_fetch_skipped: outcome.skipped,
        }))
        .where('exchange_id', '=', exchangeId)
        .execute();
    });
  }

  findUpstreamContent(bankId: number, key: string): Promise<number | undefined> {
    return translateStorageErrors(async () => {
      const row = await this.db
        .selectFrom('bank_contents')
        .select('id')
        .where('bank_id', '=', bankId)
        .where('upstream_key', '=', key)
        .executeTakeFirst();
      return row === undefined ? undefined : Number(row.id);
    });
  }

  queueFeedback(requests: readonly NewFeedbackRequest[], createdAt: string): Promise<number> {
    return translateStorageErrors(() => insertFeedback(this.db, requests, createdAt));
  }

  feedbackOfCase(caseId: number, limit: number): Promise<FeedbackRecord[]> {
    return translateStorageErrors(async () => {
      const rows = await this.db
        .selectFrom('exchange_feedback')
        .innerJoin('exchanges', 'exchanges.id', 'exchange_feedback.exchange_id')
        .select([
          'exchange_feedback.id',
          'exchanges.name',
          'exchange_feedback.upstream_key',
          'exchange_feedback.signal_type',
          'exchange_feedback.verdict',
          'exchange_feedback.actor',
          'exchange_feedback.status',
          'exchange_feedback.attempts',
          'exchange_feedback.last_error_code',
          'exchange_feedback.created_at',
          'exchange_feedback.settled_at',
        ])
        .where('exchange_feedback.case_id', '=', caseId)
        .orderBy('exchange_feedback.id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: Number(row.id),
        exchange: row.name,
        key: row.upstream_key,
        signalType: row.signal_type,
        verdict: row.verdict === 'false_positive' ? 'false_positive' : 'true_positive',
        actor: row.actor,
        status: row.status === 'sent' ? 'sent' : row.status === 'failed' ? 'failed' : 'pending',
        attempts: Number(row.attempts),
        lastErrorCode: row.last_error_code,
        createdAt: row.created_at,
        settledAt: row.settled_at,
      }));
    });
  }

  unreadDecisions(from: string, limit: number): Promise<DecisionEntry[]> {
    return translateStorageErrors(async () => {
      const rows = await this.db
        .selectFrom('case_timeline as t')
        .select(['t.case_id', 't.ref', 't.time', 't.detail_json'])
        .where('t.kind', '=', 'decision')
        .where('t.time', '>=', from)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('exchange_feedback_decisions as d')
                .select('d.ref')
                .whereRef('d.case_id', '=', 't.case_id')
                .whereRef('d.ref', '=', 't.ref'),
            ),
          ),
        )
        .orderBy('t.time')
        .orderBy('t.case_id')
        .orderBy('t.ref')
        .limit(limit)
        .execute();
      const entries: DecisionEntry[] = [];
      for (const row of rows) {
        const caseId = Number(row.case_id);
        const previous = await this.db
          .selectFrom('case_timeline')
          .select('detail_json')
          .where('case_id', '=', caseId)
          .where('kind', '=', 'decision')
          .where((eb) =>
            eb.or([eb('time', '<', row.time), eb.and([eb('time', '=', row.time), eb('ref', '<', row.ref)])]),
          )
          .orderBy('time', 'desc')
          .orderBy('ref', 'desc')
          .limit(1)
          .executeTakeFirst();
        const detail = decisionDetail(row.detail_json);
        entries.push({
          caseId,
          ref: row.ref,
          time: row.time,
          decision: detail.decision === 'confirmed' || detail.decision === 'dismissed' ? detail.decision : null,
          actor: typeof detail.actor === 'string' ? detail.actor : actorOfRef(row.ref, row.time),
          previousDecision: previous === undefined ? null : decisionOf(previous.detail_json),
        });
      }
      return entries;
    });
  }

  markDecisionRead(
    entry: Pick<DecisionEntry, 'caseId' | 'ref' | 'time'>,
    requests: readonly NewFeedbackRequest[],
    at: string,
  ): Promise<number> {
    return translateStorageErrors(() =>
      this.db.transaction().execute(async (trx) => {
        const marked = await trx
          .insertInto('exchange_feedback_decisions')
          .values({
            case_id: entry.caseId,
            ref: entry.ref,
            entry_time: entry.time,
            requests: requests.length,
            read_at: at,
          })
          .onConflict((conflict) => conflict.columns(['case_id', 'ref']).doNothing())
          .executeTakeFirst();
        if (Number(marked.numInsertedOrUpdatedRows ?? 0n) === 0) return 0;
        return insertFeedback(trx, requests, at);
      }),
    );
  }

  decisionCursor(): Promise<string | null> {
    return translateStorageErrors(async () => {
      const row = await this.db
        .selectFrom('exchange_feedback_cursor')
        .select('entry_time')
        .where('name', '=', decisionCursorName)
        .executeTakeFirst();
      return row?.entry_time ?? null;
    });
  }

  moveDecisionCursor(time: string, forgetBefore: string, at: string): Promise<void> {
    return translateStorageErrors(() =>
      this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('exchange_feedback_cursor')
          .values({ name: decisionCursorName, entry_time: time, updated_at: at })
          .onConflict((conflict) =>
            conflict
              .column('name')
              .doUpdateSet({ entry_time: time, updated_at: at })
              .where('exchange_feedback_cursor.entry_time', '<', time),
          )
          .execute();
        await trx.deleteFrom('exchange_feedback_decisions').where('entry_time', '<', forgetBefore).execute();
      }),
    );
  }

  dueFeedback(now: string, limit: number): Promise<FeedbackRequest[]> {
    return translateStorageErrors(async () => {
      const rows = await this.db
        .selectFrom('exchange_feedback')
        .innerJoin('exchanges', 'exchanges.id', 'exchange_feedback.exchange_id')
        .select([
          'exchange_feedback.id',
          'exchange_feedback.exchange_id',
          'exchanges.name',
          'exchange_feedback.upstream_key',
          'exchange_feedback.signal_type',
          'exchange_feedback.verdict',
          'exchange_feedback.case_id',
          'exchange_feedback.actor',
          'exchange_feedback.attempts',
          'exchange_feedback.next_attempt_at',
          'exchange_feedback.upstream_reason',
        ])
        .where('exchange_feedback.status', '=', 'pending')
        .where('exchange_feedback.next_attempt_at', '<=', now)
        .orderBy('exchange_feedback.id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: Number(row.id),
        exchangeId: Number(row.exchange_id),
        exchange: row.name,
        key: row.upstream_key,
        signalType: row.signal_type,
        verdict: row.verdict === 'false_positive' ? 'false_positive' : 'true_positive',
        caseId: row.case_id === null ? null : Number(row.case_id),
        actor: row.actor,
        attempts: Number(row.attempts),
        nextAttemptAt: row.next_attempt_at,
        upstreamReason: row.upstream_reason,
      }));
    });
  }

  claimFeedback(id: number, seen: string, until: string): Promise<boolean> {
    return translateStorageErrors(async () => {
      const result = await this.db
        .updateTable('exchange_feedback')
        .set({ next_attempt_at: until })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '=', seen)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  settleFeedback(id: number, outcome: FeedbackSettlement, at: string): Promise<void> {
    return translateStorageErrors(async () => {
      await this.db
        .updateTable('exchange_feedback')
        .set({
          status: outcome.status,
          attempts: outcome.attempts,
          next_attempt_at: outcome.nextAttemptAt,
          last_error_code: outcome.errorCode,
          settled_at: outcome.status === 'pending' ? null : at,
        })
        .where('id', '=', id)
        .execute();
    });
  }

  getCredentials(scope: string): Promise<SealedCredentials | undefined> {
    return translateStorageErrors(async () => {
      const row = await this.db
        .selectFrom('exchange_credentials')
        .select(['sealed_json', 'key_id'])
        .where('scope', '=', scope)
        .executeTakeFirst();
      return row === undefined ? undefined : { keyId: row.key_id, sealed: row.sealed_json };
    });
  }

  setCredentials(scope: string, sealed: SealedCredentials | null, updatedAt: string): Promise<void> {
    return translateStorageErrors(async () => {
      if (sealed === null) {
        await this.db.deleteFrom('exchange_credentials').where('scope', '=', scope).execute();
        return;
      }
      const values = { sealed_json: sealed.sealed, key_id: sealed.keyId, updated_at: updatedAt };
      await this.db
        .insertInto('exchange_credentials')
        .values({ scope, ...values })
        .onConflict((conflict) => conflict.column('scope').doUpdateSet(values))
        .execute();
    });
  }

  listCredentialScopes(): Promise<{ scope: string; keyId: string }[]> {
    return translateStorageErrors(async () =>
      (await this.db.selectFrom('exchange_credentials').select(['scope', 'key_id']).orderBy('scope').execute()).map(
        (row) => ({ scope: row.scope, keyId: row.key_id }),
      ),
    );
  }

  feedChanges(bankId: number, afterContentId: number, afterTombstone: number, limit: number): Promise<FeedChanges> {
    return translateStorageErrors(async () => {
      const rows = await this.db
        .selectFrom('bank_contents')
        .select(['id', 'category', 'external_id'])
        .where('bank_id', '=', bankId)
        .where('id', '>', afterContentId)
        .orderBy('id')
        .limit(limit)
        .execute();
      const signals = new Map<number, Record<string, string>>();
      const ids = rows.map((row) => Number(row.id));
      for (let start = 0; start < ids.length; start += idsPerQuery) {
        const chunk = ids.slice(start, start + idsPerQuery);
        const found = await this.db
          .selectFrom('content_signals')
          .select(['content_id', 'signal_type', 'value'])
          .where('content_id', 'in', chunk)
          .execute();
        for (const row of found) {
          const id = Number(row.content_id);
          const map = signals.get(id) ?? {};
          map[row.signal_type] = row.value;
          signals.set(id, map);
        }
      }
      // Read after the contents: a deletion racing this read then shows as a tombstone too.
      const tombstones = await this.db
        .selectFrom('bank_tombstones')
        .select(['seq', 'content_id'])
        .where('bank_id', '=', bankId)
        .where('seq', '>', afterTombstone)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return {
        contents: rows.map((row) => ({
          id: Number(row.id),
          signals: signals.get(Number(row.id)) ?? {},
          category: row.category,
          externalId: row.external_id,
        })),
        tombstones: tombstones.map((row) => ({ seq: Number(row.seq), contentId: Number(row.content_id) })),
      };
    });
  }
}
