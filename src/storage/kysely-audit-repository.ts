import type { Kysely } from 'kysely';
import type { AuditEntry, AuditRepository, StoredAuditRow } from '../audit/index.js';
import type { EngineDatabase } from './engine-tables.js';

type AuditRow = EngineDatabase['audit_log'];

/** The row as stored; nothing is parsed here, so a tampered row cannot throw (the audit module checks it). */
function toStoredRow(row: AuditRow): StoredAuditRow {
  return {
    seq: Number(row.seq),
    time: row.time,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    reason: row.reason,
    detailJson: row.detail_json,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

/**
 * The audit log's rows. The table is written only by `append` (there is no update or delete
 * here); the chain itself is computed and verified by the `audit` module.
 */
export class KyselyAuditRepository implements AuditRepository {
  constructor(private readonly db: Kysely<EngineDatabase>) {}

  async last(): Promise<{ seq: number; hash: unknown } | undefined> {
    const row = await this.db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : { seq: Number(row.seq), hash: row.hash };
  }

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db
      .insertInto('audit_log')
      .values(
        entries.map((entry) => ({
          seq: entry.seq,
          time: entry.time,
          actor: entry.actor,
          action: entry.action,
          subject: entry.subject,
          reason: entry.reason,
          detail_json: JSON.stringify(entry.detail ?? null),
          previous_hash: entry.previousHash,
          hash: entry.hash,
        })),
      )
      .execute();
  }

  async page(afterSeq: number, limit: number): Promise<StoredAuditRow[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toStoredRow);
  }
}
