/** Banks: named hash lists with provenance, thresholds and negative banks; validation and change notification. */
export {
  checkBankName,
  checkDisableUntil,
  checkEnabledRatio,
  checkNote,
  checkPdqThreshold,
  isContentEnabled,
  maximumNoteLength,
} from './bank-rules.js';
export { type BankChangeListener, BankService, type ContentInput, checkContent, type NewBank } from './bank-service.js';
export {
  exportHashList,
  type ImportOptions,
  type ImportReport,
  importHashList,
  keptRejections,
} from './hash-list-transfer.js';
