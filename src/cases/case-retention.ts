import { isActive } from './case-lifecycle.js';
import type { CaseRecord } from './case-records.js';

/** The default retention of a closed case: one year (the US REPORT Act period). */
export const defaultCaseRetentionMs = 365 * 24 * 3600 * 1000;

/**
 * When a case closed at `closedAtMs` may be purged: its own clock (the closing time) plus the
 * retention period. Never the time of the events in it: history ingested late must not expire at
 * once. (When filed reports are recorded, their receipt will start the clock instead.)
 */
export function retentionEndMs(closedAtMs: number, retentionMs: number): number {
  return closedAtMs + retentionMs;
}

/**
 * Whether a case may be purged at `nowMs`: closed, retention instant passed, no legal hold.
 * Storage applies the same rule in its purge query; this states it (and tests pin it).
 */
export function isPurgeable(item: CaseRecord, nowMs: number): boolean {
  if (isActive(item.status) || item.legalHold !== null || item.retainUntil === null) return false;
  return Date.parse(item.retainUntil) < nowMs;
}
