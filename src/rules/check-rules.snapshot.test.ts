import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testCatalogs } from '../../test/support/rule-catalogs.js';
import { builtinRules } from './builtin/index.js';
import { configureBuiltinRules } from './builtin-rule.js';
import { checkRules } from './check-rules.js';
import { formatDiagnostics } from './diagnostic.js';

/**
 * Snapshot tests pin the exact wording and positions of validation errors. Each folder under
 * testdata/invalid is a rules directory; its expected.txt is the formatted diagnostics.
 * Files named `*.yaml.txt` are rule files with deliberate YAML syntax errors, kept under that
 * name so the repository's YAML linting leaves them alone; they are checked as `*.yaml` from a
 * temporary copy of the folder.
 *
 * Regenerate (then review the diff) with:
 *   UPDATE_SNAPSHOTS=1 node --import tsx --test src/rules/check-rules.snapshot.test.ts
 */
const invalid = fileURLToPath(new URL('./testdata/invalid/', import.meta.url));
const update = process.env.UPDATE_SNAPSHOTS === '1';
const builtins = configureBuiltinRules(builtinRules, {}, testCatalogs);
const scratch = mkdtempSync(join(tmpdir(), 'prevail-rules-snapshots-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Copies a case folder to the scratch directory, restoring `*.yaml.txt` files to `*.yaml`. */
function materialise(name: string): string {
  const target = join(scratch, name);
  cpSync(join(invalid, name), target, { recursive: true });
  for (const entry of readdirSync(target, { recursive: true, encoding: 'utf8' })) {
    if (/\.ya?ml\.txt$/.test(entry)) renameSync(join(target, entry), join(target, entry.slice(0, -'.txt'.length)));
  }
  return target;
}

for (const name of readdirSync(invalid).sort()) {
  test(`diagnostics for testdata/invalid/${name}`, async () => {
    const diagnostics = await checkRules(materialise(name), testCatalogs, { builtins });
    const actual = formatDiagnostics(diagnostics, { directory: name });
    const expectedPath = join(invalid, name, 'expected.txt');
    if (update) writeFileSync(expectedPath, actual);
    else assert.equal(actual, readFileSync(expectedPath, 'utf8'));
  });
}

test('the valid testdata has no diagnostic', async () => {
  const valid = fileURLToPath(new URL('./testdata/valid/', import.meta.url));
  assert.deepEqual(await checkRules(valid, testCatalogs, { builtins }), []);
});
