/**
 * Matching: signals in, bank matches out, with provenance, per-bank thresholds, negative banks
 * and flood protection; and the one owner of what a match looks like outside the matcher: its
 * JSON shape (`matchJson`) and the `media.matched` event it becomes (`mediaMatchedEvent`).
 */
export { type AppliedChange, BankFollower } from './bank-follower.js';
export { defaultFloodPolicy, FloodGuard, type FloodPolicy } from './flood-guard.js';
export {
  type MatchJson,
  type MatchOutcomeJson,
  matchJson,
  matchOutcomeJson,
  type SuppressedMatchJson,
} from './match-json.js';
export type {
  FloodReport,
  Match,
  MatchOptions,
  MatchOutcome,
  MatchProvenance,
  MatchQuery,
  SuppressedMatch,
} from './match-types.js';
export { type IndexFactory, type IndexStatus, Matcher, type PdqLookups } from './matcher.js';
export {
  type EventMatch,
  type EventMedia,
  type MatchSource,
  type MediaMatchedEvent,
  mediaMatchedEvent,
} from './media-matched-event.js';
export { type MediaLookupHashes, mediaMatchQuery } from './media-query.js';
