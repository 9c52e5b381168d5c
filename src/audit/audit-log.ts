import { createHash } from 'node:crypto';
import type { AuditEntry, AuditRepository } from '../storage/index.js';

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
  readonly entries: number;
  /** The first entry that does not check out, and why. */
  readonly problem?: { readonly seq: number; readonly reason: string };
}

/** The hash before the first entry. */
export const genesisHash = '0'.repeat(64);

/** JSON with object keys sorted at every level, so that equal values hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

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

/**
 * The append-only, hash-chained audit log of every action and every read of case material.
 * Each entry's hash covers the previous entry's hash, so editing, removing or reordering any
 * entry breaks every hash after it; `verify` finds the first break.
 *
 * Appends are serialised in this process (one writer); the chain's tail is read from the store
 * so that a restart continues it.
 */
export class AuditLog {
  readonly #repository: AuditRepository;
  readonly #now: () => Date;
  #tail: Promise<void> = Promise.resolve();

  constructor(repository: AuditRepository, now: () => Date = () => new Date()) {
    this.#repository = repository;
    this.#now = now;
  }

  /** Appends actions in order; resolves to the stored entries. */
  record(...actions: AuditAction[]): Promise<AuditEntry[]> {
    const run = this.#tail.then(async () => {
      const last = await this.#repository.last();
      let previousHash = last?.hash ?? genesisHash;
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

  /** Walks the whole chain and reports the first entry that was edited, removed or reordered. */
  async verify(): Promise<AuditVerification> {
    let previousHash = genesisHash;
    let expectedSeq = 1;
    let count = 0;
    for (;;) {
      const page = await this.#repository.page(expectedSeq - 1, 1000);
      if (page.length === 0) return { ok: true, entries: count };
      for (const entry of page) {
        if (entry.seq !== expectedSeq) {
          return {
            ok: false,
            entries: count,
            problem: { seq: expectedSeq, reason: `entry ${expectedSeq} is missing (next is ${entry.seq})` },
          };
        }
        if (entry.previousHash !== previousHash) {
          return {
            ok: false,
            entries: count,
            problem: {
              seq: entry.seq,
              reason: 'its previous-hash does not match the entry before it (removed or reordered)',
            },
          };
        }
        if (entryHash(entry) !== entry.hash) {
          return {
            ok: false,
            entries: count,
            problem: { seq: entry.seq, reason: 'its content does not match its hash (edited)' },
          };
        }
        previousHash = entry.hash;
        expectedSeq++;
        count++;
      }
    }
  }
}
