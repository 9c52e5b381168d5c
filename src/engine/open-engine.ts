import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EngineError } from '../core/index.js';
import type { EventLimits } from '../events/index.js';
import type { PackRegistry, RulePack } from '../packs/index.js';
import {
  type BuiltinRuleInstance,
  type BuiltinRuleSettings,
  buildRuleSet,
  builtinRules,
  configureBuiltinRules,
  type RuleSet,
  RuleSetLoader,
} from '../rules/index.js';
import type { EngineBus } from './bus-delivery.js';
import { type EngineConfig, loadEngineConfig } from './engine-config.js';
import type { EngineStore } from './engine-store.js';
import { type EngineOptions, SignalsEngine } from './signals-engine.js';

/** An engine with its policy and, when the policy has a rules directory, its rule loader. */
export interface OpenedEngine {
  readonly engine: SignalsEngine;
  readonly config: EngineConfig;
  /** Absent when the policy has no `rules/` directory (the engine then runs no rules). */
  readonly rules: RuleSetLoader | undefined;
  /** Bus mode: what the composition root handed the engine (`EngineOptions.bus`). */
  readonly bus?: EngineBus;
}

/** `EngineOptions` plus what a caller without a policy file (a batch screening) sets in code. */
export interface OpenEngineOptions extends EngineOptions {
  /**
   * The rule packs this deployment can load, registered by the composition root (`builtinPacks`
   * in `src/app/`); `packs.yaml` enables and configures them. Default: none (the engine knows no
   * pack itself).
   */
  readonly packRegistry?: PackRegistry;
  /** Load exactly these rule packs (instead of the ones `packs.yaml` selects). */
  readonly packs?: readonly RulePack[];
  /**
   * Built-in rule settings merged over `builtin-rules.yaml` (by rule id); with them, built-in
   * rules run even without a policy directory.
   */
  readonly builtinRuleSettings?: Readonly<Record<string, BuiltinRuleSettings>>;
  /** Event limits over the policy's `limits.yaml` (see `EventLimits`). */
  readonly eventLimits?: Partial<EventLimits>;
}

/**
 * Loads the policy at `policyDirectory` (features, typologies, labels, event types, rules; a
 * missing directory is an empty policy) and opens the engine on `store`.
 *
 * @throws EngineError `CONFIG_INVALID` listing every problem of the policy or its rules.
 */
export async function openEngine(
  store: EngineStore,
  policyDirectory: string | undefined,
  options: OpenEngineOptions = {},
): Promise<OpenedEngine> {
  const config = await loadEngineConfig(policyDirectory ?? '', {
    ...(options.packRegistry === undefined ? {} : { packRegistry: options.packRegistry }),
    ...(options.packs === undefined ? {} : { packs: options.packs }),
    ...(options.eventLimits === undefined ? {} : { eventLimits: options.eventLimits }),
    ...(options.actions === undefined ? {} : { actionNames: options.actions.names }),
  });
  const typologyNames = new Set(config.typologies.map((typology) => typology.name));
  const unknownTypologies = (options.actions?.typologies ?? []).filter((name) => !typologyNames.has(name));
  if (unknownTypologies.length > 0) {
    throw new EngineError(
      'CONFIG_INVALID',
      `actions.yaml: an action is triggered by an unknown typology: ${unknownTypologies.join(', ')}`,
    );
  }
  const builtins = await loadBuiltins(policyDirectory, config, options.builtinRuleSettings);
  let rules: RuleSetLoader | undefined;
  let ruleSet: () => RuleSet;
  if (policyDirectory !== undefined && existsSync(config.rulesDirectory)) {
    const loader = await RuleSetLoader.open({ directory: config.rulesDirectory, catalogs: config.catalogs, builtins });
    rules = loader;
    ruleSet = () => loader.current;
  } else {
    const empty = buildRuleSet([], config.catalogs, { builtins });
    if (!empty.ok) throw new EngineError('INTERNAL', 'an empty rule set failed to build');
    const set = empty.ruleSet;
    ruleSet = () => set;
  }
  const engine = await SignalsEngine.open(store, config, ruleSet, options);
  return { engine, config, rules, ...(options.bus === undefined ? {} : { bus: options.bus }) };
}

/**
 * The built-in rules, configured by `<policy>/builtin-rules.yaml` when it exists:
 * `builtin_rules: { <id>: { mode: shadow|active, enabled: true|false, config: {…} } }`. Without
 * a policy none run; with one, every built-in runs in shadow mode unless configured otherwise.
 */
async function loadBuiltins(
  policyDirectory: string | undefined,
  config: EngineConfig,
  overrides: Readonly<Record<string, BuiltinRuleSettings>> | undefined,
): Promise<BuiltinRuleInstance[]> {
  if (policyDirectory === undefined && overrides === undefined) return [];
  let settings: Record<string, BuiltinRuleSettings> = {};
  if (policyDirectory !== undefined) {
    const path = join(policyDirectory, 'builtin-rules.yaml');
    try {
      const parsed = parseYaml(await readFile(path, 'utf8')) as {
        builtin_rules?: Record<string, BuiltinRuleSettings>;
      } | null;
      settings = parsed?.builtin_rules ?? {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new EngineError('CONFIG_INVALID', `${path}: ${(error as Error).message}`);
      }
    }
  }
  for (const [id, setting] of Object.entries(overrides ?? {})) settings[id] = { ...settings[id], ...setting };
  const rules = [...builtinRules, ...config.packs.flatMap((pack) => pack.rules)];
  return configureBuiltinRules(rules, settings, config.catalogs);
}
