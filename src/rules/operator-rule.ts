import type { CompiledCondition } from './condition-check.js';
import type { RuleEffect, RuleMode } from './rule-model.js';

/**
 * A validated operator rule from a YAML file, with its `when` already parsed and type-checked
 * into `condition`. Only `readRuleFile` creates these, and only for rules without any problem,
 * so every field holds a checked value (known event types, catalog names, typed effects).
 */
export interface OperatorRule {
  readonly origin: 'operator';
  readonly id: string;
  readonly description: string;
  /** Event types it runs on (known, distinct). */
  readonly events: readonly string[];
  /** The CEL source of the condition, as written. */
  readonly when: string;
  /** `shadow` unless the file says `mode: active`. */
  readonly mode: RuleMode;
  /** Reason recorded with each hit: the rule's `reason`, else its description. */
  readonly reason: string;
  readonly effects: readonly RuleEffect[];
  /** Where the rule is defined: file relative to the rules directory, 1-based line of the rule. */
  readonly location: { readonly file: string; readonly line: number };
  readonly condition: CompiledCondition;
}
