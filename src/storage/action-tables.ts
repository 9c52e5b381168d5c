import type { Generated } from 'kysely';

/** The action outbox tables (migration `0016_action_outbox`). Times are ISO-8601 UTC text. */
export type ActionDatabase = {
  action_outbox: ActionOutboxTable;
  action_attempts: ActionAttemptsTable;
};

/** One action for one endpoint; `lease_until` is the lease of the dispatcher sending it. */
export type ActionOutboxTable = {
  id: Generated<number>;
  idempotency_key: string;
  endpoint: string;
  action: string;
  kind: string;
  mode: string;
  status: string;
  body_json: string;
  event_id: string;
  rule_id: string | null;
  subject: string | null;
  case_id: number | null;
  created_at: string;
  committed_at: string;
  attempts: number;
  next_attempt_at: string | null;
  lease_until: string | null;
  delivered_at: string | null;
  last_error: string | null;
};

/** One delivery attempt of an outbox row. */
export type ActionAttemptsTable = {
  outbox_id: number;
  seq: number;
  at: string;
  http_status: number | null;
  latency_ms: number;
  error: string | null;
};
