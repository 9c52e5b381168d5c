import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { testCatalogs } from '../../test/support/rule-catalogs.js';
import { isEngineError } from '../core/index.js';
import { configureBuiltinRules, defineBuiltinRule } from './builtin-rule.js';

const threshold = defineBuiltinRule({
  id: 'threshold_rule',
  version: 2,
  description: 'Fires when a feature reaches a threshold',
  events: ['payment.sent'],
  configSchema: z.strictObject({ minimum: z.number().int().min(1), points: z.number().positive() }),
  defaultConfig: { minimum: 3, points: 10 },
  evaluate: (context, config) => ({
    fired: (context.features?.distinct_payers_7d ?? 0) >= config.minimum,
    effects: [{ kind: 'typology', typology: 'small_cross_border_payments', points: config.points }],
  }),
});

function configInvalid(pattern: RegExp) {
  return (error: unknown) => isEngineError(error) && error.code === 'CONFIG_INVALID' && pattern.test(error.message);
}

describe('defineBuiltinRule', () => {
  test('configure merges overrides onto the defaults and binds them', () => {
    const configured = threshold.configure({ minimum: 5 });
    assert.deepEqual(configured.config, { minimum: 5, points: 10 });
    assert.equal(configured.version, 2);
    const event = { id: 'e', type: 'payment.sent', time: '', timeMs: 0, entities: {}, data: {} };
    assert.equal(configured.evaluate({ event, features: { distinct_payers_7d: 5 } }).fired, true);
    assert.equal(configured.evaluate({ event, features: { distinct_payers_7d: 4 } }).fired, false);
  });

  test('a bad threshold is CONFIG_INVALID naming the rule and the field', () => {
    assert.throws(
      () => threshold.configure({ minimum: 0 }),
      configInvalid(/^built-in rule 'threshold_rule' config is invalid: minimum: /),
    );
    assert.throws(() => threshold.configure({ points: 'many' }), configInvalid(/points: /));
    assert.throws(() => threshold.configure({ extra: 1 }), configInvalid(/Unrecognized key/));
  });

  test('a bad id or default config fails at definition', () => {
    const spec = {
      id: 'Bad Id',
      version: 1,
      description: 'd',
      events: [],
      configSchema: z.strictObject({ n: z.number() }),
      defaultConfig: { n: 1 },
      evaluate: () => ({ fired: false }),
    };
    assert.throws(() => defineBuiltinRule(spec), configInvalid(/Bad Id/));
    assert.throws(
      () => defineBuiltinRule({ ...spec, id: 'good_id', defaultConfig: { n: 'one' as unknown as number } }),
      configInvalid(/good_id/),
    );
  });
});

describe('configureBuiltinRules', () => {
  test('default mode is shadow; settings pick mode, config and enablement', () => {
    assert.deepEqual(
      configureBuiltinRules([threshold]).map((instance) => instance.mode),
      ['shadow'],
    );
    const [active] = configureBuiltinRules([threshold], { threshold_rule: { mode: 'active', config: { points: 2 } } });
    assert.equal(active?.mode, 'active');
    assert.deepEqual(active?.rule.config, { minimum: 3, points: 2 });
    assert.deepEqual(configureBuiltinRules([threshold], { threshold_rule: { enabled: false } }), []);
  });

  test('every problem is reported in one CONFIG_INVALID error', () => {
    const other = defineBuiltinRule({
      id: 'other_rule',
      version: 1,
      description: 'Runs on an event type the catalog lacks',
      events: ['nothing.happened'],
      configSchema: z.strictObject({}),
      defaultConfig: {},
      evaluate: () => ({ fired: false }),
    });
    assert.throws(
      () =>
        configureBuiltinRules(
          [threshold, other, threshold],
          {
            unknown_rule: {},
            threshold_rule: { config: { minimum: -1 } },
            other_rule: { mode: 'loud' as 'active' },
          },
          testCatalogs,
        ),
      configInvalid(
        /defined twice.*unknown built-in rule 'unknown_rule'.*'other_rule' settings are invalid: mode: .*'threshold_rule' config is invalid: minimum/,
      ),
    );
    assert.throws(
      () => configureBuiltinRules([other], {}, testCatalogs),
      configInvalid(/runs on unknown event type 'nothing.happened'/),
    );
  });
});
