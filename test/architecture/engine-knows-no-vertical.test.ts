import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The engine knows no vertical (DESIGN.md: rule packs live with their vertical and are registered
 * by the composition root). These tests read the source: every file the engine's production code
 * reaches through its imports, directly or not, must be outside the verticals (`payments/`,
 * `streams/`, `chat/`) and outside any pack implementation (a folder under `packs/`: `packs/` itself is
 * only the contract), and the engine's code names no vertical's event type.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = join(root, 'src');
const engine = join(source, 'engine');

/** Where a file must not be for the engine to reach it, and why. */
const forbidden: readonly { readonly test: (path: string) => boolean; readonly why: string }[] = [
  { test: (path) => path.startsWith(`payments${sep}`), why: 'the payments vertical' },
  { test: (path) => path.startsWith(`streams${sep}`), why: 'the streams vertical' },
  { test: (path) => path.startsWith(`chat${sep}`), why: 'the chat vertical' },
  { test: (path) => path.startsWith(`packs${sep}`) && path.split(sep).length > 2, why: 'a pack implementation' },
];

function productionFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return productionFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The files `file` imports or re-exports by a relative specifier (type-only ones too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => match[1] ?? '');
  return specifiers.map((specifier) => {
    const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
    return existsSync(target) ? target : resolve(dirname(file), specifier, 'index.ts');
  });
}

/** Every file reachable from `starts`, each with the chain of imports that reaches it. */
function reachable(starts: readonly string[]): Map<string, string[]> {
  const chains = new Map<string, string[]>(starts.map((start) => [start, [start]]));
  const queue = [...starts];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const target of importsOf(file)) {
      if (chains.has(target) || !existsSync(target)) continue;
      chains.set(target, [...(chains.get(file) ?? []), target]);
      queue.push(target);
    }
  }
  return chains;
}

describe('the engine knows no vertical', () => {
  test('no engine file reaches a pack implementation, payments or streams through its imports', () => {
    const violations: string[] = [];
    for (const [file, chain] of reachable(productionFiles(engine))) {
      const path = relative(source, file);
      const rule = forbidden.find((candidate) => candidate.test(path));
      if (rule !== undefined)
        violations.push(`${rule.why}: ${chain.map((step) => relative(source, step)).join(' → ')}`);
    }
    assert.deepEqual(violations, [], 'src/engine sees only the pack contract (src/packs/index.ts)');
  });

  test("no engine file names a vertical's event type (what an event means to a case is data)", () => {
    const literals: string[] = [];
    for (const file of productionFiles(engine)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/'((?:media|payment|stream|session|chat)\.[a-z_.]+)'/g))
        literals.push(`${relative(source, file)}: ${match[1]}`);
    }
    assert.deepEqual(literals, []);
  });
});
