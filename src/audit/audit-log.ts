import { createHash } from 'node:crypto';
import { EngineError } from '../core/index.js';
import { type AuditAnchor, type AuditHead, hashPattern } from './audit-head.js';
import { checkReason } from './audit-reason.js';
import type { AuditEntry, AuditRepository } from './audit-repository.js';
import { canonicalJson } from './canonical-json.js';
import { parseStoredRow } from './stored-entry.js';

/** What someone did: who, what, to what, and why. */
export interface AuditAction {
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly reason: string;
  readonly detail?: unknown;
}

/** The outcome of verifying the chain. */
export interface AuditVerification {
  readonly ok: boolean;
  /** Entries that checked out before the first problem (all of them when `ok`). */
  readonly entries: number;
  /** How many anchors (heads, checkpoints) were checked, when any were given. */
  readonly anchors?: number;
  /** The first entry that does not check out, and why. */
  readonly problem?: { readonly seq: number; readonly reason: string };
}

/** The hash before the first entry. */
export const genesisHash = '0'.repeat(64);

/** The hash of an entry: SHA-256 over the previous hash and the entry's canonical content. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const content = canonicalJson({
    seq: entry.seq,
    time: entry.time,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    reason: entry.reason,
    detail: entry.detail ?? null,
  });
  return createHash('sha256').update(`${entry.previousHash}\n${content}`).digest('hex');
}

/** A verification that failed at `seq`. */
function broken(entries: number, seq: number, reason: string, anchors: number | undefined): AuditVerification {
  return { ok: false, entries, ...(anchors === undefined ? {} : { anchors }), problem: { seq, reason } };
}

/**
 * The append-only, hash-chained audit log of every action and every read of case material.
 * Each entry's hash covers the previous entry's hash, so editing, removing or reordering any
 * entry breaks every hash after it; `verify` finds the first break. Removing entries from the
 * end (or all of them) leaves a shorter chain that still links up, so that is caught only
 * against an anchor kept outside the database: a head (`head()`) or a signed checkpoint.
 *
 * Appends are serialised in this process (one writer); the chain's tail is read from the store
 * so that a restart continues it. `record` is the one choke point for reasons: an action whose
 * reason is not non-blank text is refused before anything is written.
 */
export class AuditLog {
  readonly #repository: AuditRepository;
  readonly #now: () => Date;
  #tail: Promise<void> = Promise.resolve();

  constructor(repository: AuditRepository, now: () => Date = () => new Date()) {
    this.#repository = repository;
    this.#now = now;
  }

  /**
   * Appends actions in order; resolves to the stored entries.
   *
   * @throws EngineError `REASON_REQUIRED` (nothing is appended) when any action's reason is not
   *   non-blank text (see `checkReason`).
   */
  record(...actions: AuditAction[]): Promise<AuditEntry[]> {
    try {
      for (const action of actions) checkReason(action.reason);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.#tail.then(async () => {
      const last = await this.#repository.last();
      let previousHash = typeof last?.hash === 'string' ? last.hash : genesisHash;
      let seq = last?.seq ?? 0;
      const entries: AuditEntry[] = [];
      for (const action of actions) {
        seq++;
        const base = {
          seq,
          time: this.#now().toISOString(),
          actor: action.actor,
          action: action.action,
          subject: action.subject,
          reason: action.reason,
          detail: action.detail ?? null,
          previousHash,
        };
        const hash = entryHash(base);
        entries.push({ ...base, hash });
        previousHash = hash;
      }
      await this.#repository.append(entries);
      return entries;
    });
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * The last entry's seq and hash, after every append already started (`{seq: 0, hash:
   * genesisHash}` for an empty log). Keep it outside the database; `verify([head])` later
   * fails if the log no longer holds that entry with that hash.
   *
   * @throws EngineError `AUDIT_CHAIN_BROKEN` when the last entry's seq or hash is malformed.
   */
  async head(): Promise<AuditHead> {
    await this.#tail;
    const last = await this.#repository.last();
    if (last === undefined) return { seq: 0, hash: genesisHash };
    if (!Number.isSafeInteger(last.seq) || last.seq < 1)
      throw new EngineError('AUDIT_CHAIN_BROKEN', 'the last audit entry has a malformed seq');
    if (typeof last.hash !== 'string' || !hashPattern.test(last.hash))
      throw new EngineError('AUDIT_CHAIN_BROKEN', `entry ${last.seq} is malformed: its hash is not 64 hex digits`);
    return { seq: last.seq, hash: last.hash };
  }

  /**
   * The newest `limit` entries (1–1,000), oldest first: one page read from the newest sequence
   * number back, since the log is appended with consecutive numbers and never loses an entry.
   *
   * @throws EngineError `REQUEST_INVALID` for a limit out of range; `AUDIT_CHAIN_BROKEN` for a
   *   malformed stored entry.
   */
  async newest(limit: number): Promise<AuditEntry[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
      throw new EngineError('REQUEST_INVALID', 'limit must be a whole number from 1 to 1000');
    await this.#tail;
    const last = await this.#repository.last();
    return this.entries(Math.max(0, (last?.seq ?? 0) - limit), limit);
  }

  /**
   * Entries after `afterSeq`, in seq order, at most `limit` (1–1000): what an auditor pages
   * through. Reads only; `verify` checks the chain.
   *
   * @throws EngineError `REQUEST_INVALID` for a bad page; `AUDIT_CHAIN_BROKEN` for a malformed row.
   */
  async entries(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
      throw new EngineError('REQUEST_INVALID', 'after must be a whole number, 0 or more');
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
      throw new EngineError('REQUEST_INVALID', 'limit must be a whole number from 1 to 1000');
    await this.#tail;
    const rows = await this.#repository.page(afterSeq, limit);
    return rows.map((row) => {
      const parsed = parseStoredRow(row);
      if (!parsed.ok) throw new EngineError('AUDIT_CHAIN_BROKEN', `entry ${row.seq} is malformed: ${parsed.reason}`);
      return parsed.entry;
    });
  }

  /**
   * Walks the whole chain and reports the first entry that was edited, removed, reordered or
   * malformed (by its seq, never as an exception), then checks each anchor: the log must still
   * hold the anchored entry with the anchored hash (removed from the end, emptied, rewritten).
   */
  async verify(anchors: readonly AuditAnchor[] = []): Promise<AuditVerification> {
    const anchorCount = anchors.length === 0 ? undefined : anchors.length;
    const bySeq = new Map<number, AuditAnchor[]>();
    for (const anchor of anchors) bySeq.set(anchor.seq, [...(bySeq.get(anchor.seq) ?? []), anchor]);
    const checkAnchors = (seq: number, hash: string): AuditAnchor | undefined =>
      bySeq.get(seq)?.find((anchor) => anchor.hash !== hash);
    let previousHash = genesisHash;
    let expectedSeq = 1;
    let count = 0;
    const genesisMismatch = checkAnchors(0, genesisHash);
    if (genesisMismatch !== undefined)
      return broken(
        0,
        0,
        `${genesisMismatch.source} names entry 0 with a hash other than the genesis hash`,
        anchorCount,
      );
    for (;;) {
      const page = await this.#repository.page(expectedSeq - 1, 1000);
      if (page.length === 0) break;
      for (const row of page) {
        if (!Number.isSafeInteger(row.seq))
          return broken(count, expectedSeq, `the entry after ${count} has a malformed seq`, anchorCount);
        if (row.seq !== expectedSeq)
          return broken(count, expectedSeq, `entry ${expectedSeq} is missing (next is ${row.seq})`, anchorCount);
        const parsed = parseStoredRow(row);
        if (!parsed.ok) return broken(count, row.seq, `entry ${row.seq} is malformed: ${parsed.reason}`, anchorCount);
        const entry = parsed.entry;
        if (entry.previousHash !== previousHash) {
          return broken(
            count,
            entry.seq,
            'its previous-hash does not match the entry before it (removed or reordered)',
            anchorCount,
          );
        }
        if (entryHash(entry) !== entry.hash)
          return broken(count, entry.seq, 'its content does not match its hash (edited)', anchorCount);
        const mismatch = checkAnchors(entry.seq, entry.hash);
        if (mismatch !== undefined) {
          return broken(
            count,
            entry.seq,
            `its hash differs from the one ${mismatch.source} anchors (the log was rewritten up to here)`,
            anchorCount,
          );
        }
        previousHash = entry.hash;
        expectedSeq++;
        count++;
      }
    }
    const beyond = anchors.filter((anchor) => anchor.seq > count).sort((a, b) => a.seq - b.seq)[0];
    if (beyond !== undefined) {
      return broken(
        count,
        beyond.seq,
        count === 0
          ? `the log is empty, but ${beyond.source} anchors entry ${beyond.seq}: every entry was removed`
          : `the log ends at entry ${count}, but ${beyond.source} anchors entry ${beyond.seq}: entries were removed from the end`,
        anchorCount,
      );
    }
    return { ok: true, entries: count, ...(anchorCount === undefined ? {} : { anchors: anchorCount }) };
  }
}
