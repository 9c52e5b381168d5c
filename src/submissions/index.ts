/**
 * Submissions: sending reports to the authorities that receive them, and remembering where each
 * case's reports went. Today NCMEC's CyberTipline: its HTTP client (`CybertipClient`), the
 * submitter that makes each case decision one finished report across crashes and retries
 * (`CybertipSubmitter`), and the "reported to" ledger (`ReportLedger`). The module owns its
 * records and the `SubmissionRepository` contract that `storage/` implements; it builds no
 * report (the report builders hand it the XML) and knows no transport of Prevail's own.
 */

export {
  type CybertipCall,
  type CybertipEndpoint,
  type CybertipUploadFile,
  fileInfoCall,
  finishCall,
  retractCall,
  statusCall,
  submitCall,
  type UploadDigest,
  uploadCall,
} from './cybertip-call.js';
export {
  CybertipClient,
  type CybertipClientOptions,
  type CybertipEnvironment,
  type CybertipOutcome,
  cybertipBaseUrls,
} from './cybertip-client.js';
export {
  type CybertipResponse,
  classifyResponseCode,
  cybertipResponseCodes,
  parseCybertipResponse,
} from './cybertip-response.js';
export {
  CybertipSubmitter,
  type CybertipSubmitterOptions,
  type SubmissionAuditAction,
} from './cybertip-submitter.js';
export { ReportLedger } from './report-ledger.js';
export { defaultRetryPolicy, nextAttemptAt, type RetryPolicy } from './retry-policy.js';
export type {
  ExchangeAnswer,
  LedgerEntry,
  NewSubmission,
  SubmissionError,
  SubmissionExchange,
  SubmissionFilePatch,
  SubmissionFileRecord,
  SubmissionFileSource,
  SubmissionFileStep,
  SubmissionPatch,
  SubmissionPlan,
  SubmissionPlanFile,
  SubmissionRecord,
  SubmissionStatus,
} from './submission-records.js';
export type { SubmissionRepository } from './submission-repository.js';
