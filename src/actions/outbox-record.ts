import type { ActionKind, ActionMode } from './action-model.js';

/**
 * What caused an action, as the engine knows it when it processes an event: ids, names and
 * reasons only. The engine builds it; the planner (`ActionPlanner`) turns it into outbox rows.
 */
export interface ActionTrigger {
  /** The declared action's name. */
  readonly action: string;
  readonly eventId: string;
  readonly eventType: string;
  /** The event's time (ISO-8601): the outbox row's creation time, so replay writes the same row. */
  readonly time: string;
  /** The rule whose active hit asked for it, or null for a typology alert. */
  readonly ruleId: string | null;
  /** The typology whose alert triggered it, or null for a rule effect. */
  readonly typology: string | null;
  /**
   * The review decision (`confirm`, …) that triggered it, for actions committed with a decision
   * (then `eventId` is `case:<id>:decision:<time>` and `ruleId`, `typology` are null).
   */
  readonly decision?: string;
  /** The entity key the action is about (`user:u1`); its open case is looked up at commit. */
  readonly subject: string | null;
  /** The event's entities by role (ids only). */
  readonly entities: Readonly<Record<string, string>>;
  readonly reasons: readonly string[];
}

/**
 * Outbox statuses: `pending` (to send), `delivered`, `dead` (retries ran out), `shadow` (never
 * sent), `stream` (an SSE endpoint's row: read by subscribers, never pushed).
 */
export type OutboxStatus = 'pending' | 'delivered' | 'dead' | 'shadow' | 'stream';

/** One row to commit in the outbox with the batch that caused it: one per (action, endpoint). */
export interface NewOutboxAction {
  /** Per action: the same for every endpoint of one action; sent as `Idempotency-Key`. */
  readonly idempotencyKey: string;
  readonly endpoint: string;
  readonly action: string;
  readonly kind: ActionKind;
  readonly mode: ActionMode;
  readonly status: 'pending' | 'shadow' | 'stream';
  /** The body without `case_id` (canonical JSON text); the case id is added at commit. */
  readonly bodyJson: string;
  readonly eventId: string;
  readonly ruleId: string | null;
  readonly subject: string | null;
  readonly createdAt: string;
}

/** A stored outbox row. */
export interface OutboxAction extends Omit<NewOutboxAction, 'status'> {
  readonly id: number;
  readonly status: OutboxStatus;
  /** The subject's open case when the row was committed, or null. */
  readonly caseId: number | null;
  /** When the row was committed (the retry deadline counts from here, not from the event's time). */
  readonly committedAt: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly lastError: string | null;
}

/** One delivery attempt, as recorded. */
export interface DeliveryAttempt {
  readonly outboxId: number;
  readonly seq: number;
  readonly at: string;
  /** The HTTP status, or null when no answer came (timeout, refused connection). */
  readonly httpStatus: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

/** What an attempt did to its row. */
export type AttemptOutcome =
  | { readonly kind: 'delivered'; readonly at: string }
  | { readonly kind: 'retry'; readonly nextAttemptAt: string; readonly error: string }
  | { readonly kind: 'dead'; readonly at: string; readonly error: string };

/**
 * The outbox store, implemented by `storage/`. Rows are written by the engine's batch commit
 * (`EngineBatch.actions`), in the transaction that moves the watermark; the dispatcher reads
 * and updates them here.
 */
export interface OutboxRepository {
  /**
   * Leases up to `limit` pending rows of `endpoint` due at `nowIso` (oldest first) until
   * `leaseUntilIso`, so another dispatcher (or this one after a restart) leaves them alone
   * until the lease lapses. A row whose lease lapsed without an outcome (a crash mid-send) is
   * due again: sending is at least once.
   */
  claimDue(endpoint: string, nowIso: string, leaseUntilIso: string, limit: number): Promise<OutboxAction[]>;
  /** Records the attempt and its outcome on the row (and releases the lease), in one transaction. */
  recordAttempt(attempt: Omit<DeliveryAttempt, 'seq'>, outcome: AttemptOutcome): Promise<void>;
  /** Rows by id descending, optionally of one case or one status, at most `limit`. */
  list(filter: {
    readonly caseId?: number;
    readonly status?: OutboxStatus;
    readonly limit: number;
  }): Promise<OutboxAction[]>;
  attempts(outboxId: number): Promise<DeliveryAttempt[]>;
  /**
   * Rows in `status` per endpoint: `pending` is the queue depth, `dead` the actions given up on
   * (one grouped count over the status index, so cheap enough for every metrics scrape).
   */
  countsByEndpoint(status: 'pending' | 'dead'): Promise<Map<string, number>>;
  /**
   * The `stream` rows of an SSE endpoint after the row `afterId`, at most `limit`, in commit
   * order: what a subscriber resuming from `Last-Event-ID: <afterId>` has not seen. A row is
   * only handed out once no transaction still running can commit a row before it, so a cursor
   * never passes over a row that commits later (on PostgreSQL ids are not commit order; on
   * SQLite they are).
   */
  streamAfter(endpoint: string, afterId: number, limit: number): Promise<OutboxAction[]>;
  /** The id of the newest row (0 when none): where a subscriber that asks for no history starts. */
  lastId(): Promise<number>;
}
