import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/index.js';
import { syntheticExamples } from './learning-test-support.js';
import { type PayerModel, parsePayerModel } from './payer-model.js';
import { trainPayerModel } from './train-payer-model.js';

const model = trainPayerModel(syntheticExamples({ seed: 5, negatives: 200, positives: 12, separation: 3 }), {
  peerFeatures: ['night_share'],
  minimumPeerGroup: 20,
  trainedAt: new Date('2026-12-01T00:00:00Z'),
});

/** A model file being broken on purpose: the edits write what the model's types forbid. */
// biome-ignore lint/suspicious/noExplicitAny: hostile edits must be able to write anything anywhere
type Hostile = any;

/** The model as JSON would give it back, changed by `edit`. */
function altered(edit: (copy: Hostile) => void): unknown {
  const copy: Hostile = JSON.parse(JSON.stringify(model));
  edit(copy);
  return copy;
}

/** Asserts `parsePayerModel` refuses `json` with CONFIG_INVALID, a short message naming `path`. */
function refuses(json: unknown, path: RegExp) {
  assert.throws(
    () => parsePayerModel(json),
    (error: unknown) => {
      assert.ok(error instanceof EngineError, String(error));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, path);
      assert.ok(error.message.length < 2000, `a ${error.message.length}-character message`);
      return true;
    },
  );
}

describe('parsePayerModel', () => {
  test('reads back what training wrote', () => {
    const read: PayerModel = parsePayerModel(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(read, model);
  });

  test('refuses another format or version', () => {
    refuses(
      altered((copy) => (copy.version = 2)),
      /^.*version/,
    );
    refuses(
      altered((copy) => (copy.format = 'onnx')),
      /format/,
    );
    refuses(null, /\(model\)/);
    refuses('{"format":"prevail-payer-model"}', /\(model\)/);
  });

  test('refuses numbers that are not finite, wherever they are', () => {
    refuses(
      altered((copy) => (copy.inputs[0].weight = Number.NaN)),
      /inputs\.0\.weight/,
    );
    refuses(
      altered((copy) => (copy.calibration.slope = Number.POSITIVE_INFINITY)),
      /calibration\.slope/,
    );
    refuses(
      altered((copy) => (copy.peers.global.night_share[3] = Number.NaN)),
      /peers\.global\.night_share\.3/,
    );
    refuses(
      altered((copy) => (copy.inputs[1].scale = 0)),
      /inputs\.1\.scale/,
    );
    refuses(
      altered((copy) => (copy.threshold = 1.5)),
      /threshold/,
    );
  });

  test('refuses mismatched lengths and inputs that do not match their distributions', () => {
    refuses(
      altered((copy) => copy.peers.global.night_share.pop()),
      /peers\.global\.night_share: expected 21 quantiles, got 20/,
    );
    refuses(
      altered((copy) => copy.peers.groups['GB>PH:adult'].night_share.push(99)),
      /peers\.groups\.GB>PH:adult\.night_share: expected 21 quantiles/,
    );
    refuses(
      altered((copy) => copy.peers.global.night_share.reverse()),
      /quantiles must not decrease/,
    );
    refuses(
      altered((copy) => delete copy.peers.global.night_share),
      /no distribution for peer input 'night_share@peer'/,
    );
    refuses(
      altered((copy) => (copy.peers.global.payees_90d = copy.peers.global.night_share)),
      /peers\.global\.payees_90d: no peer input/,
    );
    refuses(
      altered((copy) => (copy.inputs[0].name = 'something_else')),
      /inputs\.0\.name/,
    );
    refuses(
      altered((copy) => copy.inputs.push(copy.inputs[0])),
      /appears twice/,
    );
    refuses(
      altered((copy) => (copy.extra = true)),
      /extra/,
    );
  });

  test('refuses huge inputs: 10 MB strings and keys, too many inputs', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    refuses(
      altered((copy) => (copy.inputs[0].feature = huge)),
      /inputs\.0\.feature/,
    );
    refuses(
      altered((copy) => (copy.peers.groups[huge] = copy.peers.groups['GB>PH:adult'])),
      /peers\.groups/,
    );
    refuses(
      altered((copy) => (copy[huge] = 1)),
      /Unrecognized key/,
    );
    refuses(
      altered((copy) => (copy.training.trainedAt = huge)),
      /training\.trainedAt/,
    );
    refuses(
      altered((copy) => (copy.inputs = Array.from({ length: 100_000 }, () => copy.inputs[0]))),
      /inputs/,
    );
    refuses(
      altered((copy) => (copy.peers.global.night_share = Array.from({ length: 1_000_000 }, (_, index) => index))),
      /peers\.global\.night_share/,
    );
  });

  test('refuses deep nesting without walking it', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level++) deep = { inner: deep };
    refuses(
      altered((copy) => (copy.peers = deep)),
      /peers/,
    );
    refuses(
      altered((copy) => (copy.inputs[0] = [deep])),
      /inputs\.0/,
    );
    refuses(deep, /format/);
  });

  test('refuses control characters in names', () => {
    refuses(
      altered((copy) => {
        copy.peers.groups['GB>PH\u0000'] = copy.peers.groups['GB>PH:adult'];
      }),
      /peers\.groups/,
    );
    refuses(
      altered((copy) => (copy.training.features = ['night\nshare'])),
      /training\.features\.0/,
    );
  });
});
