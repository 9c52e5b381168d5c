import { z } from 'zod';
import { describeIssues, EngineError } from '../core/index.js';
import type { RuleCatalogs } from './catalogs.js';
import type { RuleContext } from './rule-context.js';
import { isValidRuleId, type RuleEffect, type RuleMode } from './rule-model.js';

/** What a built-in rule returns for one event. */
export interface BuiltinRuleResult {
  readonly fired: boolean;
  /** Why it fired, for reviewers (defaults to the rule's description). */
  readonly reason?: string;
  readonly effects?: readonly RuleEffect[];
}

/**
 * The fixed shape of a built-in rule module: an id and version, the event types it runs on, a
 * zod schema for its configuration (thresholds are data, not code), defaults that pass the
 * schema, and a pure `evaluate`. The config type comes from the schema (`z.output`), never from
 * a hand-written interface beside it.
 */
export interface BuiltinRuleSpec<Schema extends z.ZodType> {
  /** Storage key, like operator rule ids: lowercase_with_underscores, never renamed. */
  readonly id: string;
  /** Bumped whenever the logic changes, so hit statistics before and after can be told apart. */
  readonly version: number;
  readonly description: string;
  readonly events: readonly string[];
  readonly configSchema: Schema;
  readonly defaultConfig: z.input<Schema>;
  /** Pure: reads the context and config only; may throw (the rule set records it as an error). */
  evaluate(context: RuleContext, config: z.output<Schema>): BuiltinRuleResult;
}

/** A built-in rule bound to a validated configuration, ready to run. */
export interface ConfiguredBuiltinRule {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  readonly events: readonly string[];
  /** The validated configuration (defaults merged with overrides). */
  readonly config: unknown;
  evaluate(context: RuleContext): BuiltinRuleResult;
}

/** A defined built-in rule: its identity plus `configure`, which validates a configuration. */
export interface BuiltinRule {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  readonly events: readonly string[];
  readonly defaultConfig: unknown;
  /**
   * Validates `overrides` shallow-merged onto the default config (an object config) or in its
   * place (any other) and binds the result.
   * @throws EngineError CONFIG_INVALID naming the rule and each bad field.
   */
  configure(overrides?: unknown): ConfiguredBuiltinRule;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Defines a built-in rule. Checks the id and that the default config passes the schema, so a
 * broken rule module fails when it is imported, not when an event arrives.
 *
 * @example
 * export const rule = defineBuiltinRule({
 *   id: 'many_devices_per_account', version: 1, description: '…', events: ['session.started'],
 *   configSchema: z.strictObject({ threshold: z.number().int().min(2) }),
 *   defaultConfig: { threshold: 5 },
 *   evaluate: (context, config) => ({ fired: (context.features?.devices_24h ?? 0) >= config.threshold }),
 * });
 * @throws EngineError CONFIG_INVALID for a bad id or default config.
 */
export function defineBuiltinRule<Schema extends z.ZodType>(spec: BuiltinRuleSpec<Schema>): BuiltinRule {
  if (!isValidRuleId(spec.id)) {
    throw new EngineError('CONFIG_INVALID', `built-in rule id '${spec.id}' must be lowercase_with_underscores`);
  }
  const configure = (overrides?: unknown): ConfiguredBuiltinRule => {
    const input =
      overrides === undefined
        ? spec.defaultConfig
        : isPlainObject(overrides) && isPlainObject(spec.defaultConfig)
          ? { ...spec.defaultConfig, ...overrides }
          : overrides;
    const parsed = spec.configSchema.safeParse(input);
    if (!parsed.success) {
      throw new EngineError(
        'CONFIG_INVALID',
        `built-in rule '${spec.id}' config is invalid: ${describeIssues(parsed.error.issues, '(config)')}`,
        { cause: parsed.error },
      );
    }
    const config = parsed.data;
    return {
      id: spec.id,
      version: spec.version,
      description: spec.description,
      events: spec.events,
      config,
      evaluate: (context) => spec.evaluate(context, config),
    };
  };
  configure();
  return {
    id: spec.id,
    version: spec.version,
    description: spec.description,
    events: spec.events,
    defaultConfig: spec.defaultConfig,
    configure,
  };
}

/** How one deployment runs one built-in rule (from its configuration file). */
export interface BuiltinRuleSettings {
  /** Default `shadow`: a built-in rule acts only once an operator turns it on. */
  readonly mode?: RuleMode;
  /** Default true. */
  readonly enabled?: boolean;
  /** Overrides merged onto the rule's default config. */
  readonly config?: unknown;
}

const settingsSchema = z.strictObject({
  mode: z.enum(['shadow', 'active']).optional(),
  enabled: z.boolean().optional(),
  config: z.unknown().optional(),
});

/** A configured built-in rule with the mode it runs in. */
export interface BuiltinRuleInstance {
  readonly rule: ConfiguredBuiltinRule;
  readonly mode: RuleMode;
}

/**
 * Binds the built-in rules to a deployment's settings (keyed by rule id), checking everything
 * before anything runs: settings for an unknown rule, a malformed setting, a config that fails a
 * rule's schema, two rules with one id, and (when `catalogs` is given) event types not in it.
 * Disabled rules are left out.
 *
 * @throws EngineError CONFIG_INVALID listing every problem, each naming the rule and field.
 */
export function configureBuiltinRules(
  rules: readonly BuiltinRule[],
  settings: Readonly<Record<string, BuiltinRuleSettings>> = {},
  catalogs?: RuleCatalogs,
): BuiltinRuleInstance[] {
  const problems: string[] = [];
  const byId = new Map<string, BuiltinRule>();
  for (const rule of rules) {
    if (byId.has(rule.id)) problems.push(`built-in rule id '${rule.id}' is defined twice`);
    byId.set(rule.id, rule);
  }
  for (const id of Object.keys(settings).sort()) {
    if (!byId.has(id)) problems.push(`settings name an unknown built-in rule '${id}'`);
  }
  const instances: BuiltinRuleInstance[] = [];
  for (const rule of [...byId.values()].sort((left, right) => (left.id < right.id ? -1 : 1))) {
    const parsed = settingsSchema.safeParse(Object.hasOwn(settings, rule.id) ? settings[rule.id] : {});
    if (!parsed.success) {
      problems.push(
        `built-in rule '${rule.id}' settings are invalid: ${describeIssues(parsed.error.issues, '(config)')}`,
      );
      continue;
    }
    for (const type of rule.events) {
      if (catalogs !== undefined && !Object.hasOwn(catalogs.eventTypes, type)) {
        problems.push(`built-in rule '${rule.id}' runs on unknown event type '${type}'`);
      }
    }
    try {
      const configured = rule.configure(parsed.data.config);
      if (parsed.data.enabled !== false) instances.push({ rule: configured, mode: parsed.data.mode ?? 'shadow' });
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length > 0) throw new EngineError('CONFIG_INVALID', problems.join('; '));
  return instances;
}
