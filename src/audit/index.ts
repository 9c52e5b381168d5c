/**
 * Audit: the append-only, hash-chained log of every action and every read of case material. The
 * module owns the entry and the `AuditRepository` contract that `storage/` implements.
 */

export {
  type AuditCheckpoint,
  type AuditCheckpointSettings,
  auditKeyId,
  auditSigningKeyVariable,
  checkpointFileName,
  checkpointFormat,
  generateAuditSigningKeys,
  openAuditCheckpoint,
  parseAuditPublicKey,
  parseAuditSigningKey,
  signAuditCheckpoint,
  writeAuditCheckpoint,
} from './audit-checkpoint.js';
export { type AuditAnchor, type AuditHead, hashPattern, parseAuditHead } from './audit-head.js';
export {
  type AuditAction,
  AuditLog,
  type AuditVerification,
  entryHash,
  genesisHash,
} from './audit-log.js';
export { checkReason, maxReasonLength } from './audit-reason.js';
export type { AuditEntry, AuditRepository, StoredAuditRow } from './audit-repository.js';
export { canonicalJson } from './canonical-json.js';
