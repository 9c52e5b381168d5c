import { existsSync } from 'node:fs';
import { EngineError } from '../core/index.js';
import { buildRuleSet, type RuleSet, RuleSetLoader } from '../rules/index.js';
import type { EngineStore } from '../storage/index.js';
import { type EngineConfig, loadEngineConfig } from './engine-config.js';
import { type EngineOptions, SignalsEngine } from './signals-engine.js';

/** An engine with its policy and, when the policy has a rules directory, its rule loader. */
export interface OpenedEngine {
  readonly engine: SignalsEngine;
  readonly config: EngineConfig;
  /** Absent when the policy has no `rules/` directory (the engine then runs no rules). */
  readonly rules: RuleSetLoader | undefined;
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
  options: EngineOptions = {},
): Promise<OpenedEngine> {
  const config = await loadEngineConfig(policyDirectory ?? '');
  let rules: RuleSetLoader | undefined;
  let ruleSet: () => RuleSet;
  if (policyDirectory !== undefined && existsSync(config.rulesDirectory)) {
    const loader = await RuleSetLoader.open({ directory: config.rulesDirectory, catalogs: config.catalogs });
    rules = loader;
    ruleSet = () => loader.current;
  } else {
    const empty = buildRuleSet([], config.catalogs);
    if (!empty.ok) throw new EngineError('INTERNAL', 'an empty rule set failed to build');
    const set = empty.ruleSet;
    ruleSet = () => set;
  }
  const engine = await SignalsEngine.open(store, config, ruleSet, options);
  return { engine, config, rules };
}
