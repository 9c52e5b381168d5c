/** Evidence preservation: opt-in, envelope-encrypted, access-logged, time-limited media storage with legal holds. */
export {
  type EvidenceAuditAction,
  type EvidenceListing,
  type EvidenceMedia,
  type EvidenceRecord,
  type EvidenceRetention,
  EvidenceVault,
  type EvidenceVaultOptions,
  type KeyRotation,
} from './evidence-vault.js';
export {
  defaultKeyId,
  type EvidenceKeyRing,
  evidenceKeyFromEnvironment,
  evidenceKeyRingFromEnvironment,
  parseEvidenceKeyRing,
} from './key-ring.js';
export type { EvidenceHold } from './legal-holds.js';
export { minimumPreservationDays, preservationRetainUntil } from './preservation-period.js';
