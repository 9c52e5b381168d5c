/**
 * The records of a CyberTipline submission as the submitter keeps them, step by step. The
 * submitter owns them; `storage/` stores them through the `SubmissionRepository` contract and
 * decides nothing.
 *
 * Times are ISO-8601 UTC text with milliseconds (they sort as text).
 */

/** Where a file's bytes come from at the moment of reporting: the evidence vault or the platform's URL. */
export type SubmissionFileSource = { readonly evidenceId: string } | { readonly url: string };

/** One file to report: its name as uploaded, where its bytes come from, and its details for `<fileDetails>`. */
export interface SubmissionPlanFile {
  /** The file name sent with the upload (no path). */
  readonly name: string;
  readonly source: SubmissionFileSource;
  /**
   * Whatever the report builder needs to write this file's `<fileDetails>` once NCMEC gave the
   * report and file ids; JSON-serialisable (it is stored, so a resumed submission renders the same).
   */
  readonly details: unknown;
}

/**
 * Everything one report needs, built before the first call: `prevail reports submit <case>` and
 * the console build it from a decided case and hand it to `CybertipSubmitter.submit`.
 */
export interface SubmissionPlan {
  /**
   * One key per case decision (e.g. `case:42:decision:7`): a second `submit` with the same key
   * returns the first submission's record and sends nothing.
   */
  readonly idempotencyKey: string;
  readonly caseId: number;
  /** The `<report>` document, sent to `/submit` as it is. */
  readonly reportXml: string;
  readonly files: readonly SubmissionPlanFile[];
  /**
   * True for a deliberate further report on a case already reported to NCMEC; without it the
   * submitter refuses a case the ledger shows as reported (`CASE_ALREADY_REPORTED`).
   */
  readonly supplemental?: boolean;
  /** Who asked for the report, for the audit log (default `system:submitter`). */
  readonly actor?: string;
}

/**
 * Where a submission stands. `created` (nothing acknowledged yet) → `submitted` (NCMEC gave a
 * report id; files upload one by one) → `finished` (final, received) | `retracted` (given up
 * after the report was opened) | `failed` (given up before NCMEC opened a report, or its
 * retraction failed too). The last three are final.
 */
export type SubmissionStatus = 'created' | 'submitted' | 'finished' | 'retracted' | 'failed';

/** Where one file stands: nothing sent yet, uploaded (NCMEC gave a file id), or described (`/fileinfo` accepted). */
export type SubmissionFileStep = 'pending' | 'uploaded' | 'described';

/** One file of a submission as stored. */
export interface SubmissionFileRecord {
  /** Position in the plan, from 0: files are sent in this order. */
  readonly position: number;
  readonly name: string;
  readonly source: SubmissionFileSource;
  readonly details: unknown;
  readonly step: SubmissionFileStep;
  readonly fileId?: string;
  /** Size and SHA-256 of the bytes uploaded, as read at upload time. */
  readonly size?: number;
  readonly sha256?: string;
  /** The hash NCMEC answered with (`<hash>` of the upload response). */
  readonly remoteHash?: string;
}

/** Why a submission is waiting or gave up: the last failed call, as NCMEC (or the network) answered it. */
export interface SubmissionError {
  readonly endpoint: string;
  /** `transient` (worth retrying) or `permanent` (retrying cannot help). */
  readonly kind: 'transient' | 'permanent';
  readonly responseCode?: number;
  readonly httpStatus?: number;
  /** NCMEC's `responseDescription`, or what went wrong on the way (timeout, refused connection). */
  readonly text: string;
}

/** One submission: one report to NCMEC for one idempotency key. */
export interface SubmissionRecord {
  readonly id: number;
  readonly idempotencyKey: string;
  readonly caseId: number;
  readonly destination: 'ncmec';
  readonly supplemental: boolean;
  readonly actor: string;
  readonly status: SubmissionStatus;
  readonly reportXml: string;
  /** NCMEC's report id, once `/submit` answered with one. */
  readonly reportId?: string;
  readonly files: readonly SubmissionFileRecord[];
  /** Attempts started so far (the first run counts as one). */
  readonly attempts: number;
  /** When the next attempt is due, while a transient failure waits for its retry. */
  readonly nextAttemptAt?: string;
  readonly lastError?: SubmissionError;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When NCMEC accepted `/finish` (the receipt that starts the one-year preservation). */
  readonly finishedAt?: string;
  /** When `onReceipt` completed for a finished submission (unset: still to deliver). */
  readonly receiptDeliveredAt?: string;
}

/** A new submission as the submitter creates it (status `created`, no step done). */
export interface NewSubmission {
  readonly idempotencyKey: string;
  readonly caseId: number;
  readonly supplemental: boolean;
  readonly actor: string;
  readonly reportXml: string;
  readonly files: readonly Pick<SubmissionFileRecord, 'position' | 'name' | 'source' | 'details'>[];
  readonly createdAt: string;
}

/**
 * A change to a submission's own row, written together with the lease renewal. `null` clears a
 * field (`nextAttemptAt: null` once a retry starts).
 */
export interface SubmissionPatch {
  readonly status?: SubmissionStatus;
  readonly reportId?: string;
  readonly attempts?: number;
  readonly nextAttemptAt?: string | null;
  readonly lastError?: SubmissionError | null;
  readonly finishedAt?: string;
  readonly receiptDeliveredAt?: string;
  readonly updatedAt: string;
}

/** A change to one file of a submission. */
export interface SubmissionFilePatch {
  readonly step: SubmissionFileStep;
  readonly fileId?: string;
  readonly size?: number;
  readonly sha256?: string;
  readonly remoteHash?: string;
}

/**
 * One call to the CyberTipline and its answer, kept with the submission. The request is what
 * was sent without credentials: the XML text for `/submit` and `/fileinfo`; for `/upload` the
 * report id, file name, size and SHA-256 (never the bytes); for `/finish` and `/retract` the
 * report id.
 */
export interface SubmissionExchange {
  readonly submissionId: number;
  /** Order within the submission, from 1. */
  readonly seq: number;
  readonly endpoint: string;
  readonly method: 'GET' | 'POST';
  readonly requestBody: string;
  readonly sentAt: string;
  /** Unset while unanswered (a crash or a hang leaves it so). */
  readonly answeredAt?: string;
  readonly httpStatus?: number;
  readonly responseBody?: string;
  readonly responseCode?: number;
  /** What went wrong without an answer (timeout, connection refused). */
  readonly error?: string;
}

/** The answer half of an exchange, written when it arrives. */
export interface ExchangeAnswer {
  readonly answeredAt: string;
  readonly httpStatus?: number;
  readonly responseBody?: string;
  readonly responseCode?: number;
  readonly error?: string;
}

/**
 * One line of the "reported to" ledger: where a case's report went. `destination` is `ncmec`,
 * `goaml`, `fincen` or another authority's name (e.g. `uk-nca` later); `externalId` is the id the
 * destination gave (NCMEC's report id), `status` what became of it (`finished` for NCMEC).
 */
export interface LedgerEntry {
  readonly caseId: number;
  readonly destination: 'ncmec' | 'goaml' | 'fincen' | (string & {});
  readonly externalId: string;
  readonly status: string;
  readonly at: string;
}
