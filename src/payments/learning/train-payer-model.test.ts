import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/index.js';
import { evaluatePayerModel } from './evaluate-payer-model.js';
import { seeded, syntheticExamples } from './learning-test-support.js';
import { parsePayerModel } from './payer-model.js';
import { scorePayer } from './score-payer.js';
import { trainPayerModel } from './train-payer-model.js';
import type { TrainingExample } from './training-examples.js';

const trainedAt = new Date('2026-12-01T00:00:00Z');
const peerFeatures = ['night_share', 'payees_90d'];

function coded(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern !== undefined) assert.match(error.message, pattern);
    return true;
  };
}

describe('trainPayerModel', () => {
  test('learns a planted separable problem: every offender alerts, on training and unseen accounts, no one else', () => {
    const options = { negatives: 600, positives: 30, separation: 8 };
    const model = trainPayerModel(syntheticExamples({ seed: 11, ...options }), { peerFeatures, trainedAt });
    assert.equal(model.training.recall, 1);
    assert.equal(model.training.alertedNegatives, 0);
    assert.ok(model.training.converged);
    const unseen = evaluatePayerModel(model, syntheticExamples({ seed: 12, ...options }));
    assert.equal(unseen.recall, 1);
    assert.ok((unseen.alertRate ?? 1) <= 0.005, `alert rate ${unseen.alertRate}`);
    // The planted features carry the weight; pure noise does not.
    const weight = (name: string) => Math.abs(model.inputs.find((input) => input.name === name)?.weight ?? 0);
    assert.ok(weight('night_share') > 5 * weight('noise'));
    assert.ok(weight('payees_90d') > 5 * weight('noise'));
  });

  test('is calibrated on unseen accounts of a noisy problem: a low Brier score and a rising reliability table', () => {
    const options = { negatives: 1500, positives: 150, separation: 1.5 };
    const model = trainPayerModel(syntheticExamples({ seed: 21, ...options }), { peerFeatures, trainedAt });
    const unseen = evaluatePayerModel(model, syntheticExamples({ seed: 22, ...options }));
    const base = unseen.positives / unseen.accounts;
    // A constant forecast of the base rate scores base × (1 − base) ≈ 0.083; the model does much better.
    assert.ok((unseen.brier ?? 1) < 0.75 * base * (1 - base), `Brier ${unseen.brier} against ${base * (1 - base)}`);
    const filled = unseen.reliability.filter((bin) => bin.accounts >= 30);
    assert.ok(filled.length >= 3, 'at least three well-filled probability bins');
    for (const bin of filled)
      assert.ok(
        Math.abs((bin.observedRate ?? 0) - (bin.meanProbability ?? 0)) < 0.12,
        `bin ${bin.from}: predicted ${bin.meanProbability}, observed ${bin.observedRate}`,
      );
    for (let index = 1; index < filled.length; index++)
      assert.ok(
        ((filled[index]?.observedRate ?? 0) as number) >= ((filled[index - 1]?.observedRate ?? 0) as number) - 0.05,
      );
  });

  test('alerts at most the target share of cleared training accounts, and says so in its summary', () => {
    const examples = syntheticExamples({ seed: 31, negatives: 800, positives: 60, separation: 1.5 });
    for (const targetAlertRate of [0.0025, 0.01, 0.05]) {
      const model = trainPayerModel(examples, { peerFeatures, trainedAt, targetAlertRate });
      const measured = evaluatePayerModel(model, examples);
      assert.ok(model.training.alertedNegatives <= Math.floor(targetAlertRate * 800));
      assert.equal(measured.alertedNegatives, model.training.alertedNegatives);
      assert.equal(measured.alertedPositives, model.training.alertedPositives);
      assert.equal(model.training.alertRate, model.training.alertedNegatives / 800);
      assert.equal(model.training.recall, model.training.alertedPositives / 60);
    }
    // A looser target buys recall.
    const strict = trainPayerModel(examples, { peerFeatures, trainedAt, targetAlertRate: 0.0025 });
    const loose = trainPayerModel(examples, { peerFeatures, trainedAt, targetAlertRate: 0.05 });
    assert.ok(loose.training.recall > strict.training.recall);
  });

  test('weighs each account once: repeating an account’s payments does not change the model', () => {
    const examples = syntheticExamples({ seed: 41, negatives: 300, positives: 20, separation: 2 });
    const offender = examples.filter((example) => example.account === 'pos-0');
    const repeated = [...examples, ...Array.from({ length: 39 }, () => offender).flat()];
    const once = trainPayerModel(examples, { trainedAt });
    const forty = trainPayerModel(repeated, { trainedAt });
    for (const [index, input] of once.inputs.entries())
      assert.ok(Math.abs(input.weight - (forty.inputs[index]?.weight ?? 0)) < 1e-6, input.name);
  });

  test('is deterministic: the same examples give the same JSON, in any interleaving of accounts', () => {
    const examples = syntheticExamples({ seed: 51, negatives: 300, positives: 20, separation: 2 });
    const first = JSON.stringify(trainPayerModel(examples, { peerFeatures, trainedAt, minimumPeerGroup: 20 }));
    const again = JSON.stringify(trainPayerModel(examples, { peerFeatures, trainedAt, minimumPeerGroup: 20 }));
    assert.equal(again, first);
    // Accounts interleaved differently (each account's own payments keep their order).
    const byAccount = new Map<string, TrainingExample[]>();
    for (const example of examples)
      byAccount.set(example.account, [...(byAccount.get(example.account) ?? []), example]);
    const interleaved = [...byAccount.values()].reverse().flat();
    assert.equal(
      JSON.stringify(trainPayerModel(interleaved, { peerFeatures, trainedAt, minimumPeerGroup: 20 })),
      first,
    );
  });

  test('round-trips through JSON and parsePayerModel, scoring the same', () => {
    const examples = syntheticExamples({ seed: 61, negatives: 300, positives: 20, separation: 2 });
    const model = trainPayerModel(examples, { peerFeatures, trainedAt, minimumPeerGroup: 20 });
    const read = parsePayerModel(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(read, model);
    for (const example of examples.slice(0, 50))
      assert.deepEqual(
        scorePayer(read, example.features, example.peerGroup),
        scorePayer(model, example.features, example.peerGroup),
      );
    assert.equal(model.training.trainedAt, '2026-12-01T00:00:00.000Z');
    assert.deepEqual(model.training.features, ['amount_cv', 'night_share', 'noise', 'payees_90d']);
    assert.deepEqual(model.training.peerFeatures, peerFeatures);
    assert.deepEqual(Object.keys(model.peers.groups), ['AU>PH:adult', 'GB>PH:adult', 'US>PH:adult']);
  });
});

describe('peer groups', () => {
  /**
   * Students in 'GB>PH:student' send to 1–2 payees; everyone else to 4–9. Four payees is ordinary
   * among all payers and the top of the student group.
   */
  function peerExamples(): TrainingExample[] {
    const next = seeded(71);
    const examples: TrainingExample[] = [];
    for (let index = 0; index < 400; index++) {
      const student = index < 100;
      const payees = student ? 1 + Math.floor(next() * 2) : 4 + Math.floor(next() * 6);
      examples.push({
        account: `neg-${index}`,
        features: { payees_90d: payees, night_share: next() * 0.4 },
        label: 0,
        peerGroup: student ? 'GB>PH:student' : index < 250 ? 'GB>PH:adult' : 'US>PH:adult',
      });
    }
    for (let index = 0; index < 20; index++)
      examples.push({
        account: `pos-${index}`,
        features: { payees_90d: 3 + Math.floor(next() * 3), night_share: 0.5 + next() * 0.5 },
        label: 1,
        peerGroup: 'GB>PH:student',
      });
    return examples;
  }

  test('a value high for its group but ordinary overall gets a high peer percentile', () => {
    const model = trainPayerModel(peerExamples(), { peerFeatures: ['payees_90d'], trainedAt });
    const inGroup = scorePayer(model, { payees_90d: 4 }, 'GB>PH:student').contributions[0];
    assert.equal(inGroup?.peerGroup, 'GB>PH:student');
    assert.ok((inGroup?.peerPercentile ?? 0) === 1, `in group: ${inGroup?.peerPercentile}`);
    const overall = scorePayer(model, { payees_90d: 4 }).contributions[0];
    assert.equal(overall?.peerGroup, undefined);
    assert.ok((overall?.peerPercentile ?? 1) < 0.5, `overall: ${overall?.peerPercentile}`);
    const adult = scorePayer(model, { payees_90d: 4 }, 'GB>PH:adult').contributions[0];
    assert.ok((adult?.peerPercentile ?? 1) < 0.1, `among adults: ${adult?.peerPercentile}`);
  });

  test('groups smaller than minimumPeerGroup, and groups never seen, are read against all payers', () => {
    const model = trainPayerModel(peerExamples(), { peerFeatures: ['payees_90d'], trainedAt, minimumPeerGroup: 120 });
    assert.deepEqual(Object.keys(model.peers.groups), ['GB>PH:adult', 'US>PH:adult']);
    const small = scorePayer(model, { payees_90d: 4 }, 'GB>PH:student').contributions[0];
    assert.equal(small?.peerGroup, undefined);
    const unknown = scorePayer(model, { payees_90d: 4 }, 'FR>KH:adult').contributions[0];
    assert.equal(unknown?.peerPercentile, small?.peerPercentile);
    const hostile = scorePayer(model, { payees_90d: 4 }, '__proto__').contributions[0];
    assert.equal(hostile?.peerPercentile, small?.peerPercentile);
  });
});

describe('unknown features', () => {
  test('a missing feature contributes 0: scoring without it equals scoring it at its training mean', () => {
    const model = trainPayerModel(syntheticExamples({ seed: 81, negatives: 300, positives: 20, separation: 2 }), {
      trainedAt,
    });
    const noise = model.inputs.find((input) => input.name === 'amount_cv');
    assert.ok(noise !== undefined);
    const without = scorePayer(model, { night_share: 0.5, payees_90d: 3 });
    const atMean = scorePayer(model, { night_share: 0.5, payees_90d: 3, amount_cv: noise.mean });
    assert.ok(Math.abs(without.score - atMean.score) < 1e-12);
    assert.equal(
      without.contributions.find((entry) => entry.feature === 'amount_cv'),
      undefined,
      'an unknown feature is no reason',
    );
    assert.equal(scorePayer(model, {}).score, model.intercept);
    assert.deepEqual(scorePayer(model, {}).contributions, []);
  });

  test('contributions add up to the score and are sorted by size', () => {
    const model = trainPayerModel(syntheticExamples({ seed: 82, negatives: 300, positives: 20, separation: 2 }), {
      peerFeatures,
      trainedAt,
    });
    const scored = scorePayer(model, { night_share: 0.7, payees_90d: 5, amount_cv: 0.2, noise: 0.1 }, 'GB>PH:adult');
    const sum = scored.contributions.reduce((total, entry) => total + entry.contribution, model.intercept);
    assert.ok(Math.abs(sum - scored.score) < 1e-9);
    const sizes = scored.contributions.map((entry) => Math.abs(entry.contribution));
    assert.deepEqual(
      sizes,
      [...sizes].sort((a, b) => b - a),
    );
    assert.equal(scored.alert, scored.probability >= model.threshold);
  });

  test('a feature value that is not finite is refused with its name', () => {
    const model = trainPayerModel(syntheticExamples({ seed: 83, negatives: 300, positives: 20, separation: 2 }), {
      trainedAt,
    });
    assert.throws(() => scorePayer(model, { night_share: Number.NaN }), coded('MODEL_INPUT_INVALID', /night_share/));
    assert.throws(
      () => scorePayer(model, { payees_90d: Number.POSITIVE_INFINITY }),
      coded('MODEL_INPUT_INVALID', /payees_90d/),
    );
  });
});

describe('training guard rails', () => {
  const examples = syntheticExamples({ seed: 91, negatives: 60, positives: 6, separation: 3, maxEvents: 2 });
  const without = (account: string) => examples.filter((example) => example.account !== account);

  test('too few confirmed or cleared accounts', () => {
    assert.doesNotThrow(() => trainPayerModel(examples, { trainedAt }));
    assert.throws(
      () =>
        trainPayerModel(
          without('pos-0').filter((e) => e.account !== 'pos-1'),
          { trainedAt },
        ),
      coded('MODEL_TRAINING_INSUFFICIENT', /4/),
    );
    const fewCleared = examples.filter((example) => !/^neg-(1[0-9]|20)$/.test(example.account));
    assert.throws(() => trainPayerModel(fewCleared, { trainedAt }), coded('MODEL_TRAINING_INSUFFICIENT', /50 cleared/));
  });

  test('a model whose account scores do not rank confirmed accounts higher is refused', () => {
    // Pure noise, cleared accounts with 30 payments each and confirmed ones with one: the largest
    // of 30 noisy scores beats one, so the account scores rank cleared accounts higher.
    const next = seeded(5);
    const noise: TrainingExample[] = [];
    for (let index = 0; index < 80; index++) {
      const label = index < 10 ? 1 : 0;
      for (let event = 0; event < (label === 1 ? 1 : 30); event++)
        noise.push({ account: `acct-${index}`, features: { noise: next() }, label });
    }
    assert.throws(() => trainPayerModel(noise, { trainedAt }), coded('MODEL_TRAINING_INSUFFICIENT', /does not rank/));
  });

  test('a constant feature is refused by name, or dropped and recorded when asked', () => {
    const constant = examples.map((example) => ({ ...example, features: { ...example.features, country_risk: 1 } }));
    assert.throws(() => trainPayerModel(constant, { trainedAt }), coded('MODEL_TRAINING_INSUFFICIENT', /country_risk/));
    const model = trainPayerModel(constant, { trainedAt, dropConstantFeatures: true });
    assert.deepEqual(model.training.droppedFeatures, ['country_risk']);
    assert.ok(!model.training.features.includes('country_risk'));
    assert.ok(!model.inputs.some((input) => input.feature === 'country_risk'));
  });

  test('values that are not finite numbers are refused with the feature and the account', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number]) {
      const broken = [...examples, { account: 'neg-3', features: { night_share: bad }, label: 0 as const }];
      assert.throws(() => trainPayerModel(broken, { trainedAt }), coded('MODEL_INPUT_INVALID', /night_share.*|neg-3/));
    }
  });

  test('malformed examples and options are refused with a code', () => {
    const mixed = [...examples, { account: 'pos-0', features: { night_share: 0.1 }, label: 0 as const }];
    assert.throws(() => trainPayerModel(mixed, { trainedAt }), coded('MODEL_INPUT_INVALID', /both 0 and 1/));
    const reserved = [...examples, { account: 'neg-1', features: { 'night_share@peer': 0.1 }, label: 0 as const }];
    assert.throws(() => trainPayerModel(reserved, { trainedAt }), coded('MODEL_INPUT_INVALID', /night_share@peer/));
    const longName = [...examples, { account: 'neg-1', features: { ['x'.repeat(10_000)]: 1 }, label: 0 as const }];
    assert.throws(
      () => trainPayerModel(longName, { trainedAt }),
      (error: unknown) => {
        coded('MODEL_INPUT_INVALID')(error);
        assert.ok((error as Error).message.length < 300);
        return true;
      },
    );
    const badGroup = [...examples, { account: 'neg-1', features: {}, label: 0 as const, peerGroup: '__proto__' }];
    assert.throws(() => trainPayerModel(badGroup, { trainedAt }), coded('MODEL_INPUT_INVALID', /peer group/));
    assert.throws(() => trainPayerModel(examples, { targetAlertRate: 0 }), coded('CONFIG_INVALID', /targetAlertRate/));
    assert.throws(() => trainPayerModel(examples, { l2: -1 }), coded('CONFIG_INVALID', /l2/));
    assert.throws(() => trainPayerModel(examples, { peerFeatures: ['absent'] }), coded('CONFIG_INVALID', /absent/));
  });
});
