import type { LedgerEntry, SubmissionPlan, SubmissionRecord } from '../submissions/index.js';

/**
 * What the review service needs of the submissions module: the CyberTipline submitter (one
 * report per case decision, crash-safe) and the "reported to" ledger. The composition root hands
 * in a `CybertipSubmitter` and its `ReportLedger`; absent, the console says submission is not
 * configured.
 */
export interface ReviewSubmissions {
  /** Submits a plan (a second call with the same idempotency key returns the first record). */
  submit(plan: SubmissionPlan): Promise<SubmissionRecord>;
  /** The case's CyberTipline submissions, newest first. */
  submissionsOf(caseId: number): Promise<SubmissionRecord[]>;
  /** Where the case's reports went (every destination), oldest first. */
  ledger(caseId: number): Promise<LedgerEntry[]>;
  /** Adds a ledger line for a report filed outside Prevail (an FIU's goAML web portal, BSA E-Filing). */
  recordFiling(entry: LedgerEntry): Promise<void>;
}
