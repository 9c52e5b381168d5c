import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testCatalogs } from '../../test/support/rule-catalogs.js';
import { isEngineError } from '../core/index.js';
import { builtinRules } from './builtin/index.js';
import { configureBuiltinRules } from './builtin-rule.js';
import { buildRuleSet, checkRuleSources } from './check-rules.js';
import type { RuleSource } from './rule-files.js';

/** `line:column: message` for every diagnostic of one file named rules.yaml. */
function check(text: string): string[] {
  return checkRuleSources([{ file: 'rules.yaml', text }], testCatalogs).map(
    (diagnostic) => `${diagnostic.line}:${diagnostic.column}: ${diagnostic.message}`,
  );
}

/** A one-rule file; `fields` replace or add rule keys (YAML text, indented by the caller). */
function ruleFile(overrides: { events?: string; when?: string; effects?: string; extra?: string } = {}): string {
  return [
    'rules:',
    '  - id: test_rule',
    '    description: A synthetic rule',
    `    events: ${overrides.events ?? '[payment.sent]'}`,
    `    when: ${overrides.when ?? 'event.data.amount > 10.0'}`,
    ...(overrides.extra === undefined ? [] : [overrides.extra]),
    '    effects:',
    overrides.effects ?? '      - verdict: review',
    '',
  ].join('\n');
}

describe('checkRuleSources: file and rule shape', () => {
  test('a valid file has no diagnostic', () => {
    assert.deepEqual(check(ruleFile()), []);
  });

  test('unknown top-level key and unknown rule key, with a did-you-mean hint', () => {
    const diagnostics = checkRuleSources(
      [{ file: 'rules.yaml', text: `name: x\n${ruleFile({ extra: '    descripton: typo' })}` }],
      testCatalogs,
    );
    assert.deepEqual(
      diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.column, diagnostic.message, diagnostic.hint]),
      [
        [1, 1, "unknown key 'name' in rule file", 'expected one of: rules'],
        [7, 5, "unknown key 'descripton' in rule", "did you mean 'description'?"],
      ],
    );
  });

  test('missing required keys are reported together at the rule', () => {
    assert.deepEqual(check('rules:\n  - id: lonely_rule\n'), [
      '2:5: rule is missing required keys: description, events, when, effects',
    ]);
  });

  test('YAML syntax errors are located and stop further checks of that file only', () => {
    const diagnostics = checkRuleSources(
      [
        { file: 'a.yaml', text: 'rules: [\n' },
        { file: 'b.yaml', text: ruleFile({ events: '[nope.nope]' }) },
      ],
      testCatalogs,
    );
    assert.deepEqual(
      diagnostics.map((diagnostic) => `${diagnostic.file}:${diagnostic.line}: ${diagnostic.message.slice(0, 17)}`),
      ['a.yaml:2: YAML syntax error', 'b.yaml:4: unknown event typ'],
    );
  });
});

describe('checkRuleSources: ids', () => {
  test('bad id syntax suggests a well-formed id', () => {
    const diagnostics = checkRuleSources(
      [{ file: 'rules.yaml', text: ruleFile().replace('test_rule', 'Test Rule') }],
      testCatalogs,
    );
    assert.equal(diagnostics[0]?.message.startsWith("rule id 'Test Rule' must be lowercase words"), true);
    assert.equal(diagnostics[0]?.hint, "for example 'test_rule'");
  });

  test('a duplicate id is reported at its second definition, across files in sorted order', () => {
    const sources: RuleSource[] = [
      { file: 'z.yaml', text: ruleFile() },
      { file: 'a.yaml', text: ruleFile() },
    ];
    const diagnostics = checkRuleSources(sources, testCatalogs);
    assert.deepEqual(
      diagnostics.map(
        (diagnostic) => `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.message}`,
      ),
      ["z.yaml:2:9: duplicate rule id 'test_rule'; first defined at a.yaml:2:9"],
    );
  });

  test('an id taken by a built-in rule is reported', () => {
    const builtins = configureBuiltinRules(builtinRules);
    const text = ruleFile().replace('test_rule', 'many_devices_per_account');
    const diagnostics = checkRuleSources([{ file: 'rules.yaml', text }], testCatalogs, { builtins });
    assert.deepEqual(
      diagnostics.map((diagnostic) => diagnostic.message),
      ["rule id 'many_devices_per_account' is taken by a built-in rule"],
    );
  });
});

describe('checkRuleSources: events, mode, when', () => {
  test('unknown and repeated event types', () => {
    assert.deepEqual(check(ruleFile({ events: '[payment.sent, payment.send, payment.sent]' })), [
      "4:28: unknown event type 'payment.send'",
      "4:42: event type 'payment.sent' is listed twice",
    ]);
  });

  test('unknown mode', () => {
    assert.deepEqual(check(ruleFile({ extra: '    mode: enforce' })), ["6:11: unknown mode 'enforce'"]);
  });

  test('a CEL syntax error inside a folded block points at its line and column in the file', () => {
    const when = '>\n      event.data.amount > 10.0\n      && event.data.currency ==';
    assert.deepEqual(check(ruleFile({ when })), ['7:32: CEL syntax error: Unexpected token: EOF']);
  });

  test('a CEL type error inside a literal block points at the failing sub-expression', () => {
    const when = '|\n      event.data.amount > 10.0 &&\n        features.payments_to_host_30m + 1.5 > 2.0';
    assert.deepEqual(check(ruleFile({ when })), ['7:9: CEL type error: no such overload: int + double']);
  });

  test('the condition must be a bool and a string', () => {
    assert.deepEqual(check(ruleFile({ when: `'"text"'` })), [
      "5:12: 'when' must be a bool expression; this one is string",
    ]);
    assert.deepEqual(check(ruleFile({ when: 'true' })), [
      "5:11: 'when' must be a CEL expression string, got the boolean true",
    ]);
    assert.deepEqual(check(ruleFile({ when: "'features.distinct_payers_7d'" })), [
      "5:12: 'when' must be a bool expression; this one is int",
    ]);
    assert.deepEqual(check(ruleFile({ when: '42' })), [
      "5:11: 'when' must be a CEL expression string, got the number 42",
    ]);
  });

  test('unknown feature, label, entity role and data field are each reported at the name', () => {
    const when = `'features.distinct_payers > 0 && "payment_wach" in labels.payment_account && entities.payee != "" && event.data.amout > 1.0'`;
    assert.deepEqual(check(ruleFile({ when })), [
      "5:21: unknown feature 'distinct_payers'",
      "5:44: unknown label 'payment_wach'",
      "5:97: unknown entity role 'payee'",
      "5:123: no event type this rule runs on has a data field 'amout'",
    ]);
  });

  test('labels compared inside an iteration macro over labels are checked; iteration variables shadow', () => {
    const when = `'labels.user.exists(l, l == "known_good" || "nope" == l) && matches.all(features, features.distance < 9)'`;
    assert.deepEqual(check(ruleFile({ when, events: '[media.matched]' })), ["5:55: unknown label 'nope'"]);
  });

  test('data fields are not checked when an event type lists none', () => {
    assert.deepEqual(check(ruleFile({ events: '[account.updated]', when: 'has(event.data.anything)' })), []);
  });
});

describe('checkRuleSources: effects', () => {
  const effect = (text: string) => check(ruleFile({ effects: `      - ${text}` }));

  test('verdict and case priority must be known', () => {
    assert.deepEqual(effect('verdict: deny'), ["7:18: unknown verdict 'deny'"]);
    assert.deepEqual(effect('case: { subject: user, priority: soon }'), ["7:42: unknown case priority 'soon'"]);
  });

  test('entity roles, labels and typologies must be in the catalogs', () => {
    assert.deepEqual(effect('label: { entity: account, add: payment_watch }'), ["7:26: unknown entity role 'account'"]);
    assert.deepEqual(effect('label: { entity: user, add: watch }'), ["7:37: unknown label 'watch'"]);
    assert.deepEqual(effect('typology: { name: other, points: 1 }'), ["7:27: unknown typology 'other'"]);
  });

  test('points must be a positive number', () => {
    for (const points of ['0', '-1', '.nan', '"5"', '[1]']) {
      const [diagnostic] = effect(`typology: { name: small_cross_border_payments, points: ${points} }`);
      assert.match(diagnostic ?? '', /^7:\d+: typology points must be a positive number, got /);
    }
    assert.deepEqual(effect('typology: { name: small_cross_border_payments, points: 0.5 }'), []);
  });

  test('expires must be a duration, and only on add', () => {
    for (const expires of ['7', '7 d', '0d', '1w', '3651d', '-1h']) {
      const [diagnostic] = effect(`label: { entity: user, add: stream_watch, expires: ${expires} }`);
      assert.match(diagnostic ?? '', /label expires must be a duration such as 30m, 12h or 7d/);
    }
    assert.deepEqual(effect('label: { entity: user, add: stream_watch, expires: 3650d }'), []);
    assert.deepEqual(effect('label: { entity: user, remove: stream_watch, expires: 1d }'), [
      "7:54: 'expires' applies only when adding a label",
    ]);
  });

  test('an effect has exactly one kind', () => {
    assert.deepEqual(
      check(ruleFile({ effects: '      - verdict: block\n        case: { subject: user, priority: low }' })),
      ["8:9: an effect has exactly one of verdict, label, typology, case or action; this one also has 'case'"],
    );
  });
});

describe('checkRuleSources: completeness and order', () => {
  test('every problem in every file, sorted by file, line and column whatever the input order', () => {
    const bad = ruleFile({ events: '[nope.nope]', effects: '      - verdict: maybe' });
    const forward = checkRuleSources(
      [
        { file: 'b.yaml', text: bad },
        { file: 'a.yaml', text: bad.replace('test_rule', 'other_rule') },
      ],
      testCatalogs,
    );
    const backward = checkRuleSources(
      [
        { file: 'a.yaml', text: bad.replace('test_rule', 'other_rule') },
        { file: 'b.yaml', text: bad },
      ],
      testCatalogs,
    );
    assert.deepEqual(forward, backward);
    assert.deepEqual(
      forward.map((diagnostic) => `${diagnostic.file}:${diagnostic.line}`),
      ['a.yaml:4', 'a.yaml:7', 'b.yaml:4', 'b.yaml:7'],
    );
  });

  test('a malformed catalog is a CONFIG_INVALID error, not a diagnostic', () => {
    const catalogs = { ...testCatalogs, features: { 'Bad-Name': { type: 'int' as const } } };
    assert.throws(
      () => buildRuleSet([], catalogs),
      (error: unknown) => isEngineError(error) && error.code === 'CONFIG_INVALID' && /Bad-Name/.test(error.message),
    );
  });
});
