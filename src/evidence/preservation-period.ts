import { EngineError } from '../core/index.js';

const dayMs = 86_400_000;

/** The law's minimum: one year from NCMEC's receipt of a report (18 U.S.C. § 2258A(h), REPORT Act). */
export const minimumPreservationDays = 365;

/**
 * Until when material of a CyberTipline report is kept: `days` after NCMEC's receipt of it
 * (`PREVAIL_PRESERVATION_DAYS`, at least 365: the law's year, plus any voluntary longer period
 * the provider chooses, which § 2258A(h) allows). A legal hold extends it further.
 *
 * @throws EngineError `EVIDENCE_INVALID` for an unreadable receipt time or fewer than 365 days.
 */
export function preservationRetainUntil(receivedAt: Date | string, days = minimumPreservationDays): Date {
  const receivedMs = typeof receivedAt === 'string' ? Date.parse(receivedAt) : receivedAt.getTime();
  if (!Number.isFinite(receivedMs)) throw new EngineError('EVIDENCE_INVALID', 'the receipt time is not a date');
  if (!Number.isInteger(days) || days < minimumPreservationDays || days > 36_500) {
    throw new EngineError('EVIDENCE_INVALID', `preservation lasts ${minimumPreservationDays} to 36500 whole days`);
  }
  return new Date(receivedMs + days * dayMs);
}
