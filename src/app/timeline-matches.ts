import type { CaseTimelineEntry } from '../cases/index.js';

/**
 * The bank matches a case's timeline holds (`media.matched` events' `data.matches`: bank,
 * content id, signal type), for feedback to the exchanges those banks mirror. Entries of any
 * other shape are skipped, never guessed at.
 */
export function timelineMatches(
  timeline: readonly CaseTimelineEntry[],
): { bank: string; contentId: number; signalType: string }[] {
  const found: { bank: string; contentId: number; signalType: string }[] = [];
  for (const entry of timeline) {
    const matches = (entry.detail as { data?: { matches?: unknown } } | null)?.data?.matches;
    if (!Array.isArray(matches)) continue;
    for (const match of matches as { bank?: unknown; contentId?: unknown; signalType?: unknown }[]) {
      if (
        typeof match?.bank === 'string' &&
        typeof match.contentId === 'number' &&
        Number.isSafeInteger(match.contentId) &&
        typeof match.signalType === 'string'
      ) {
        found.push({ bank: match.bank, contentId: match.contentId, signalType: match.signalType });
      }
    }
  }
  return found;
}
