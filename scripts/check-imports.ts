/**
 * The module-door and layering checker, run by `npm run lint` so a broken door fails CI.
 *
 * Contract: every folder directly under `src/` is a module whose `index.ts` is its only public
 * door. The checker reads every `.ts` file under `src/`, `test/`, `bench/` and `scripts/`, finds
 * its relative imports (static, `export … from` and dynamic `import()`) with the TypeScript
 * compiler's pre-processor, and reports:
 *
 * - `door`: a file outside `src/X/` imports a file of `src/X/` other than `src/X/index.ts`
 *   (tests in `test/` and tests beside the code too);
 * - `arrow`: a production file of module X imports module Y although the "may import" column of
 *   the module table in `docs/architecture.md` does not list Y for X (tests are not held to it);
 * - `never`: an import crosses one of the arrows `DESIGN.md` forbids outright ({@link neverArrows});
 * - `vertical`: the engine's production import closure reaches vertical code ({@link verticalCode}).
 *
 * Why a script and not biome's `noRestrictedImports`: biome matches import strings per file, so
 * "outside `src/X` only `src/X/index`" needs one override per module and per depth, a list that
 * rots as modules come and go; this checker derives the modules from the folders and the arrows
 * from the table the architecture page already keeps.
 *
 * @example
 * ```sh
 * node --import tsx scripts/check-imports.ts        # exit 1 and one line per violation
 * node --import tsx scripts/check-imports.ts some/other/checkout
 * ```
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** One broken rule: the importing file, the import as written, and what is wrong with it. */
export interface ImportViolation {
  readonly rule: 'door' | 'arrow' | 'never' | 'vertical';
  /** The importing file, relative to the checked root, with `/` separators. */
  readonly file: string;
  /** The import specifier as written (for `vertical`, the first vertical file reached). */
  readonly specifier: string;
  readonly message: string;
}

/**
 * Arrows `DESIGN.md` forbids whatever the table says: signals never import exchanges, and domain
 * code never imports the transports (`http/`, `cli/`). `from: '*'` means every module but those
 * in `except`.
 */
export const neverArrows: readonly { from: string; except?: readonly string[]; to: string; why: string }[] = [
  { from: 'signals', to: 'exchanges', why: 'signals never import exchanges (DESIGN.md)' },
  { from: '*', except: ['http', 'cli'], to: 'http', why: 'domain code never imports http/ (DESIGN.md)' },
  { from: '*', except: ['cli'], to: 'cli', why: 'domain code never imports cli/ (DESIGN.md)' },
];

/**
 * Vertical code the engine must not reach, even through another module's door ("the engine knows
 * no vertical": packs are registered by the composition root). A vertical is a module
 * (`payments`, `streams`, `chat`) or a harm pack folder under `src/packs/`.
 */
export function verticalCode(file: string): boolean {
  return /^src\/(payments|streams|chat)\//.test(file) || /^src\/packs\/[^/]+\//.test(file);
}

/** A known violation, allowed for now; see {@link pendingExceptions}. */
export interface PendingException {
  readonly rule: ImportViolation['rule'];
  readonly file: string;
  readonly reaches: string;
  readonly why: string;
}

/**
 * Known violations that another piece of work in flight removes, each with its reason. An entry
 * matches a violation of its rule in its file whose specifier (for `vertical`, the vertical file
 * reached) contains `reaches`. The checker reports an entry that matches nothing any more, so
 * the list only ever shrinks: delete the entry when its work lands.
 */
export const pendingExceptions: readonly PendingException[] = [];

const scannedRoots = ['src', 'test', 'bench', 'scripts'];

/**
 * Runs every rule over the checkout at `root` and returns the violations, sorted by file.
 * `exceptions` defaults to this repository's {@link pendingExceptions}.
 */
export function checkImports(
  root: string,
  exceptions: readonly PendingException[] = pendingExceptions,
): ImportViolation[] {
  const files = scannedRoots.flatMap((folder) => listTypeScript(root, folder));
  const modules = new Set(
    readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name),
  );
  const table = readModuleTable(root, modules);
  const violations: ImportViolation[] = [];
  /** Run-time edges only (type-only imports load nothing), for the vertical rule. */
  const graph = new Map<string, string[]>();

  for (const file of files) {
    const from = moduleOf(file);
    const production = isProduction(file);
    const targets: string[] = [];
    for (const { specifier, typeOnly } of relativeImports(readFileSync(join(root, file), 'utf8'))) {
      const target = resolveImport(file, specifier);
      if (target === undefined) continue;
      if (!typeOnly) targets.push(target);
      const to = moduleOf(target);
      if (to === undefined || to === from) continue;
      const report = (rule: ImportViolation['rule'], message: string) =>
        violations.push({ rule, file, specifier, message });
      if (target !== `src/${to}/index.ts`) {
        report('door', `imports a file inside src/${to}/; import src/${to}/index.js, the module's only door`);
      }
      if (from === undefined || !production) continue;
      for (const arrow of neverArrows) {
        const applies = arrow.from === '*' ? !(arrow.except ?? []).includes(from) : arrow.from === from;
        if (applies && arrow.to === to) report('never', `${from} imports ${to}: ${arrow.why}`);
      }
      const allowed = table.get(from);
      if (allowed === undefined) {
        report('arrow', `module ${from} has no row in the module table of docs/architecture.md`);
      } else if (!allowed.has(to)) {
        report(
          'arrow',
          `${from} imports ${to}, which the "may import" column of docs/architecture.md does not list for ${from}`,
        );
      }
    }
    graph.set(file, targets);
  }

  violations.push(...checkVerticals(graph, exceptions));
  return withoutPendingExceptions(violations, exceptions).sort(
    (a, b) => a.file.localeCompare(b.file) || a.specifier.localeCompare(b.specifier) || a.rule.localeCompare(b.rule),
  );
}

/** The engine's production files must not reach vertical code, directly or through other doors. */
function checkVerticals(
  graph: ReadonlyMap<string, readonly string[]>,
  exceptions: readonly PendingException[],
): ImportViolation[] {
  const violations: ImportViolation[] = [];
  for (const file of graph.keys()) {
    if (!file.startsWith('src/engine/') || !isProduction(file)) continue;
    const reached = firstVertical(file, graph, exceptions);
    if (reached === undefined) continue;
    violations.push({
      rule: 'vertical',
      file,
      specifier: reached,
      message: `the engine reaches vertical code (${reached}); register packs from the composition root`,
    });
  }
  return violations;
}

/** Removes the violations a pending exception covers and reports the entries that cover none. */
function withoutPendingExceptions(
  violations: readonly ImportViolation[],
  exceptions: readonly PendingException[],
): ImportViolation[] {
  const used = new Set<PendingException>();
  const kept = violations.filter((violation) => {
    const entry = exceptions.find(
      (candidate) =>
        candidate.rule === violation.rule &&
        candidate.file === violation.file &&
        violation.specifier.includes(candidate.reaches),
    );
    if (entry !== undefined) used.add(entry);
    return entry === undefined;
  });
  for (const entry of exceptions) {
    if (used.has(entry)) continue;
    kept.push({
      rule: entry.rule,
      file: entry.file,
      specifier: entry.reaches,
      message: 'pending exception matches nothing any more: delete its entry from pendingExceptions',
    });
  }
  return kept;
}

/**
 * The first vertical file a production file reaches at run time, depth-first through production
 * files; files under a pending `vertical` exception are not walked (reported once, there).
 */
function firstVertical(
  start: string,
  graph: ReadonlyMap<string, readonly string[]>,
  exceptions: readonly PendingException[],
): string | undefined {
  // A file reached through a pending exception is reported once, at the exception.
  const seen = new Set([start, ...exceptions.filter((entry) => entry.rule === 'vertical').map((entry) => entry.file)]);
  const stack = [...(graph.get(start) ?? [])];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file) || !isProduction(file)) continue;
    seen.add(file);
    if (verticalCode(file)) return file;
    stack.push(...(graph.get(file) ?? []));
  }
  return undefined;
}

/**
 * Reads the "may import" column of the module table: backticked module names, `nothing`,
 * `everything`, `everything above` (the rows before) and `everything above but \`a\`, \`b\``.
 */
export function readModuleTable(root: string, modules: ReadonlySet<string>): Map<string, Set<string>> {
  const page = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  const table = new Map<string, Set<string>>();
  const above: string[] = [];
  for (const line of page.split('\n')) {
    const row = /^\|\s*`([a-z-]+)\/`\s*\|[^|]*\|([^|]*)\|\s*$/.exec(line);
    if (row === null) continue;
    const [, name = '', column = ''] = row;
    const named = [...column.matchAll(/`([a-z-]+)`/g)].map((match) => match[1] ?? '');
    const text = column.trim();
    let allowed: string[];
    if (text.startsWith('everything above but')) allowed = above.filter((module) => !named.includes(module));
    else if (text.startsWith('everything above')) allowed = [...above];
    else if (text.startsWith('everything')) allowed = [...modules];
    else allowed = named;
    table.set(name, new Set(allowed));
    above.push(name);
  }
  return table;
}

/** One relative import of a file: its specifier and whether it is erased at run time. */
export interface RelativeImport {
  readonly specifier: string;
  /** `import type`/`export type`, or every named binding marked `type`: nothing is loaded. */
  readonly typeOnly: boolean;
}

/** The relative imports of a source text: static, re-exports, dynamic `import()`, type-only. */
export function relativeImports(text: string): RelativeImport[] {
  const source = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: RelativeImport[] = [];
  const add = (node: ts.Expression | undefined, typeOnly: boolean) => {
    if (node !== undefined && ts.isStringLiteral(node) && /^\.\.?\//.test(node.text)) {
      found.push({ specifier: node.text, typeOnly });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const everyNameTyped =
        clause !== undefined &&
        clause.name === undefined &&
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, clause?.isTypeOnly === true || everyNameTyped);
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      const everyNameTyped =
        clause !== undefined &&
        ts.isNamedExports(clause) &&
        clause.elements.length > 0 &&
        clause.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, node.isTypeOnly || everyNameTyped);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveImport(file: string, specifier: string): string | undefined {
  const absolute = join(dirname(file), specifier).split(sep).join('/');
  if (absolute.startsWith('..')) return undefined;
  return absolute.replace(/\.js$/, '.ts');
}

function moduleOf(file: string): string | undefined {
  const match = /^src\/([^/]+)\//.exec(file);
  return match?.[1];
}

function isProduction(file: string): boolean {
  return file.startsWith('src/') && !file.endsWith('.test.ts');
}

function listTypeScript(root: string, folder: string): string[] {
  const start = join(root, folder);
  if (!existsSync(start)) return [];
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      if (name === 'node_modules' || name === 'results') continue;
      const path = join(directory, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(start);
  return found.sort();
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? '.');
  const violations = checkImports(root);
  for (const violation of violations) {
    console.error(`${violation.file}: ${violation.rule}: '${violation.specifier}' ${violation.message}`);
  }
  if (violations.length > 0) {
    console.error(`check-imports: ${violations.length} violation(s); see docs/architecture.md ("Modules")`);
    process.exit(1);
  }
  console.log('check-imports: every import goes through a module door and follows docs/architecture.md');
}
