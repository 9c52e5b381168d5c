/** Audit: the append-only, hash-chained log of every action and every read of case material. */
export {
  type AuditAction,
  AuditLog,
  type AuditVerification,
  canonicalJson,
  entryHash,
  genesisHash,
} from './audit-log.js';
