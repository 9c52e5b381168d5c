/**
 * Storage: banks, bank content, signals and API keys in SQLite (embedded default) or
 * PostgreSQL, behind the repository interfaces. This is the module's only public door: other
 * modules import from here, never from the files behind it, and never see SQL or rows.
 */

export type {
  AppendOutcome,
  AuditEntry,
  AuditRepository,
  CaseFilter,
  CasePatch,
  CasePriority,
  CaseRecord,
  CaseRepository,
  CaseStatus,
  CaseTimelineEntry,
  CaseUpdate,
  DeadLetter,
  EngineBatch,
  EngineState,
  EngineStore,
  EventLogRepository,
  LabelRecord,
  LegalHold,
  LinkNeighbour,
  LinkObservation,
  LinkRecord,
  LoggedEvent,
  RuleHitRecord,
  RuleHitStats,
  StoredAuditRow,
  TypologyContribution,
} from './engine-repositories.js';
export { storageMigrations } from './migrations/index.js';
export { openStorage } from './open-storage.js';
export type {
  ApiKeyRecord,
  ApiScope,
  BankRecord,
  ContentProvenance,
  ContentRecord,
  NewContent,
  StoredSignal,
} from './records.js';
export type {
  ApiKeyRepository,
  BankPatch,
  BankRepository,
  BatchAddResult,
  ContentPatch,
  Storage,
} from './repositories.js';
export {
  resolveStorageTarget,
  type StorageOptions,
  type StorageTarget,
  sqliteFileName,
} from './storage-target.js';
