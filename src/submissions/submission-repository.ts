import type {
  ExchangeAnswer,
  LedgerEntry,
  NewSubmission,
  SubmissionExchange,
  SubmissionFilePatch,
  SubmissionPatch,
  SubmissionRecord,
} from './submission-records.js';

/**
 * Where submissions, their exchanges and the report ledger are kept. `storage/` implements it on
 * SQLite and PostgreSQL; the submitter decides every value, the repository only stores.
 *
 * The lease (`leaseUntil`) is how one submission is worked on by one process at a time: a
 * submitter claims it (`claim`) and renews the lease with every step it writes; another process
 * takes it over only once the lease has run out (its holder crashed or hangs).
 */
export interface SubmissionRepository {
  /**
   * Stores a new submission (status `created`) with its files, leased until `leaseUntil`, unless
   * one with the same idempotency key exists: then nothing is written and `created` is false.
   */
  createSubmission(
    submission: NewSubmission,
    leaseUntil: string,
  ): Promise<{ readonly record: SubmissionRecord; readonly created: boolean }>;
  findSubmission(id: number): Promise<SubmissionRecord | undefined>;
  findByIdempotencyKey(key: string): Promise<SubmissionRecord | undefined>;
  /** The case's submissions, oldest first. */
  submissionsOfCase(caseId: number): Promise<SubmissionRecord[]>;
  /**
   * Ids of the submissions with work left whose lease is free at `now` (none or run out; any
   * lease with `ignoreLeases`) and that wait for no retry later than `now`: unfinished ones
   * (`created`, `submitted`) and finished ones whose receipt is not yet delivered. Oldest first,
   * at most `limit`.
   */
  workable(now: string, limit: number, ignoreLeases?: boolean): Promise<number[]>;
  /**
   * Takes the lease of a submission whose lease is free at `now` (none or run out; any lease
   * with `takeOver`): true when this caller got it, false when another holds it.
   */
  claim(id: number, now: string, leaseUntil: string, takeOver?: boolean): Promise<boolean>;
  /** Applies `patch` to the submission and sets its lease (null: released). */
  updateSubmission(id: number, patch: SubmissionPatch, leaseUntil: string | null): Promise<void>;
  updateFile(id: number, position: number, patch: SubmissionFilePatch): Promise<void>;
  /** Appends an exchange (its seq is the next of the submission's) and returns its seq. */
  addExchange(exchange: Omit<SubmissionExchange, 'seq' | keyof ExchangeAnswer>): Promise<number>;
  answerExchange(submissionId: number, seq: number, answer: ExchangeAnswer): Promise<void>;
  /** The submission's exchanges in order. */
  exchanges(submissionId: number): Promise<SubmissionExchange[]>;
  addLedgerEntry(entry: LedgerEntry): Promise<void>;
  /** Where the case's reports went, oldest first. */
  ledger(caseId: number): Promise<LedgerEntry[]>;
}
