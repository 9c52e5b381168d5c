import type { RuleMode } from './rule-model.js';

/**
 * A rule hit as it is kept: the rules module owns the shape (the engine records hits, cases
 * show them, analysts read their counts); `storage/` stores them.
 */

/** A rule that fired on an event (active or shadow). */
export interface RuleHitRecord {
  readonly eventId: string;
  readonly eventSeq: number;
  readonly ruleId: string;
  readonly mode: RuleMode;
  /** The entity the hit is about (the case subject), e.g. `user:u1`, or null. */
  readonly subject: string | null;
  readonly reason: string;
  /** The effects it applied (active) or would have applied (shadow), as JSON. */
  readonly effects: unknown;
  readonly time: string;
}

/** Per-rule hit counts and, for hits whose subject has a decided case, the decisions. */
export interface RuleHitStats {
  readonly ruleId: string;
  readonly mode: RuleMode;
  readonly hits: number;
  readonly subjects: number;
  readonly confirmed: number;
  readonly dismissed: number;
}
