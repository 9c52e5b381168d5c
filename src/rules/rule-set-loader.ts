import { EngineError } from '../core/index.js';
import type { BuiltinRuleInstance } from './builtin-rule.js';
import type { RuleCatalogs } from './catalogs.js';
import { loadRuleSet } from './check-rules.js';
import { type Diagnostic, formatDiagnostics } from './diagnostic.js';
import type { RuleSet } from './rule-set.js';

/** Where the rules come from and what they are checked against. */
export interface RuleSetLoaderOptions {
  /** The rules directory (read recursively). */
  readonly directory: string;
  readonly catalogs: RuleCatalogs;
  readonly builtins?: readonly BuiltinRuleInstance[];
}

/** What a reload did: swapped in a new set, or kept the old one and says why. */
export type ReloadOutcome =
  | { readonly ok: true; readonly ruleSet: RuleSet }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Changes a reload may bring besides the files: catalogs or built-ins that changed too. */
export interface ReloadChanges {
  readonly catalogs?: RuleCatalogs;
  readonly builtins?: readonly BuiltinRuleInstance[];
}

/**
 * Holds the active rule set and replaces it atomically. `current` is always a complete,
 * validated set: a reload builds the new set aside and swaps the reference only when every file
 * is valid, so a bad edit keeps the old rules running and returns the diagnostics instead.
 * Reloads run one at a time, in the order they were asked for.
 *
 * @example
 * const loader = await RuleSetLoader.open({ directory: 'rules', catalogs, builtins });
 * const evaluation = loader.current.evaluate(context);
 * const outcome = await loader.reload(); // after an edit
 * if (!outcome.ok) log(formatDiagnostics(outcome.diagnostics, { directory: 'rules' }));
 */
export class RuleSetLoader {
  #current: RuleSet;
  #options: RuleSetLoaderOptions;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: RuleSetLoaderOptions, initial: RuleSet) {
    this.#options = options;
    this.#current = initial;
  }

  /**
   * Loads the rules for the first time. Startup fails fast on any problem.
   * @throws EngineError CONFIG_INVALID whose message lists every diagnostic, compiler style.
   */
  static async open(options: RuleSetLoaderOptions): Promise<RuleSetLoader> {
    const build = await loadRuleSet(options.directory, options.catalogs, builtinOption(options.builtins));
    if (!build.ok) {
      const listing = formatDiagnostics(build.diagnostics, { directory: options.directory, excerpts: false });
      throw new EngineError('CONFIG_INVALID', `the rules in '${options.directory}' are invalid:\n${listing}`);
    }
    return new RuleSetLoader(options, build.ruleSet);
  }

  /** The active rule set. Read it once per event so one event sees one set. */
  get current(): RuleSet {
    return this.#current;
  }

  /**
   * Reads, validates and compiles the directory again (with new catalogs or built-ins when
   * given) and swaps the active set if there is no problem. Never throws.
   */
  reload(changes: ReloadChanges = {}): Promise<ReloadOutcome> {
    const next = this.#queue.then(() => this.#reloadNow(changes));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #reloadNow(changes: ReloadChanges): Promise<ReloadOutcome> {
    const options: RuleSetLoaderOptions = {
      directory: this.#options.directory,
      catalogs: changes.catalogs ?? this.#options.catalogs,
      ...builtinOption(changes.builtins ?? this.#options.builtins),
    };
    try {
      const build = await loadRuleSet(options.directory, options.catalogs, builtinOption(options.builtins));
      if (!build.ok) return { ok: false, diagnostics: build.diagnostics };
      this.#current = build.ruleSet;
      this.#options = options;
      return { ok: true, ruleSet: build.ruleSet };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, diagnostics: [{ file: '.', line: 1, column: 1, message }] };
    }
  }
}

function builtinOption(builtins: readonly BuiltinRuleInstance[] | undefined): {
  builtins?: readonly BuiltinRuleInstance[];
} {
  return builtins === undefined ? {} : { builtins };
}
