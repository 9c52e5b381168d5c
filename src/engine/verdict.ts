import type { RuleHit } from '../rules/index.js';

export type VerdictKind = 'allow' | 'review' | 'block';

/** The engine's answer for one event: what to do, how strongly, and why. */
export interface Verdict {
  readonly eventId: string;
  readonly verdict: VerdictKind;
  /** The highest typology score this event touched (0 when none). */
  readonly score: number;
  /** Why, in plain words: one line per active verdict effect and per typology threshold crossed. */
  readonly reasons: readonly string[];
  /** Every rule that fired, active or shadow (shadow hits never change the verdict). */
  readonly hits: readonly { readonly ruleId: string; readonly mode: 'active' | 'shadow'; readonly reason: string }[];
}

const severity: Record<VerdictKind, number> = { allow: 0, review: 1, block: 2 };

/** The strongest of two verdicts: block over review over allow. */
export function strongerVerdict(a: VerdictKind, b: VerdictKind): VerdictKind {
  return severity[b] > severity[a] ? b : a;
}

/** A summary of rule hits for the verdict. */
export function hitSummaries(hits: readonly RuleHit[]): Verdict['hits'] {
  return hits.map((hit) => ({ ruleId: hit.ruleId, mode: hit.mode, reason: hit.reason }));
}
