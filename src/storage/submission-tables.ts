import type { Generated, SqlBool } from 'kysely';

/**
 * The submission tables (migration `0015_submissions`), typed apart so that the submission
 * repository sees only its own. Times are ISO-8601 UTC text; JSON values are text.
 */
export type SubmissionDatabase = {
  submissions: SubmissionsTable;
  submission_files: SubmissionFilesTable;
  submission_exchanges: SubmissionExchangesTable;
  report_ledger: ReportLedgerTable;
};

/** One report to an outside authority; `lease_until` is the lease of the process working on it. */
export type SubmissionsTable = {
  id: Generated<number>;
  idempotency_key: string;
  case_id: number;
  destination: string;
  supplemental: SqlBool;
  actor: string;
  status: string;
  report_xml: string;
  report_id: string | null;
  attempts: number;
  next_attempt_at: string | null;
  last_error_json: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  receipt_delivered_at: string | null;
  lease_until: string | null;
};

/** One file of a submission, by its position in the plan. */
export type SubmissionFilesTable = {
  submission_id: number;
  position: number;
  name: string;
  source_json: string;
  details_json: string;
  step: string;
  file_id: string | null;
  size: number | null;
  sha256: string | null;
  remote_hash: string | null;
};

/** One request and its answer (unanswered: the answer columns are null). */
export type SubmissionExchangesTable = {
  submission_id: number;
  seq: number;
  endpoint: string;
  method: string;
  request_body: string;
  sent_at: string;
  answered_at: string | null;
  http_status: number | null;
  response_body: string | null;
  response_code: number | null;
  error: string | null;
};

/** One line of the "reported to" ledger. */
export type ReportLedgerTable = {
  id: Generated<number>;
  case_id: number;
  destination: string;
  external_id: string;
  status: string;
  at: string;
};
