import type { Match, MatchOutcome } from './match-types.js';

/**
 * The one JSON shape of a match, wherever a match is shown: `/v1/match`, `prevail match`, the
 * stream watcher's `match` events (`prevail watch`, the watcher listeners) and matched-frame
 * evidence. It is `Match` without the bank's internal row id; vPDQ matches also carry the two
 * frame shares that decided them. One mapper, so that a field added to `Match` shows up (or is
 * kept out) everywhere at once.
 */
export type MatchJson = Omit<Match, 'bankId'>;

/** A suppressed match as JSON: the match and the negative-bank item that cancelled it. */
export interface SuppressedMatchJson extends MatchJson {
  readonly suppressedBy: { readonly bank: string; readonly contentId: number };
}

/** A lookup's outcome as JSON (see `MatchOutcome`: only `matches` are actionable). */
export interface MatchOutcomeJson {
  readonly matches: MatchJson[];
  readonly suppressed: SuppressedMatchJson[];
  readonly quarantined: MatchJson[];
  readonly negative: MatchJson[];
  readonly warnings: string[];
}

/** One match as JSON (`MatchJson`); a suppressed match keeps its `suppressedBy`. */
export function matchJson(match: Match): MatchJson {
  return {
    bank: match.bank,
    contentId: match.contentId,
    signalType: match.signalType,
    distance: match.distance,
    matchedValue: match.matchedValue,
    queryValue: match.queryValue,
    variant: match.variant,
    ...(match.queryMatchPercent !== undefined ? { queryMatchPercent: match.queryMatchPercent } : {}),
    ...(match.comparedMatchPercent !== undefined ? { comparedMatchPercent: match.comparedMatchPercent } : {}),
    provenance: { ...match.provenance },
  };
}

/** A lookup's outcome as JSON, every list mapped with `matchJson`. */
export function matchOutcomeJson(outcome: MatchOutcome): MatchOutcomeJson {
  return {
    matches: outcome.matches.map(matchJson),
    suppressed: outcome.suppressed.map((match) => ({ ...matchJson(match), suppressedBy: match.suppressedBy })),
    quarantined: outcome.quarantined.map(matchJson),
    negative: outcome.negative.map(matchJson),
    warnings: outcome.warnings,
  };
}
