import type { Generated } from 'kysely';
import type { BankContentsTable, BanksTable, BankTombstonesTable, ContentSignalsTable } from './tables.js';

/**
 * The exchange tables (migration `0017_exchanges`) with the bank tables a page commit writes and
 * the case timeline the feedback job reads decisions from.
 * Times are ISO-8601 UTC text; JSON values are text; flags are integers 0/1 in both dialects.
 */
export type ExchangeDatabase = {
  exchanges: ExchangesTable;
  exchange_status: ExchangeStatusTable;
  exchange_leases: ExchangeLeasesTable;
  exchange_credentials: ExchangeCredentialsTable;
  exchange_feedback: ExchangeFeedbackTable;
  exchange_feedback_decisions: ExchangeFeedbackDecisionsTable;
  exchange_feedback_cursor: ExchangeFeedbackCursorTable;
  case_timeline: CaseTimelineReadTable;
  banks: BanksTable;
  bank_contents: BankContentsTable;
  content_signals: ContentSignalsTable;
  bank_tombstones: BankTombstonesTable;
};

export type ExchangesTable = {
  id: Generated<number>;
  name: string;
  kind: string;
  bank_id: number;
  config_json: string;
  enabled: number;
  interval_seconds: number;
  created_at: string;
  updated_at: string;
};

export type ExchangeStatusTable = {
  exchange_id: number;
  checkpoint_json: string | null;
  checkpoint_at: string | null;
  progress_ts: number | null;
  fetch_started_at: string | null;
  fetch_ended_at: string | null;
  last_succeeded: number | null;
  up_to_date: Generated<number>;
  last_error_code: string | null;
  last_error_message: string | null;
  consecutive_failures: Generated<number>;
  last_fetch_upserts: Generated<number>;
  last_fetch_removals: Generated<number>;
  last_fetch_skipped: Generated<number>;
  pages_committed: Generated<number>;
};

/** The fetch lease: `owner` holds it until `expires_at` (both null: free). */
export type ExchangeLeasesTable = {
  exchange_id: number;
  owner: string | null;
  expires_at: string | null;
};

export type ExchangeCredentialsTable = {
  scope: string;
  sealed_json: string;
  key_id: string;
  updated_at: string;
};

/** A feedback request (migration `0019_exchange_feedback`); `status` is pending, sent or failed. */
export type ExchangeFeedbackTable = {
  id: Generated<number>;
  exchange_id: number;
  upstream_key: string;
  signal_type: string;
  verdict: string;
  case_id: number | null;
  actor: string;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error_code: string | null;
  created_at: string;
  settled_at: string | null;
  /** Migration `0022_decision_feedback`: unique; null on rows queued before it. */
  once_key: string | null;
  upstream_reason: string | null;
};

/** A decision entry the feedback job has read (migration `0022_decision_feedback`). */
export type ExchangeFeedbackDecisionsTable = {
  case_id: number;
  ref: string;
  entry_time: string;
  requests: number;
  read_at: string;
};

/** How far the feedback job has read decision entries (one row, `decisions`). */
export type ExchangeFeedbackCursorTable = {
  name: string;
  entry_time: string;
  updated_at: string;
};

/** The case timeline, which the feedback job reads (never writes) for decision entries. */
export type CaseTimelineReadTable = {
  case_id: number;
  ref: string;
  kind: string;
  time: string;
  summary: string;
  detail_json: string;
};
