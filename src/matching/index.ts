/**
 * Matching: signals in, bank matches out, with provenance, per-bank thresholds, negative banks
 * and flood protection.
 */
export { defaultFloodPolicy, FloodGuard, type FloodPolicy } from './flood-guard.js';
export type {
  FloodReport,
  Match,
  MatchOptions,
  MatchOutcome,
  MatchProvenance,
  MatchQuery,
  SuppressedMatch,
} from './match-types.js';
export { type IndexFactory, type IndexStatus, Matcher } from './matcher.js';
