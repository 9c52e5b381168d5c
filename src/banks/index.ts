/**
 * Banks: named hash lists with provenance, thresholds and negative banks; validation and change
 * notification. The module owns the bank model (`BankRecord`, `ContentRecord`…) and the
 * `BankRepository` contract that `storage/` implements.
 */

export type { BankChange, BankChangeFeed } from './bank-change-feed.js';
export type {
  BankPatch,
  BankRecord,
  BatchAddResult,
  ContentPatch,
  ContentProvenance,
  ContentRecord,
  ContentUpstream,
  NewBank,
  NewContent,
  StoredSignal,
} from './bank-records.js';
export type { BankRepository } from './bank-repository.js';
export {
  checkBankName,
  checkDisableUntil,
  checkEnabledRatio,
  checkNote,
  checkPdqThreshold,
  isContentEnabled,
  maximumNoteLength,
} from './bank-rules.js';
export { type BankChangeListener, BankService, type ContentInput, checkContent } from './bank-service.js';
export {
  exportHashList,
  type ImportOptions,
  type ImportReport,
  importHashList,
  keptRejections,
} from './hash-list-transfer.js';
export {
  largestShownSignalLength,
  type SignalSummary,
  type SummarisedSignals,
  summariseSignals,
} from './signal-summary.js';
