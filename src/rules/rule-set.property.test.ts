import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { testCatalogs } from '../../test/support/rule-catalogs.js';
import type { EngineEvent } from '../events/index.js';
import { builtinRules } from './builtin/index.js';
import { configureBuiltinRules } from './builtin-rule.js';
import { buildRuleSet, loadRuleSet } from './check-rules.js';
import type { RuleContext } from './rule-context.js';
import type { RuleEvaluation, RuleSet } from './rule-set.js';

const builtins = configureBuiltinRules(builtinRules);

/** Extra rules that read many shapes of data, so random payloads hit many run-time paths. */
const extra = buildRuleSet(
  [
    {
      file: 'extra.yaml',
      text: `rules:
  - id: reads_everything
    description: Reads data, features, labels, entities and matches
    events: [session.started, payment.sent, media.matched, account.updated]
    when: >
      event.data.kind == "stream" || event.data.amount * 2.0 > 10.0 || size(event.data) > 3
      || features.distinct_payers_7d >= 2 || features.payment_amount_sum_24h > 100.0
      || labels.user.exists(l, l == "stream_watch") || entities.user.startsWith("u")
      || matches.exists(m, m.distance < 10 && m.contentId > 0)
      || event.data.lexicon_hits.all(h, h.size() > 2)
    effects:
      - verdict: review
  - id: returns_dyn
    description: Returns a data field as it is, which may not be a bool
    events: [session.started, account.updated]
    when: event.data.flag
    effects:
      - verdict: allow
`,
    },
  ],
  testCatalogs,
  { builtins },
);

const eventTypes = [...Object.keys(testCatalogs.eventTypes), 'other.type'];
const dataKeys = [
  'kind',
  'visibility',
  'viewer_count',
  'amount',
  'currency',
  'flag',
  'lexicon_hits',
  'matches',
  'local_hour',
];
const oddValue = fc.constantFrom<unknown>(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, 2n ** 70n, 1.5, '');
const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), oddValue);
const match = fc.record(
  { bank: fc.oneof(fc.constant('TEST_BANK'), value), contentId: value, signalType: value, distance: value },
  { requiredKeys: [] },
);
const data = fc.dictionary(
  fc.oneof(fc.constantFrom(...dataKeys), fc.string({ maxLength: 4 })),
  fc.oneof(value, fc.array(match, { maxLength: 3 }), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 })),
  { maxKeys: 6 },
);
const featureNames = [...Object.keys(testCatalogs.features), 'not_in_catalog'];
const features = fc.dictionary(
  fc.constantFrom(...featureNames),
  fc.oneof(fc.integer({ min: -5, max: 50 }), fc.double(), fc.constant(null), oddValue),
);
const labels = fc.dictionary(
  fc.constantFrom('user', 'stream', 'payment_account', 'other'),
  fc.oneof(fc.array(fc.constantFrom('stream_watch', 'known_good', 'x')), value),
);
const context = fc
  .record({
    type: fc.constantFrom(...eventTypes),
    data,
    entities: fc.dictionary(fc.constantFrom('user', 'stream', 'device'), fc.oneof(fc.string(), value)),
    features,
    labels,
    timeMs: fc.oneof(fc.integer({ min: 0, max: 4e12 }), fc.double()),
  })
  .map(({ type, data, entities, features, labels, timeMs }) => {
    const event = { id: 'e1', type, time: '2026-01-01T00:00:00Z', timeMs, entities, data } as EngineEvent;
    return { event, features, labels } as unknown as RuleContext;
  });

/** What evaluate should return: each rule for the event type tested alone, in id order. */
function expected(ruleSet: RuleSet, input: RuleContext): RuleEvaluation {
  const hits: RuleEvaluation['hits'][number][] = [];
  const errors: RuleEvaluation['errors'][number][] = [];
  for (const rule of ruleSet.rulesFor(input.event.type)) {
    try {
      const outcome = rule.test(input);
      if (outcome.fired) {
        hits.push({
          ruleId: rule.id,
          origin: rule.origin,
          mode: rule.mode,
          reason: outcome.reason,
          effects: outcome.effects,
        });
      }
    } catch (error) {
      errors.push({ ruleId: rule.id, message: '' });
      assert.ok(error !== undefined);
    }
  }
  return { hits, errors };
}

test('evaluate never throws and agrees with testing each compiled rule alone', async () => {
  const valid = await loadRuleSet(fileURLToPath(new URL('./testdata/valid/', import.meta.url)), testCatalogs, {
    builtins,
  });
  assert.ok(valid.ok, JSON.stringify(valid.diagnostics));
  assert.ok(extra.ok, JSON.stringify(extra.diagnostics));
  for (const ruleSet of [valid.ruleSet, extra.ruleSet]) {
    fc.assert(
      fc.property(context, (input) => {
        const actual = ruleSet.evaluate(input);
        const wanted = expected(ruleSet, input);
        assert.deepEqual(actual.hits, wanted.hits);
        assert.deepEqual(
          actual.errors.map((error) => error.ruleId),
          wanted.errors.map((error) => error.ruleId),
        );
        for (const error of actual.errors) assert.equal(typeof error.message, 'string');
      }),
      { numRuns: 500 },
    );
  }
});
