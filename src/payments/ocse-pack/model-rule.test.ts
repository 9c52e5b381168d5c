import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isEngineError } from '../../core/index.js';
import { loadEngineConfig, openEngine } from '../../engine/index.js';
import { openStorage } from '../../storage/index.js';
import { type TrainingExample, trainPayerModel } from '../learning/index.js';
import { toPaymentEvent } from '../payment-event.js';
import { createOcsePaymentsPack, ocsePackFactory } from './index.js';
import type { CapturedModelInputs } from './model-rule.js';
import { fired, payment, run } from './ocse-pack-test-support.js';

/**
 * A model that learned "many small corridor payments in 30 days" from synthetic examples: 8
 * confirmed accounts with 6–9 of them, 80 cleared accounts with 0–2.
 */
function corridorCountModel() {
  const examples: TrainingExample[] = [];
  for (let index = 0; index < 88; index++) {
    const confirmed = index < 8;
    const count = confirmed ? 6 + (index % 4) : index % 3;
    examples.push({
      account: `a${index}`,
      label: confirmed ? 1 : 0,
      features: { ocse_f01_count_30d: count, amount_usd: 20 + ((index * 7) % 90) },
      peerGroup: 'AU>PH:adult',
    });
  }
  return trainPayerModel(examples, { trainedAt: new Date('2026-12-01T00:00:00Z') });
}

/** Eight small corridor payments by one payer in three weeks (synthetic). */
const busyPayer = Array.from({ length: 8 }, (_, index) =>
  payment(index * 2.5, {
    payer: { account: 'busy-1', country: 'AU', type: 'individual', birthCountry: 'AU', birthDate: '1980-02-02' },
  }),
);
/** One payment by another payer on the same corridor. */
const quietPayer = [
  payment(3, { payer: { account: 'quiet-1', country: 'AU', type: 'individual', birthCountry: 'AU' } }),
];

describe('the payer model rule', () => {
  const model = corridorCountModel();

  test('fires on the payer the model scores above its threshold, with the top contributions as reason', () => {
    const hits = run([...busyPayer, ...quietPayer], {}, undefined, { payerModel: { model } });
    assert.ok(fired(hits, 'ocse_model_payer'));
    const reasons = hits.get('ocse_model_payer') ?? [];
    assert.match(reasons[0] ?? '', /^model 0\.\d+: .*ocse_f01_count_30d/);
    const quiet = run(quietPayer, {}, undefined, { payerModel: { model } });
    assert.equal(fired(quiet, 'ocse_model_payer'), false);
  });

  test('without a model or a capture the pack has neither the rule nor its typology', () => {
    const pack = createOcsePaymentsPack();
    assert.equal(
      pack.rules.some((rule) => rule.id === 'ocse_model_payer'),
      false,
    );
    assert.equal(
      pack.typologies.some((typology) => typology.name === 'ocse_model_payer'),
      false,
    );
  });

  test('a capture sees every cross-border payment to a possible person, and never fires', () => {
    const captured: CapturedModelInputs[] = [];
    const domestic = payment(1, { payee: { account: 'local-1', country: 'AU', type: 'individual' } });
    const hits = run([...busyPayer, domestic], {}, undefined, {
      payerModel: { onInputs: (inputs) => captured.push(inputs) },
    });
    assert.equal(fired(hits, 'ocse_model_payer'), false);
    assert.equal(captured.length, busyPayer.length);
    const last = captured.at(-1);
    assert.equal(last?.account, 'busy-1');
    assert.equal(last?.peerGroup, 'AU>PH:adult');
    assert.equal(last?.features.ocse_f01_count_30d, 8);
    assert.equal(last?.features.hit_ocse_f01_small_corridor_payment, 1);
    assert.equal(last?.features.link_unrelated, 1);
    // Times enter as ages in days, never as dates; equal amounts have no spread.
    assert.equal(
      Object.keys(last?.features ?? {}).some((name) => /_ms_90d$/.test(name) || /first_seen$/.test(name)),
      false,
    );
    assert.equal(last?.features.ocse_f01_first_ms_90d_age_days, 17.5);
    assert.ok(Math.abs(last?.features.amount_spread_90d ?? 1) < 1e-6);
  });

  test('amount spread is the coefficient of variation of the small corridor amounts', () => {
    const captured: CapturedModelInputs[] = [];
    const varied = [20, 60].map((amount, index) =>
      payment(index, { amount, payer: { account: 'varied-1', country: 'AU' } }),
    );
    run(varied, {}, undefined, { payerModel: { onInputs: (inputs) => captured.push(inputs) } });
    assert.equal(Object.hasOwn(captured[0]?.features ?? {}, 'amount_spread_90d'), false, 'one amount has no spread');
    assert.ok(Math.abs((captured[1]?.features.amount_spread_90d ?? 0) - 0.5) < 1e-9);
  });

  test('unknown stays unknown: no birth date, no local hour and no relationship leave their inputs out', () => {
    const captured: CapturedModelInputs[] = [];
    const { localHour, declaredRelationship, channel, ...plain } = payment(1, {
      payer: { account: 'plain-1', country: 'GB' },
      payee: { account: 'payee-9', country: 'PH' },
    });
    assert.ok(localHour !== undefined && declaredRelationship !== undefined && channel !== undefined);
    run([plain], {}, undefined, { payerModel: { onInputs: (inputs) => captured.push(inputs) } });
    const features = captured[0]?.features ?? {};
    for (const name of ['payer_age', 'night', 'link_related', 'link_unrelated']) {
      assert.equal(Object.hasOwn(features, name), false, name);
    }
    assert.equal(captured[0]?.peerGroup, 'GB>PH:age_unknown');
  });
});

describe('payer_model_file in packs.yaml', () => {
  let policy: string;
  before(async () => {
    policy = await mkdtemp(join(tmpdir(), 'prevail-model-policy-'));
  });
  after(async () => {
    await rm(policy, { recursive: true, force: true });
  });

  const load = async (file: string, content?: string) => {
    if (content !== undefined) await writeFile(join(policy, file), content);
    await writeFile(
      join(policy, 'packs.yaml'),
      `packs:\n  ocse_payments:\n    settings: { payer_model_file: ${file} }\n`,
    );
    return loadEngineConfig(policy, { packRegistry: [ocsePackFactory] });
  };

  test('a trained model in the policy directory adds the rule and its typology', async () => {
    const config = await load('payer-model.json', JSON.stringify(corridorCountModel()));
    const pack = config.packs[0];
    assert.ok(pack?.rules.some((rule) => rule.id === 'ocse_model_payer'));
    assert.ok(config.typologies.some((typology) => typology.name === 'ocse_model_payer'));
  });

  test('a file that is not a model, not JSON or too deep is CONFIG_INVALID naming it', async () => {
    for (const [file, content] of [
      ['not-json.json', '{"format": '],
      ['not-model.json', '{"format": "something-else"}'],
      ['deep.json', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ] as const) {
      await assert.rejects(
        load(file, content),
        (error) => isEngineError(error) && error.code === 'CONFIG_INVALID' && error.message.includes(file),
        file,
      );
    }
  });

  test('the engine records the model in shadow; promoted in builtin-rules.yaml, it alerts', async () => {
    await writeFile(join(policy, 'payer-model.json'), JSON.stringify(corridorCountModel()));
    await writeFile(
      join(policy, 'packs.yaml'),
      'packs:\n  ocse_payments:\n    settings: { payer_model_file: payer-model.json }\n',
    );
    const screen = async (builtinRules: string | undefined) => {
      const builtinPath = join(policy, 'builtin-rules.yaml');
      await rm(builtinPath, { force: true });
      if (builtinRules !== undefined) await writeFile(builtinPath, builtinRules);
      const dataDir = await mkdtemp(join(policy, 'data-'));
      const storage = await openStorage({ dataDir });
      try {
        const { engine } = await openEngine(storage.engine, policy, { packRegistry: [ocsePackFactory] });
        await engine.ingest(busyPayer.map(toPaymentEvent));
        await engine.drain();
        const hits = await storage.engine.hitsFor('payment_account:busy-1', 100);
        const alerts = engine.typologyAlerts().filter((alert) => alert.typology === 'ocse_model_payer');
        await engine.close();
        return {
          modes: new Set(hits.filter((hit) => hit.ruleId === 'ocse_model_payer').map((hit) => hit.mode)),
          alerts,
        };
      } finally {
        await storage.close();
      }
    };
    const shadow = await screen(undefined);
    assert.deepEqual([...shadow.modes], ['shadow']);
    assert.deepEqual(shadow.alerts, []);
    const promoted = await screen('builtin_rules:\n  ocse_model_payer: { mode: active }\n');
    assert.deepEqual([...promoted.modes], ['active']);
    assert.equal(promoted.alerts.length, 1);
    assert.equal(promoted.alerts[0]?.subject, 'payment_account:busy-1');
    assert.match(promoted.alerts[0]?.reasons[0] ?? '', /^model /);
  });

  test('without a policy directory the setting cannot be read', () => {
    assert.throws(
      () => createOcsePaymentsPack({ payer_model_file: 'payer-model.json' }),
      (error) =>
        isEngineError(error) && error.code === 'CONFIG_INVALID' && /needs a policy directory/.test(error.message),
    );
  });
});
