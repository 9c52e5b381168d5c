import type { Kysely } from 'kysely';
import type { AuditEntry, AuditRepository } from './engine-repositories.js';
import type { EngineDatabase } from './engine-tables.js';

type AuditRow = EngineDatabase['audit_log'];

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    time: row.time,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    reason: row.reason,
    detail: JSON.parse(row.detail_json) as unknown,
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

  async last(): Promise<AuditEntry | undefined> {
    const row = await this.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return row === undefined ? undefined : toEntry(row);
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

  async page(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toEntry);
  }
}
