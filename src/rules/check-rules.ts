import type { BuiltinRuleInstance } from './builtin-rule.js';
import { indexCatalogs, type RuleCatalogs } from './catalogs.js';
import { createRuleEnvironment, type RuleEnvironment } from './cel-environment.js';
import { compareDiagnostics, type Diagnostic } from './diagnostic.js';
import type { OperatorRule } from './operator-rule.js';
import { type RuleSource, readRuleSources } from './rule-files.js';
import { readRuleFile } from './rule-reader.js';
import { RuleSet } from './rule-set.js';

/** Options for building a rule set. */
export interface RuleSetOptions {
  /** Configured built-in rules to run beside the operator rules; their ids are reserved. */
  readonly builtins?: readonly BuiltinRuleInstance[];
}

/** A rule set when every file is valid, else every diagnostic (sorted) and no rule set. */
export type RuleSetBuild =
  | { readonly ok: true; readonly ruleSet: RuleSet; readonly diagnostics: readonly [] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Validates rule sources and, when there is no problem at all, compiles them with the built-in
 * rules into a `RuleSet`. Every file is checked (not just up to the first error), then ids are
 * checked across files: a duplicate is reported at its second definition (in sorted file order),
 * naming the first; an id taken by a built-in rule is reported too.
 *
 * Each `when` is parsed and type-checked exactly once, here; the rule set reuses that function.
 *
 * @throws EngineError CONFIG_INVALID when the catalogs themselves are malformed.
 */
export function buildRuleSet(
  sources: readonly RuleSource[],
  catalogs: RuleCatalogs,
  options: RuleSetOptions = {},
): RuleSetBuild {
  const environment = createRuleEnvironment(indexCatalogs(catalogs));
  return buildWithEnvironment(sources, environment, options);
}

function buildWithEnvironment(
  sources: readonly RuleSource[],
  environment: RuleEnvironment,
  options: RuleSetOptions,
): RuleSetBuild {
  const builtins = options.builtins ?? [];
  const builtinIds = new Set(builtins.map((instance) => instance.rule.id));
  const diagnostics: Diagnostic[] = [];
  const rules: OperatorRule[] = [];
  const firstDefinitions = new Map<string, string>();
  const ordered = [...sources].sort((left, right) => (left.file < right.file ? -1 : left.file > right.file ? 1 : 0));
  for (const source of ordered) {
    const read = readRuleFile(source.file, source.text, environment);
    diagnostics.push(...read.diagnostics);
    for (const item of read.rules) {
      if (item.id === undefined) continue;
      const first = firstDefinitions.get(item.id);
      if (first !== undefined) {
        diagnostics.push(read.locator.at(item.idOffset, `duplicate rule id '${item.id}'; first defined at ${first}`));
        continue;
      }
      const at = read.locator.at(item.idOffset, '');
      firstDefinitions.set(item.id, `${at.file}:${at.line}:${at.column}`);
      if (builtinIds.has(item.id)) {
        diagnostics.push(read.locator.at(item.idOffset, `rule id '${item.id}' is taken by a built-in rule`));
        continue;
      }
      if (item.rule !== undefined) rules.push(item.rule);
    }
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics: diagnostics.sort(compareDiagnostics) };
  return { ok: true, ruleSet: new RuleSet(environment, rules, builtins), diagnostics: [] };
}

/**
 * Validates rule sources without keeping a rule set: the diagnostics `buildRuleSet` would
 * report, sorted by file, line, column and message. Empty means the sources are valid.
 */
export function checkRuleSources(
  sources: readonly RuleSource[],
  catalogs: RuleCatalogs,
  options: RuleSetOptions = {},
): readonly Diagnostic[] {
  return buildRuleSet(sources, catalogs, options).diagnostics;
}

/**
 * Validates every rule file under `directory` (see `readRuleSources` for which files), for
 * `prevail rules check` and CI: read problems and rule problems together, sorted. File names
 * in the diagnostics are relative to `directory`; pass it to `formatDiagnostics` to print them
 * as the operator typed it.
 *
 * @example
 * const diagnostics = await checkRules('rules', catalogs);
 * process.stderr.write(formatDiagnostics(diagnostics, { directory: 'rules' }));
 */
export async function checkRules(
  directory: string,
  catalogs: RuleCatalogs,
  options: RuleSetOptions = {},
): Promise<readonly Diagnostic[]> {
  return (await loadRuleSet(directory, catalogs, options)).diagnostics;
}

/**
 * Reads, validates and compiles every rule file under `directory`. An unreadable file or
 * directory makes the build fail like an invalid rule does.
 */
export async function loadRuleSet(
  directory: string,
  catalogs: RuleCatalogs,
  options: RuleSetOptions = {},
): Promise<RuleSetBuild> {
  const read = await readRuleSources(directory);
  const build = buildRuleSet(read.sources, catalogs, options);
  if (read.diagnostics.length === 0) return build;
  return { ok: false, diagnostics: [...read.diagnostics, ...build.diagnostics].sort(compareDiagnostics) };
}
