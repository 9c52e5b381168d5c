import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../core/index.js';
import { writeFileAtomic } from './atomic-file.js';

/**
 * A legal hold: while it is active, the items it covers are kept (and stay readable) whatever
 * their `retainUntil`. It covers every item of a `subject` (those preserved later too) or the
 * listed `itemIds`. A released hold is kept in the file, with who released it and why, so the
 * history of holds survives beside the audit log.
 */
export interface EvidenceHold {
  readonly id: string;
  /** Every item with this subject (e.g. `case:12`, `user:u1`); absent when `itemIds` is given. */
  readonly subject?: string;
  /** These items; absent when `subject` is given. */
  readonly itemIds?: readonly string[];
  readonly reason: string;
  readonly placedBy: string;
  readonly placedAt: string;
  /** When the hold lapses by itself (absent: until released). */
  readonly until?: string;
  readonly releasedAt?: string;
  readonly releasedBy?: string;
  readonly releaseReason?: string;
}

interface HoldsFile {
  readonly format: 'prevail-evidence-holds/1';
  readonly holds: readonly EvidenceHold[];
}

/** The file in the vault directory holding every hold (written whole, atomically). */
export const holdsFileName = 'holds.json';

/** True while `hold` protects what it covers at `nowMs`: not released, and not past its `until`. */
export function isHoldActive(hold: EvidenceHold, nowMs: number): boolean {
  return hold.releasedAt === undefined && (hold.until === undefined || Date.parse(hold.until) > nowMs);
}

/** True when `hold` covers the item `record` (by its id or its subject). */
export function holdCovers(hold: EvidenceHold, record: { readonly id: string; readonly subject: string }): boolean {
  return hold.subject !== undefined ? hold.subject === record.subject : (hold.itemIds ?? []).includes(record.id);
}

/**
 * Reads every hold of the vault in `directory` (none when the file does not exist yet).
 * @throws EngineError `EVIDENCE_UNREADABLE` when the file exists but is not a holds file: the
 *   vault then refuses to purge anything rather than purge what may be held.
 */
export async function readHolds(directory: string): Promise<EvidenceHold[]> {
  let text: string;
  try {
    text = await readFile(join(directory, holdsFileName), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new EngineError('EVIDENCE_UNREADABLE', `the legal holds file cannot be read`, { cause: error });
  }
  try {
    const parsed = JSON.parse(text) as HoldsFile;
    if (parsed.format !== 'prevail-evidence-holds/1' || !Array.isArray(parsed.holds))
      throw new Error('not a holds file');
    for (const hold of parsed.holds) {
      if (typeof hold?.id !== 'string' || (typeof hold.subject !== 'string' && !Array.isArray(hold.itemIds))) {
        throw new Error('a malformed hold');
      }
    }
    return [...parsed.holds];
  } catch (error) {
    throw new EngineError(
      'EVIDENCE_UNREADABLE',
      `the legal holds file ${holdsFileName} is malformed: nothing is purged until a person repairs it`,
      { cause: error },
    );
  }
}

/** Replaces the vault's holds file with `holds` (atomically: a crash leaves the old or the new file). */
export async function writeHolds(directory: string, holds: readonly EvidenceHold[]): Promise<void> {
  const file: HoldsFile = { format: 'prevail-evidence-holds/1', holds };
  await writeFileAtomic(join(directory, holdsFileName), `${JSON.stringify(file, null, 2)}\n`);
}
