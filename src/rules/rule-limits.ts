import { EngineError } from '../core/index.js';

/**
 * How much work one rule condition may do. `rules check` (and every load and reload) refuses a
 * `when` whose estimated cost is above `maxCost`; at run time an evaluation that spends more than
 * `maxCost` cost units or `maxEvaluationMs` milliseconds is stopped and the rule is disabled, so
 * no rule can block the engine. See "Cost budget" in docs/rules.md.
 */
export interface RuleLimits {
  /**
   * Cost units per condition, for the static estimate and the run-time meter alike: about one
   * per evaluated expression node, plus one per ten characters or elements of the strings and
   * lists a step handles. 1,000,000 by default (the per-expression limit Kubernetes uses for CEL).
   */
  readonly maxCost: number;
  /** Wall-clock milliseconds one evaluation may take, the backstop of the cost meter. 250 by default. */
  readonly maxEvaluationMs: number;
  /**
   * The size the static estimate assumes for a list, map or string whose size the rule cannot
   * know (one read from `event.data`, `labels`, `matches`): 1,000 by default. The run-time meter
   * counts the real sizes.
   */
  readonly assumedDataSize: number;
}

/** The limits a rule set has when the policy sets none. */
export const defaultRuleLimits: RuleLimits = Object.freeze({
  maxCost: 1_000_000,
  maxEvaluationMs: 250,
  assumedDataSize: 1000,
});

/**
 * Applies the defaults to partial limits.
 * @throws EngineError CONFIG_INVALID when a limit is not a positive whole number.
 */
export function resolveRuleLimits(limits: Partial<RuleLimits> = {}): RuleLimits {
  const resolved = { ...defaultRuleLimits, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new EngineError('CONFIG_INVALID', `rule limit ${name} must be a positive whole number, got ${value}`);
    }
  }
  return Object.freeze(resolved);
}
