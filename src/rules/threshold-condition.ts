import type { RuleEnvironment } from './cel-environment.js';
import { isFeatureRecord } from './feature-record.js';
import type { RuleContext } from './rule-context.js';

/**
 * A condition of the commonest shape, a feature against a threshold, answered without CEL:
 * `has(features.NAME) && features.NAME OP LITERAL`, OP one of `>=`, `>`, `<=`, `<`, LITERAL an
 * int (`12`) or double (`1200.0`) literal. Most rules of a policy are this (`count_24h >= 20`),
 * and going through the CEL evaluator cost about a microsecond each (a root context, the `&&`,
 * the `has` macro, two typed field reads, the comparison), on every event of their types.
 *
 * It gives what CEL gives, or nothing: `false` when `has` is false (the feature is absent or
 * `null`), the comparison when the value is a plain number of the feature's declared type (an
 * `int` a safe integer, a `double` finite), and `undefined` for anything else (a bigint, a
 * fractional `int`, a string, NaN, an infinity), which the caller then hands to CEL, which alone
 * words the errors. Comparing plain numbers is exact where CEL compares an int (a BigInt) with an
 * int or double literal: both are safe integers or doubles, compared by value.
 *
 * Not metered: the work is a fixed handful of steps, far below any cost budget a rule set may set
 * (`minimumCostBudget`; below it the condition stays with CEL and its meter), and the meter reads
 * the clock only every 1,024 steps, so a CEL evaluation of this shape never times out either.
 */
export type ThresholdCondition = (context: RuleContext) => boolean | undefined;

/**
 * Below this cost budget (`RuleLimits.maxCost`) a threshold condition is left to CEL: the metered
 * evaluation of this shape spends a few cost units, which a budget this small might refuse.
 */
const minimumCostBudget = 100;

/** The shape, whitespace allowed between tokens as CEL allows it; the name read twice must be the same. */
const shape =
  /^\s*has\s*\(\s*features\s*\.\s*([a-z_][a-z0-9_]*)\s*\)\s*&&\s*features\s*\.\s*([a-z_][a-z0-9_]*)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

const noFeatures: Readonly<Record<string, number | null | undefined>> = {};

/**
 * The threshold condition `when` is, in `environment` (whose catalog types the feature), or
 * `undefined` when `when` has another shape (or names no catalog feature, or the budget is too
 * small to bypass the meter): the rule then runs through CEL alone.
 */
export function thresholdCondition(when: string, environment: RuleEnvironment): ThresholdCondition | undefined {
  const match = shape.exec(when);
  if (match === null || environment.limits.maxCost < minimumCostBudget) return undefined;
  const [, name, again, operator, literal] = match as unknown as [string, string, string, string, string];
  if (name !== again) return undefined;
  const type = environment.catalogs.features.get(name)?.type;
  if (type !== 'int' && type !== 'double') return undefined;
  const threshold = Number(literal);
  // An int literal beyond 2^53 would not compare exactly as a number.
  if (!literal.includes('.') && !Number.isSafeInteger(threshold)) return undefined;
  const compare = comparison(operator, threshold);
  return (context) => {
    const features = context.features ?? noFeatures;
    // What the CEL `features` record reads (`createRecordClass` in cel-environment.ts): a plain
    // record only its own properties, a lazy record every name.
    if (!isFeatureRecord(features) && !Object.hasOwn(features, name)) return false;
    const value = features[name];
    if (value === null || value === undefined) return false;
    if (typeof value !== 'number') return undefined;
    if (type === 'int' ? !Number.isSafeInteger(value) : !Number.isFinite(value)) return undefined;
    return compare(value);
  };
}

function comparison(operator: string, threshold: number): (value: number) => boolean {
  switch (operator) {
    case '>=':
      return (value) => value >= threshold;
    case '>':
      return (value) => value > threshold;
    case '<=':
      return (value) => value <= threshold;
    default:
      return (value) => value < threshold;
  }
}
