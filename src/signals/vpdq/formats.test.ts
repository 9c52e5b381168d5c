import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { vectorsRoot } from '../../../test/support/vectors.js';
import { isEngineError } from '../../core/index.js';
import { signalTypeByName } from '../registry.js';
import {
  formatCppVpdq,
  formatPytxVpdq,
  parseCppVpdq,
  parsePytxVpdq,
  parseVpdqSignal,
  readVpdqFeatures,
  type VpdqFeature,
  vpdqSignal,
} from './index.js';

const hashA = 'e271017837246aac2ee9b4c5ef11d6f5a4c1dc0d2cf0a7d1c8760a5d06f3055c';
const hashB = 'dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c';
const features: VpdqFeature[] = [
  { frameNumber: 0, quality: 100, hash: hashA as VpdqFeature['hash'], timestamp: 0 },
  { frameNumber: 1, quality: 49, hash: hashB as VpdqFeature['hash'], timestamp: 1 / 30 },
  { frameNumber: 3015, quality: 87, hash: hashA as VpdqFeature['hash'], timestamp: 100.5 },
  { frameNumber: 29698, quality: 100, hash: hashB as VpdqFeature['hash'], timestamp: 989.933 },
];

const isInvalidHash = (error: unknown): boolean => isEngineError(error) && error.code === 'SIGNAL_INVALID_HASH';

describe('python-threatexchange signal string', () => {
  test("writes json.dumps of 'hex,quality,ts:.3' byte for byte, exponents included", () => {
    assert.equal(
      formatPytxVpdq(features),
      `["${hashA},100,0.0", "${hashB},49,0.0333", "${hashA},87,1e+02", "${hashB},100,9.9e+02"]`,
    );
    assert.equal(formatPytxVpdq([]), '[]');
  });

  test('reads it back, exponent timestamps included, frame numbers being list positions', () => {
    const read = parsePytxVpdq(formatPytxVpdq(features));
    assert.deepEqual(
      read.map((feature) => [feature.frameNumber, feature.quality, feature.hash, feature.timestamp]),
      [
        [0, 100, hashA, 0],
        [1, 49, hashB, 0.0333],
        [2, 87, hashA, 100],
        [3, 100, hashB, 990],
      ],
    );
    assert.equal(formatPytxVpdq(read), formatPytxVpdq(features), 'a pytx string is a fixed point');
  });

  test('reads the pre-1.0 object form keyed by frame number', () => {
    const old = JSON.stringify({
      '2': { hash: hashB, quality: 90, timestamp: 0.067 },
      '0': { hash: hashA.toUpperCase(), quality: 100, timestamp: 0 },
    });
    assert.deepEqual(
      parsePytxVpdq(old).map((feature) => [feature.frameNumber, feature.hash]),
      [
        [0, hashA],
        [2, hashB],
      ],
    );
  });

  test('says which item is wrong', () => {
    for (const [text, fragment] of [
      ['not json', 'JSON list'],
      ['"a string"', 'JSON list'],
      [`["${hashA},100"]`, 'item 0'],
      [`["${hashA},100,0.0", "${hashA},101,0.0"]`, 'item 1: the quality'],
      [`["${hashA},100,-1"]`, 'the timestamp'],
      [`["${hashA},100,abc"]`, 'the timestamp'],
      [`["${hashA.slice(1)},100,0.0"]`, '64 hex'],
      ['[3]', 'not a string'],
    ] as const) {
      assert.throws(
        () => parsePytxVpdq(text),
        (error) => isInvalidHash(error) && (error as Error).message.includes(fragment),
        text,
      );
    }
  });
});

describe('C++ tool lines', () => {
  test('writes frameNumber,quality,hex,%.3f lines and reads them back', () => {
    const text = formatCppVpdq(features);
    assert.equal(
      text,
      `0,100,${hashA},0.000\n1,49,${hashB},0.033\n3015,87,${hashA},100.500\n29698,100,${hashB},989.933\n`,
    );
    assert.deepEqual(
      parseCppVpdq(text.replaceAll('\n', '\r\n')).map((feature) => [feature.frameNumber, feature.timestamp]),
      [
        [0, 0],
        [1, 0.033],
        [3015, 100.5],
        [29698, 989.933],
      ],
    );
  });

  test('needs four fields and says which line is wrong', () => {
    assert.throws(() => parseCppVpdq(`0,100,${hashA},0.000\n1,100,${hashB}`), /line 2/);
    assert.throws(
      () => parseCppVpdq(`x,100,${hashA},0.000`),
      (error) => isInvalidHash(error),
    );
  });

  test('round-trips every shared sample hash file', { skip: sampleSkip() }, () => {
    const directory = join(vectorsRoot, 'vpdq', 'sample-hashes');
    for (const name of ['doorknob-hd-no-bar.txt', 'chair-19-sd-bar-128x128.txt', 'test-padded-dimensions.txt']) {
      const text = readFileSync(join(directory, name), 'utf8');
      assert.equal(formatCppVpdq(parseCppVpdq(text)), text, name);
    }
  });
});

function sampleSkip(): string | false {
  const path = join(vectorsRoot, 'vpdq', 'sample-hashes');
  return existsSync(path) ? false : `the vPDQ sample hashes are not at ${path}`;
}

describe('the vpdq signal descriptor', () => {
  test('is registered and normalises any form to the pytx string', () => {
    assert.equal(signalTypeByName('vpdq'), vpdqSignal);
    const pytx = formatPytxVpdq(features);
    assert.equal(parseVpdqSignal(`  ${pytx}\n`), pytx);
    assert.equal(parseVpdqSignal(formatCppVpdq(features)), formatPytxVpdq(readVpdqFeatures(formatCppVpdq(features))));
    assert.throws(() => parseVpdqSignal('[]'), /at least one frame/);
    assert.throws(
      () => parseVpdqSignal(''),
      (error) => isInvalidHash(error),
    );
  });

  test('distance is 100 − the smaller match percentage; identical videos are at 0', () => {
    const pytx = formatPytxVpdq(features);
    assert.equal(vpdqSignal.compare(vpdqSignal.parse(pytx), vpdqSignal.parse(pytx)), 0);
    // Only the quality-100 and quality-87 frames count: A and B; a video of A alone matches half of it.
    const onlyA = formatPytxVpdq([features[0] as VpdqFeature]);
    assert.equal(vpdqSignal.compare(vpdqSignal.parse(onlyA), vpdqSignal.parse(pytx)), 50);
  });

  test('parse(format(x)) = format(x) for any features (property)', () => {
    const feature = fc.record({
      frameNumber: fc.nat(),
      quality: fc.integer({ min: 0, max: 100 }),
      hash: fc.stringMatching(/^[0-9a-f]{64}$/),
      timestamp: fc.double({ min: 0, max: 1e7, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(feature, { minLength: 1, maxLength: 20 }), (list) => {
        const text = formatPytxVpdq(list as VpdqFeature[]);
        assert.equal(parseVpdqSignal(text), text);
        const lines = formatCppVpdq(list as VpdqFeature[]);
        assert.equal(formatCppVpdq(parseCppVpdq(lines)), lines);
      }),
    );
  });
});
