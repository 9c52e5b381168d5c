/** Evidence preservation: opt-in, encrypted, access-logged, time-limited media storage. */
export {
  type EvidenceAuditAction,
  type EvidenceRecord,
  EvidenceVault,
  type EvidenceVaultOptions,
  evidenceKeyFromEnvironment,
} from './evidence-vault.js';
