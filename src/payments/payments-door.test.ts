import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const importPattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*'([^']+)'/g;

/** Relative import specifiers of a source file, resolved to `.ts` paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(importPattern)) {
    const specifier = match[1] ?? '';
    if (!specifier.startsWith('.')) continue;
    found.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
  }
  return found;
}

/** Every file reached from `entry` through relative imports. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...importsOf(file));
  }
  return seen;
}

function sourceFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

test('payments is one module behind one door: its index reaches neither the engine nor storage', () => {
  const modules = new Set(
    [...reachable(join(src, 'payments', 'index.ts'))].map((file) => relative(src, file).split('/')[0] ?? ''),
  );
  // The payment core and the OCSE pack (which reaches the rule-pack contract, rules, features and
  // typologies): never the engine, storage, screening or the simulator.
  for (const forbidden of ['engine', 'storage', 'screening', 'simulate', 'http', 'cli'])
    assert.ok(!modules.has(forbidden), `payments/index.ts reaches ${forbidden}/`);
  const allowed = ['core', 'csv', 'events', 'features', 'packs', 'payments', 'rules', 'typologies', 'xml'];
  assert.deepEqual(
    [...modules].filter((name) => !allowed.includes(name)),
    [],
  );
});

test('payments is one module behind one door: nothing outside it imports a file inside it but its index', () => {
  const deep: string[] = [];
  for (const file of sourceFiles(src)) {
    if (relative(src, file).startsWith('payments/')) continue;
    for (const target of importsOf(file)) {
      const inside = relative(join(src, 'payments'), target);
      if (!inside.startsWith('..') && inside !== 'index.ts') deep.push(`${relative(src, file)} → payments/${inside}`);
    }
  }
  assert.deepEqual(deep, []);
});
