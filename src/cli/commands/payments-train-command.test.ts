import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import { runCli } from '../main.js';

describe('prevail payments train and evaluate --model', () => {
  let directory: string;
  const run = async (...args: string[]) => {
    const io = captureIo();
    const status = await runCli(args, io);
    return { status, output: io.output(), errors: io.errors() };
  };
  const simulate = async (seed: number, name: string) => {
    const payments = join(directory, `${name}.jsonl`);
    const labels = join(directory, `${name}.labels.jsonl`);
    const simulated = await run(
      'simulate',
      'payments',
      '--seed',
      String(seed),
      '--accounts',
      '1200',
      '--days',
      '45',
      '--out',
      payments,
      '--labels',
      labels,
    );
    assert.equal(simulated.status, 0, simulated.errors);
    return { payments, labels };
  };

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-payments-train-'));
  });
  after(() => rm(directory, { recursive: true, force: true }));

  test('trains on one scenario and is compared with the rules on another it never saw', async () => {
    const tune = await simulate(2, 'tune');
    const unseen = await simulate(13, 'unseen');
    const model = join(directory, 'model.json');
    const trained = await run('payments', 'train', tune.payments, '--labels', tune.labels, '--out', model, '--json');
    assert.equal(trained.status, 0, trained.errors);
    const summary = JSON.parse(trained.output);
    assert.equal(summary.out, model);
    assert.ok(summary.examples > 0);
    assert.ok(summary.training.positives >= 5, JSON.stringify(summary.training));
    const saved = JSON.parse(await readFile(model, 'utf8'));
    assert.equal(saved.format, 'prevail-payer-model');

    const evaluated = await run(
      'payments',
      'evaluate',
      unseen.payments,
      '--labels',
      unseen.labels,
      '--model',
      model,
      '--json',
    );
    assert.equal(evaluated.status, 0, evaluated.errors);
    const result = JSON.parse(evaluated.output);
    assert.ok(result.model.plantedPayers > 0);
    assert.ok(result.model.rulesOrModel.payersAlerted >= result.model.rules.payersAlerted);
    assert.equal(
      result.typologies.some((row: { typology: string }) => row.typology === 'ocse_model_payer'),
      false,
      "the rules' own figures leave the model out",
    );
    const withoutModel = JSON.parse(
      (await run('payments', 'evaluate', unseen.payments, '--labels', unseen.labels, '--json')).output,
    );
    assert.deepEqual(result.typologies, withoutModel.typologies, 'running the model changes no rule figure');

    const table = await run('payments', 'evaluate', unseen.payments, '--labels', unseen.labels, '--model', model);
    assert.match(table.output, /the rules beside the payer model/);
    assert.match(table.output, /payer model \(shadow\)\s+\d+\/\d+ \([\d.]+\)\s+\d+\/\d+ \([\d.]+%\)/);
  });

  test('bad labels, options and model files are refused with their codes', async () => {
    const tune = await simulate(3, 'small');
    const badLabels = join(directory, 'bad.labels.jsonl');
    await writeFile(badLabels, '{"account":"a","decision":"maybe"}\n');
    const badLabelRun = await run(
      'payments',
      'train',
      tune.payments,
      '--labels',
      badLabels,
      '--out',
      join(directory, 'x.json'),
    );
    assert.notEqual(badLabelRun.status, 0);
    assert.match(badLabelRun.errors, /REQUEST_INVALID.*labels line 1/);

    const fewLabels = join(directory, 'few.labels.jsonl');
    await writeFile(fewLabels, '{"account":"acct-000001","decision":"confirmed"}\n');
    const few = await run(
      'payments',
      'train',
      tune.payments,
      '--labels',
      fewLabels,
      '--out',
      join(directory, 'y.json'),
    );
    assert.notEqual(few.status, 0);
    assert.match(few.errors, /MODEL_TRAINING_INSUFFICIENT/);

    const rate = await run(
      'payments',
      'train',
      tune.payments,
      '--labels',
      tune.labels,
      '--out',
      join(directory, 'z.json'),
      '--target-alert-rate',
      '2',
    );
    assert.notEqual(rate.status, 0);
    assert.match(rate.errors, /target-alert-rate/);

    for (const [name, content, code] of [
      ['garbage.json', 'not json', /INPUT_UNREADABLE/],
      ['deep.json', `${'['.repeat(3000)}${']'.repeat(3000)}`, /INPUT_UNREADABLE.*deeper/],
      ['other.json', '{"format":"other"}', /CONFIG_INVALID/],
    ] as const) {
      const file = join(directory, name);
      await writeFile(file, content);
      const refused = await run('payments', 'evaluate', tune.payments, '--labels', tune.labels, '--model', file);
      assert.notEqual(refused.status, 0, name);
      assert.match(refused.errors, code, name);
    }
    const missing = await run(
      'payments',
      'evaluate',
      tune.payments,
      '--labels',
      tune.labels,
      '--model',
      join(directory, 'none.json'),
    );
    assert.match(missing.errors, /INPUT_NOT_FOUND/);
    const withAlerts = await run(
      'payments',
      'evaluate',
      '--alerts',
      tune.labels,
      '--labels',
      tune.labels,
      '--model',
      'm.json',
    );
    assert.match(withAlerts.errors, /--model screens the payments file/);
  });
});
