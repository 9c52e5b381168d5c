import { hashPattern } from './audit-head.js';
import type { AuditEntry, StoredAuditRow } from './audit-repository.js';

/** A stored row read back: the entry, or why it is malformed. */
export type ParsedRow =
  | { readonly ok: true; readonly entry: AuditEntry }
  | { readonly ok: false; readonly reason: string };

const textFields = ['time', 'actor', 'action', 'subject', 'reason'] as const;

/**
 * Checks a stored row field by field (text where text belongs, 64-hex hashes, JSON detail), so
 * that a row someone wrote by hand is reported by its seq, never as a parse exception.
 */
export function parseStoredRow(row: StoredAuditRow): ParsedRow {
  for (const field of textFields) {
    if (typeof row[field] !== 'string') return { ok: false, reason: `its ${field} is missing or not text` };
  }
  if (typeof row.previousHash !== 'string' || !hashPattern.test(row.previousHash))
    return { ok: false, reason: 'its previous_hash is not 64 lowercase hex digits' };
  if (typeof row.hash !== 'string' || !hashPattern.test(row.hash))
    return { ok: false, reason: 'its hash is not 64 lowercase hex digits' };
  if (typeof row.detailJson !== 'string') return { ok: false, reason: 'its detail_json is missing or not text' };
  let detail: unknown;
  try {
    detail = JSON.parse(row.detailJson);
  } catch {
    return { ok: false, reason: 'its detail_json is not valid JSON' };
  }
  return {
    ok: true,
    entry: {
      seq: row.seq,
      time: row.time as string,
      actor: row.actor as string,
      action: row.action as string,
      subject: row.subject as string,
      reason: row.reason as string,
      detail,
      previousHash: row.previousHash,
      hash: row.hash,
    },
  };
}
