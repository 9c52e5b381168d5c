import type { ActionMode } from './action-model.js';
import type { OutboxRepository, OutboxStatus } from './outbox-record.js';

/** One delivery attempt as a reviewer sees it. */
export interface CaseActionAttempt {
  readonly seq: number;
  readonly at: string;
  /** The HTTP status of a webhook's answer; null for NATS and for no answer (timeout, refused). */
  readonly httpStatus: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

/**
 * One action of a case as a reviewer sees it: what, where, its delivery state and attempts.
 * Never the body or the payload (they may carry what the platform needs, not the reviewer),
 * never a secret or key.
 */
export interface CaseAction {
  readonly id: number;
  readonly action: string;
  readonly kind: string;
  readonly mode: ActionMode;
  readonly endpoint: string;
  readonly status: OutboxStatus;
  /** What triggered it: `rule:<id>`, `decision:<name>` or `typology:<name>`. */
  readonly trigger: string;
  readonly createdAt: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  /** The newest attempts, oldest first (at most `maxAttemptsShown`). */
  readonly attemptLog: CaseActionAttempt[];
}

/** Rows shown per case, and attempts per row. */
const maxActionsShown = 100;
const maxAttemptsShown = 20;

/**
 * A case's actions, newest first (at most 100), each with its newest 20 attempts. Reads only:
 * the caller checks who may see the case and audits the read.
 */
export async function caseActions(repository: OutboxRepository, caseId: number): Promise<CaseAction[]> {
  const rows = await repository.list({ caseId, limit: maxActionsShown });
  return Promise.all(
    rows.map(async (row) => {
      const attempts = row.attempts === 0 ? [] : await repository.attempts(row.id);
      return {
        id: row.id,
        action: row.action,
        kind: row.kind,
        mode: row.mode,
        endpoint: row.endpoint,
        status: row.status,
        trigger: triggerOf(row.bodyJson, row.ruleId),
        createdAt: row.createdAt,
        attempts: row.attempts,
        lastError: row.lastError,
        nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
        deliveredAt: row.deliveredAt,
        attemptLog: attempts.slice(-maxAttemptsShown).map((attempt) => ({
          seq: attempt.seq,
          at: attempt.at,
          httpStatus: attempt.httpStatus,
          latencyMs: attempt.latencyMs,
          error: attempt.error,
        })),
      };
    }),
  );
}

/** `rule:<id>`, `decision:<name>` or `typology:<name>`, read from the stored body's fields. */
function triggerOf(bodyJson: string, ruleId: string | null): string {
  if (ruleId !== null) return `rule:${ruleId}`;
  const body = JSON.parse(bodyJson) as { decision?: unknown; typology?: unknown };
  if (typeof body.decision === 'string') return `decision:${body.decision}`;
  return typeof body.typology === 'string' ? `typology:${body.typology}` : 'unknown';
}
