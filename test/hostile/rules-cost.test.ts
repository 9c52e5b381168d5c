import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/auth/index.js';
import { runCli } from '../../src/cli/index.js';
import { isEngineError } from '../../src/core/index.js';
import { compileEventFilter, loadEngineConfig } from '../../src/engine/index.js';
import { buildRuleSet, checkRuleSources, type RuleSet, RuleSetLoader } from '../../src/rules/index.js';
import { captureIo } from '../support/capture-io.js';
import { examplePacks, examplePolicy, syntheticEvent } from '../support/engine-harness.js';
import { testCatalogs } from '../support/rule-catalogs.js';
import { startTestServer } from '../support/server-harness.js';

/** `[0..999]` of the issue, written out: CEL has no range syntax, so a list literal of 1,000 ints. */
const thousand = `[${Array.from({ length: 1000 }, (_, index) => index).join(', ')}]`;
/** The expression, `[0..999].all(a, [0..999].all(b, [0..999].all(c, a+b+c >= 0)))`. */
const hangingCondition = `${thousand}.all(a, ${thousand}.all(b, ${thousand}.all(c, a+b+c >= 0)))`;

function ruleFile(id: string, when: string, events = '[payment.sent]'): string {
  return [
    'rules:',
    `  - id: ${id}`,
    '    description: A synthetic rule',
    `    events: ${events}`,
    '    when: >-',
    `      ${when}`,
    '    mode: active',
    '    effects:',
    '      - verdict: review',
    '',
  ].join('\n');
}

describe('A rule can hang the engine', () => {
  test('A rule can hang the engine: rules check refuses [0..999].all(a, [0..999].all(b, [0..999].all(c, a+b+c >= 0))) as too costly, at file:line:col', () => {
    const diagnostics = checkRuleSources(
      [{ file: 'rules.yaml', text: ruleFile('hanging_rule', hangingCondition) }],
      testCatalogs,
    );
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [diagnostic] = diagnostics;
    assert.deepEqual([diagnostic?.file, diagnostic?.line, diagnostic?.column], ['rules.yaml', 6, 7]);
    assert.match(diagnostic?.message ?? '', /too costly: its estimated cost [\d,]+ is over the budget of 1,000,000/);
    // As the issue writes it, `[0..999]` is not CEL: refused too, as a syntax error at its place.
    const literal = checkRuleSources(
      [
        {
          file: 'rules.yaml',
          text: ruleFile('range_rule', '[0..999].all(a, [0..999].all(b, [0..999].all(c, a+b+c >= 0)))'),
        },
      ],
      testCatalogs,
    );
    assert.equal(literal.length, 1);
    assert.match(literal[0]?.message ?? '', /CEL syntax error/);
  });

  test('A rule can hang the engine: cheap comprehensions still pass the cost check', () => {
    const diagnostics = checkRuleSources(
      [
        {
          file: 'rules.yaml',
          text: ruleFile('cheap_rule', `${thousand}.exists(a, a == 7) && [1, 2, 3].all(x, [1, 2].exists(y, x > y))`),
        },
      ],
      testCatalogs,
    );
    assert.deepEqual(diagnostics, []);
  });

  test('A rule can hang the engine: matches() with a backtracking or computed pattern is refused; a plain pattern passes', () => {
    const messages = (when: string) =>
      checkRuleSources(
        [{ file: 'rules.yaml', text: ruleFile('pattern_rule', when, '[account.updated]') }],
        testCatalogs,
      ).map((diagnostic) => `${diagnostic.column}: ${diagnostic.message}`);
    assert.deepEqual(messages('event.data.name.matches("(a+)+$")'), [
      '31: the pattern of matches() could take exponential time: a repeated group repeats or alternates inside (nested quantifier)',
    ]);
    assert.match(messages('event.data.name.matches("(x|xy)*z")')[0] ?? '', /nested quantifier/);
    assert.match(messages('event.data.name.matches("(a)\\\\1")')[0] ?? '', /back-reference/);
    assert.match(messages('event.data.name.matches(event.data.pattern)')[0] ?? '', /must be a string literal/);
    assert.deepEqual(messages('event.data.name.matches("^[a-z]+-[0-9]{2,4}(ab)?$")'), []);
  });

  test('A rule can hang the engine: prevail rules check exits 1 naming the file, line and column', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'prevail-rules-cost-'));
    try {
      const policy = join(directory, 'policy');
      await cp(examplePolicy, policy, { recursive: true });
      await writeFile(join(policy, 'rules', 'hang.yaml'), ruleFile('hanging_rule', hangingCondition));
      const io = captureIo();
      const status = await runCli(['rules', 'check', policy], io);
      assert.equal(status, 1);
      assert.match(io.errors(), /hang\.yaml:6:7: 'when' is too costly/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('A rule can hang the engine: a reload with the costly rule is refused and the running rules stay', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'prevail-rules-cost-reload-'));
    try {
      await writeFile(join(directory, 'ok.yaml'), ruleFile('fine_rule', 'event.data.amount > 10.0'));
      const loader = await RuleSetLoader.open({ directory, catalogs: testCatalogs });
      const before = loader.current;
      await writeFile(join(directory, 'hang.yaml'), ruleFile('hanging_rule', hangingCondition));
      const outcome = await loader.reload();
      assert.equal(outcome.ok, false);
      assert.match(outcome.ok ? '' : (outcome.diagnostics[0]?.message ?? ''), /too costly/);
      assert.equal(loader.current, before);
      await assert.rejects(RuleSetLoader.open({ directory, catalogs: testCatalogs }), /too costly/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('A rule can hang the engine: a feature filter, CEL too, has the same budget', async () => {
    assert.throws(
      () => compileEventFilter(hangingCondition, 'hanging_feature'),
      (error) => isEngineError(error) && error.code === 'CONFIG_INVALID' && /filter is too costly/.test(error.message),
    );
    const filter = compileEventFilter('event.data.items.all(x, x >= 0.0)', 'every_item', {
      maxCost: 5000,
      maxEvaluationMs: 250,
      assumedDataSize: 100,
    });
    const event = (items: number[]) => ({
      id: 'f1',
      type: 'account.updated',
      time: '2026-03-01T12:00:00Z',
      timeMs: 0,
      entities: { user: 'u1' },
      data: { items },
    });
    assert.equal(filter(event([1, 2])), true);
    assert.equal(filter(event(Array.from({ length: 20_000 }, () => 1))), false, 'stopped at the budget: false');
    const directory = await mkdtemp(join(tmpdir(), 'prevail-rules-cost-filter-'));
    try {
      await writeFile(
        join(directory, 'features.yaml'),
        `features:\n  - name: hanging_count\n    entity: user\n    events: [account.updated]\n    aggregate: count\n    filter: >-\n      ${hangingCondition}\n`,
      );
      await assert.rejects(
        loadEngineConfig(directory, { packRegistry: examplePacks }),
        /feature hanging_count: filter is too costly/,
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('A rule can hang the engine: a rule whose cost comes from the event is stopped at run time and disabled; the other rules go on', () => {
    const build = buildRuleSet(
      [
        {
          file: 'rules.yaml',
          text: [
            ruleFile('sums_every_item', 'event.data.items.all(x, x + 1.0 > 0.0)', '[account.updated]'),
            ruleFile('big_payment', 'event.data.amount > 1000.0', '[account.updated]').replace('rules:\n', ''),
          ].join(''),
        },
      ],
      { ...testCatalogs, ruleLimits: { maxCost: 20_000 } },
    );
    if (!build.ok) assert.fail(JSON.stringify(build.diagnostics));
    const rules: RuleSet = build.ruleSet;
    const event = (id: string, data: Record<string, unknown>) => ({
      event: { id, type: 'account.updated', time: '2026-03-01T12:00:00Z', timeMs: 0, entities: { user: 'u1' }, data },
    });
    const small = rules.evaluate(event('small', { amount: 5000, items: [1, 2, 3] }));
    assert.deepEqual(small.hits.map((hit) => hit.ruleId).sort(), ['big_payment', 'sums_every_item']);

    const items = Array.from({ length: 50_000 }, (_, index) => index);
    const started = performance.now();
    const huge = rules.evaluate(event('huge', { amount: 5000, items }));
    assert.ok(performance.now() - started < 2000, 'stopped at the budget, not after the whole list');
    assert.deepEqual(
      huge.hits.map((hit) => hit.ruleId),
      ['big_payment'],
    );
    assert.equal(huge.disabled?.[0]?.ruleId, 'sums_every_item');
    assert.match(huge.disabled?.[0]?.reason ?? '', /over the evaluation budget: it spent more than 20000 cost units/);
    assert.equal(huge.disabled?.[0]?.eventId, 'huge');
    assert.deepEqual(
      rules.disabled.map((rule) => rule.ruleId),
      ['sums_every_item'],
    );

    const later = rules.evaluate(event('later', { amount: 5000, items: [1] }));
    assert.deepEqual(
      later.hits.map((hit) => hit.ruleId),
      ['big_payment'],
      'the disabled rule no longer runs; the others do',
    );
    assert.equal(later.disabled, undefined);
  });
});

describe('A rule can hang the engine: through the engine and /v1/rules/stats', () => {
  let directory: string;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let writer: string;
  let reader: string;
  const auth = (secret: string) => ({ authorization: `Bearer ${secret}` });

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-rules-cost-engine-'));
    const policy = join(directory, 'policy');
    await cp(examplePolicy, policy, { recursive: true });
    await writeFile(join(policy, 'rule-limits.yaml'), 'rule_limits:\n  max_cost: 20000\n');
    await mkdir(join(policy, 'event-types'), { recursive: true });
    await writeFile(
      join(policy, 'event-types', 'basket.json'),
      JSON.stringify({
        name: 'test.basket',
        requiredRoles: ['user'],
        dataSchema: { type: 'object', properties: { items: { type: 'array', items: { type: 'number' } } } },
      }),
    );
    await writeFile(
      join(policy, 'rules', 'basket.yaml'),
      ruleFile('every_item_positive', 'event.data.items.all(x, x + 1.0 > 0.0)', '[test.basket]'),
    );
    server = await startTestServer({ policyDir: policy });
    writer = (await createApiKey(server.services.storage.apiKeys, 'analyst', ['write'])).secret;
    reader = (await createApiKey(server.services.storage.apiKeys, 'reviewer', ['read'])).secret;
  });
  after(async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('A rule can hang the engine: an event over the budget disables the rule, later events are processed and stats report it', async () => {
    const basket = (id: string, items: number[]) =>
      syntheticEvent('test.basket', { user: 'u-basket' }, { items }, '2026-11-05T10:00:00Z', id);
    const huge = Array.from({ length: 30_000 }, (_, index) => index);
    const first = await server.app.inject({
      method: 'POST',
      url: '/v1/events?wait=verdict',
      headers: auth(writer),
      payload: [basket('basket-small', [1, 2]), basket('basket-huge', huge)],
    });
    assert.equal(first.statusCode, 200, first.body);
    const verdicts = first.json().results.map((result: { verdict?: { verdict: string } }) => result.verdict?.verdict);
    assert.deepEqual(verdicts, ['review', 'allow'], 'the small basket fires; the huge one is stopped, not fired');

    const match = syntheticEvent(
      'media.matched',
      { user: 'u-after' },
      { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 2 }] },
      '2026-11-05T11:00:00Z',
      'after-the-huge-basket',
    );
    const next = await server.app.inject({
      method: 'POST',
      url: '/v1/events?wait=verdict',
      headers: auth(writer),
      payload: [match, basket('basket-after', [1])],
    });
    assert.deepEqual(
      next.json().results.map((result: { verdict?: { verdict: string } }) => result.verdict?.verdict),
      ['block', 'allow'],
      'other rules go on; the disabled rule no longer fires',
    );

    const stats = await server.app.inject({ method: 'GET', url: '/v1/rules/stats', headers: auth(reader) });
    assert.equal(stats.statusCode, 200);
    const disabled = stats.json().disabled;
    assert.equal(disabled.length, 1);
    assert.equal(disabled[0].ruleId, 'every_item_positive');
    assert.equal(disabled[0].eventId, 'basket-huge');
    assert.match(disabled[0].reason, /over the evaluation budget/);
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics', headers: auth(reader) });
    assert.match(metrics.body, /^prevail_rules_disabled 1$/m);
  });
});
