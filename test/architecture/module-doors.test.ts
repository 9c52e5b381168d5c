import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkImports, type ImportViolation, relativeImports } from '../../scripts/check-imports.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const checker = join(repository, 'scripts', 'check-imports.ts');

/** A small checkout: five modules, each with its door, and a module table like the real one. */
const cleanCheckout: Record<string, string> = {
  'docs/architecture.md': [
    '| module | what it holds | may import |',
    '|---|---|---|',
    '| `core/` | errors | nothing |',
    '| `signals/` | signal types | `core` |',
    '| `exchanges/` | hash lists | `core`, `signals` |',
    '| `payments/` | a vertical | `core` |',
    '| `engine/` | the engine | `core`, `payments` |',
    '| `http/` | the server | everything above |',
    '',
  ].join('\n'),
  'src/core/index.ts': "export { coreValue } from './inner.js';\n",
  'src/core/inner.ts': 'export const coreValue = 1;\n',
  'src/signals/index.ts': "import { coreValue } from '../core/index.js';\nexport const signal = coreValue;\n",
  'src/exchanges/index.ts': "export { signal } from '../signals/index.js';\n",
  'src/payments/index.ts': 'export const payment = 1;\n',
  'src/engine/index.ts':
    "import type { payment } from '../payments/index.js';\nexport type Payment = typeof payment;\n",
  'src/http/index.ts':
    "export { signal } from '../signals/index.js';\nexport { payment } from '../payments/index.js';\n",
  'test/core.test.ts': "import { coreValue } from '../src/core/index.js';\nexport const value = coreValue;\n",
};

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Writes the clean checkout plus `extra` files into a fresh temporary folder. */
function checkout(extra: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'prevail-doors-'));
  roots.push(root);
  for (const [path, text] of Object.entries({ ...cleanCheckout, ...extra })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function rulesBroken(violations: readonly ImportViolation[]): string[] {
  return violations.map((violation) => `${violation.file} ${violation.rule}`);
}

describe('module doors and arrows are enforced by lint', () => {
  test('a checkout that keeps every door and arrow passes', () => {
    assert.deepEqual(checkImports(checkout(), []), []);
  });

  test('a deep import into another module fails, from src and from test', () => {
    const root = checkout({
      'src/signals/deep.ts': "import { coreValue } from '../core/inner.js';\nexport const deep = coreValue;\n",
      'test/deep.test.ts': "import { coreValue } from '../src/core/inner.js';\nexport const deep = coreValue;\n",
    });
    assert.deepEqual(rulesBroken(checkImports(root, [])), ['src/signals/deep.ts door', 'test/deep.test.ts door']);
  });

  test('a deep import inside its own module is allowed', () => {
    const root = checkout({ 'src/core/more.ts': "export { coreValue } from './inner.js';\n" });
    assert.deepEqual(checkImports(root, []), []);
  });

  test('signals importing exchanges fails as a forbidden arrow, whatever the table says', () => {
    const root = checkout({
      'src/signals/formats.ts': "export { signal } from '../exchanges/index.js';\n",
    });
    assert.deepEqual(rulesBroken(checkImports(root, [])), [
      'src/signals/formats.ts arrow',
      'src/signals/formats.ts never',
    ]);
  });

  test('domain code importing http/ fails as a forbidden arrow', () => {
    const root = checkout({ 'src/exchanges/server.ts': "export { signal } from '../http/index.js';\n" });
    assert.deepEqual(rulesBroken(checkImports(root, [])), [
      'src/exchanges/server.ts arrow',
      'src/exchanges/server.ts never',
    ]);
  });

  test('an import the module table does not list fails', () => {
    const root = checkout({ 'src/core/upward.ts': "export { signal } from '../signals/index.js';\n" });
    const violations = checkImports(root, []);
    assert.deepEqual(rulesBroken(violations), ['src/core/upward.ts arrow']);
    assert.match(violations[0]?.message ?? '', /does not list for core/);
  });

  test('the engine reaching a vertical at run time fails, even through another door', () => {
    const root = checkout({
      'docs/architecture.md': (cleanCheckout['docs/architecture.md'] ?? '').replace(
        '| `engine/` | the engine | `core`, `payments` |',
        '| `engine/` | the engine | `core`, `exchanges` |',
      ),
      'src/exchanges/index.ts':
        "export { signal } from '../signals/index.js';\nexport * from '../payments/index.js';\n",
      'src/engine/packs.ts': "export { payment } from '../exchanges/index.js';\n",
    });
    const violations = checkImports(root, []).filter((violation) => violation.file === 'src/engine/packs.ts');
    assert.deepEqual(rulesBroken(violations), ['src/engine/packs.ts vertical']);
    assert.equal(violations[0]?.specifier, 'src/payments/index.ts');
  });

  test('tests beside the code keep the doors but not the table', () => {
    const root = checkout({
      'src/core/core.test.ts': "import { signal } from '../signals/index.js';\nexport const value = signal;\n",
      'src/core/deep.test.ts': "import { signal } from '../signals/inner.js';\nexport const value = signal;\n",
    });
    assert.deepEqual(rulesBroken(checkImports(root, [])), ['src/core/deep.test.ts door']);
  });

  test('import forms: static, re-export, dynamic and type-only are all seen', () => {
    const imports = relativeImports(
      [
        "import { a } from './a.js';",
        "import type { B } from './b.js';",
        "import { type C, type D } from './c.js';",
        "export { e } from './e.js';",
        "export type { F } from './f.js';",
        "const g = await import('./g.js');",
        "import { readFileSync } from 'node:fs';",
      ].join('\n'),
    );
    assert.deepEqual(imports, [
      { specifier: './a.js', typeOnly: false },
      { specifier: './b.js', typeOnly: true },
      { specifier: './c.js', typeOnly: true },
      { specifier: './e.js', typeOnly: false },
      { specifier: './f.js', typeOnly: true },
      { specifier: './g.js', typeOnly: false },
    ]);
  });

  test('a pending exception covers its violation, and fails once nothing breaks it any more', () => {
    const exception = { rule: 'door', file: 'src/signals/deep.ts', reaches: '/core/', why: 'in flight' } as const;
    const deep = {
      'src/signals/deep.ts': "import { coreValue } from '../core/inner.js';\nexport const x = coreValue;\n",
    };
    assert.deepEqual(checkImports(checkout(deep), [exception]), []);
    const stale = checkImports(checkout(), [exception]);
    assert.deepEqual(rulesBroken(stale), ['src/signals/deep.ts door']);
    assert.match(stale[0]?.message ?? '', /delete its entry/);
  });

  test('the lint script exits non-zero and names the file on a deep import', () => {
    const root = checkout({
      'src/exchanges/deep.ts': "import { coreValue } from '../core/inner.js';\nexport const deep = coreValue;\n",
    });
    const run = spawnSync(process.execPath, ['--import', 'tsx', checker, root], { cwd: repository, encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /src\/exchanges\/deep\.ts: door: '\.\.\/core\/inner\.js'/);
  });

  test('this repository keeps every door and arrow (the check npm run lint runs)', () => {
    assert.deepEqual(checkImports(repository), []);
  });
});
