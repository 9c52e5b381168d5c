import type { FeatureDefinition } from '../features/index.js';
import type { BuiltinRule } from '../rules/index.js';
import type { TypologyDefinition } from '../typologies/index.js';

/**
 * A rule pack: the features, built-in rules, typologies and labels that detect one family of
 * harm (OCSE payments, live-stream sessions), shipped together because they only make sense
 * together. The engine loads every pack beside the operator's policy: pack features and
 * typologies join the policy's (names must not collide), pack rules join the built-in rules and
 * run in shadow mode until the operator turns them on in `builtin-rules.yaml`.
 *
 * Names (features, rules, typologies, labels) are storage keys: never rename a released one.
 * Every pack name prefixes its feature names (`ocse_…`, `session_…`) so packs cannot collide.
 */
export interface RulePack {
  /** lowercase_with_underscores, e.g. `ocse_payments`. */
  readonly name: string;
  /** Bumped whenever a default threshold or the logic changes. */
  readonly version: number;
  readonly description: string;
  readonly features: readonly FeatureDefinition[];
  readonly rules: readonly BuiltinRule[];
  readonly typologies: readonly TypologyDefinition[];
  /** Labels the pack's rules set or read. */
  readonly labels: readonly string[];
}
