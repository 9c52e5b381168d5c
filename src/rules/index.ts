/**
 * Rules: operator rules (YAML files with CEL conditions) validated like a compiler before they
 * run, built-in rules (TypeScript modules with a zod config), one compiled rule set indexed by
 * event type, and a loader that swaps the set atomically. See docs/rules.md.
 */

// Built-in rules: the fixed module shape and the rules Prevail ships.
export { builtinRules } from './builtin/index.js';
export {
  type BuiltinRule,
  type BuiltinRuleInstance,
  type BuiltinRuleResult,
  type BuiltinRuleSettings,
  type BuiltinRuleSpec,
  type ConfiguredBuiltinRule,
  configureBuiltinRules,
  defineBuiltinRule,
} from './builtin-rule.js';
// What validation checks names against; supplied by the events, features, labels and typologies modules.
export type { CatalogEventType, CatalogFeature, FeatureValueType, RuleCatalogs } from './catalogs.js';
// Validation and compilation.
export {
  buildRuleSet,
  checkRuleSources,
  checkRules,
  loadRuleSet,
  type RuleSetBuild,
  type RuleSetOptions,
} from './check-rules.js';
// Running rules.
// The cost budget: static estimate and run-time meter, also used for the features' CEL filters.
export { type ConditionCost, estimateConditionCost } from './condition-cost.js';
export {
  compareDiagnostics,
  type Diagnostic,
  type FormatDiagnosticsOptions,
  formatDiagnostics,
} from './diagnostic.js';
export { BudgetExceeded, type EvaluationBudget, EvaluationMeter, type MeteredResult } from './evaluation-meter.js';
// Lazy feature records: a rule context's features computed on first read (the engine's).
export {
  type FeatureRecord,
  type FeatureRecordType,
  type FeatureSource,
  featureRecordType,
} from './feature-record.js';
export type { OperatorRule } from './operator-rule.js';
export { featureValue, type RuleContext, type RuleMatch } from './rule-context.js';
export { type RuleSource, type RuleSourcesRead, readRuleSources } from './rule-files.js';
export type { RuleHitRecord, RuleHitStats } from './rule-hit-record.js';
export { defaultRuleLimits, type RuleLimits, resolveRuleLimits } from './rule-limits.js';
// The shared vocabulary of rule hits.
export {
  type ActionEffect,
  type CaseEffect,
  type CasePriority,
  casePriorities,
  isValidRuleId,
  type LabelEffect,
  parseDuration,
  type RuleEffect,
  type RuleMode,
  ruleModes,
  type TypologyEffect,
  type Verdict,
  type VerdictEffect,
  verdicts,
} from './rule-model.js';
export {
  type CompiledRule,
  type DisabledRule,
  type RuleEvaluation,
  type RuleHit,
  type RuleOutcome,
  type RuleRunError,
  RuleSet,
} from './rule-set.js';
export {
  type ReloadChanges,
  type ReloadOutcome,
  RuleSetLoader,
  type RuleSetLoaderOptions,
} from './rule-set-loader.js';
