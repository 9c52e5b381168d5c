import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { testCatalogs } from '../../test/support/rule-catalogs.js';
import { isEngineError } from '../core/index.js';
import type { RuleContext } from './rule-context.js';
import { RuleSetLoader } from './rule-set-loader.js';

const root = mkdtempSync(join(tmpdir(), 'prevail-rule-loader-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

function rulesDirectory(files: Record<string, string>): string {
  const directory = join(root, `case-${counter++}`);
  mkdirSync(directory);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

function rule(id: string, when = 'event.data.amount > 10.0'): string {
  return `rules:\n  - id: ${id}\n    description: d\n    events: [payment.sent]\n    when: ${when}\n    effects:\n      - verdict: review\n`;
}

const payment: RuleContext = {
  event: { id: 'e1', type: 'payment.sent', time: '', timeMs: 0, entities: {}, data: { amount: 20 } },
};

function ids(loader: RuleSetLoader): string[] {
  return loader.current.evaluate(payment).hits.map((hit) => hit.ruleId);
}

describe('RuleSetLoader', () => {
  test('open loads the directory; an invalid directory fails startup with every diagnostic', async () => {
    const loader = await RuleSetLoader.open({
      directory: rulesDirectory({ 'a.yaml': rule('first_rule') }),
      catalogs: testCatalogs,
    });
    assert.deepEqual(ids(loader), ['first_rule']);
    const bad = rulesDirectory({ 'a.yaml': rule('Bad'), 'b.yaml': rule('other', 'nope > 1') });
    await assert.rejects(
      RuleSetLoader.open({ directory: bad, catalogs: testCatalogs }),
      (error: unknown) =>
        isEngineError(error) &&
        error.code === 'CONFIG_INVALID' &&
        /a\.yaml:2:9: rule id 'Bad'/.test(error.message) &&
        /b\.yaml:5:11: CEL type error: Unknown variable: nope/.test(error.message),
    );
  });

  test('a reload with any error keeps the old set running and returns the diagnostics', async () => {
    const directory = rulesDirectory({ 'a.yaml': rule('first_rule') });
    const loader = await RuleSetLoader.open({ directory, catalogs: testCatalogs });
    const before = loader.current;
    writeFileSync(join(directory, 'a.yaml'), rule('first_rule', 'event.data.amount >'));
    writeFileSync(join(directory, 'b.yaml'), rule('second_rule'));
    const outcome = await loader.reload();
    assert.equal(outcome.ok, false);
    assert.deepEqual(
      outcome.ok ? [] : outcome.diagnostics.map((diagnostic) => `${diagnostic.file}:${diagnostic.line}`),
      ['a.yaml:5'],
    );
    assert.equal(loader.current, before);
    assert.deepEqual(ids(loader), ['first_rule']);

    writeFileSync(join(directory, 'a.yaml'), rule('first_rule', 'event.data.amount > 100.0'));
    const fixed = await loader.reload();
    assert.equal(fixed.ok, true);
    assert.equal(fixed.ok && fixed.ruleSet, loader.current);
    assert.deepEqual(ids(loader), ['second_rule']);
  });

  test('reloads run in order; new catalogs apply only when the reload succeeds', async () => {
    const directory = rulesDirectory({ 'a.yaml': rule('uses_feature', 'features.distinct_payers_7d > 1') });
    const loader = await RuleSetLoader.open({ directory, catalogs: testCatalogs });
    const withoutFeature = { ...testCatalogs, features: {} };
    const [first, second] = await Promise.all([loader.reload({ catalogs: withoutFeature }), loader.reload()]);
    assert.equal(first.ok, false);
    assert.equal(second.ok, true);
  });

  test('a missing directory is a diagnostic on reload, not a crash', async () => {
    const directory = rulesDirectory({ 'a.yaml': rule('first_rule') });
    const loader = await RuleSetLoader.open({ directory, catalogs: testCatalogs });
    rmSync(directory, { recursive: true });
    const outcome = await loader.reload();
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : (outcome.diagnostics[0]?.message ?? ''), /^cannot read the rules directory: ENOENT/);
    assert.deepEqual(ids(loader), ['first_rule']);
  });
});
