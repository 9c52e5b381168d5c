/**
 * The audit chain as stored. The audit module owns the entry and the contract (it computes every
 * hash and checks every stored row); `storage/` implements the repository over SQLite and
 * PostgreSQL.
 */

/** One audit entry, hash-chained to the one before it. */
export interface AuditEntry {
  readonly seq: number;
  readonly time: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly reason: string;
  readonly detail: unknown;
  readonly previousHash: string;
  readonly hash: string;
}

/**
 * An audit row exactly as stored, not yet trusted: someone with access to the database may have
 * written anything into it (text where JSON belongs, a NULL, a number), so every field but `seq`
 * is `unknown` and the `audit` module checks each one, naming the row by its seq when one is
 * malformed. `detailJson` is the stored JSON text, unparsed.
 */
export interface StoredAuditRow {
  readonly seq: number;
  readonly time: unknown;
  readonly actor: unknown;
  readonly action: unknown;
  readonly subject: unknown;
  readonly reason: unknown;
  readonly detailJson: unknown;
  readonly previousHash: unknown;
  readonly hash: unknown;
}

/** Where the audit chain is kept. */
export interface AuditRepository {
  /** The newest row's seq and hash (for chaining and the head), or undefined when the log is empty. */
  last(): Promise<{ readonly seq: number; readonly hash: unknown } | undefined>;
  /** Appends entries already chained by the caller (seq and hashes computed). */
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** Rows after `afterSeq` in seq order, at most `limit` (streamed in pages by the verifier). */
  page(afterSeq: number, limit: number): Promise<StoredAuditRow[]>;
}
