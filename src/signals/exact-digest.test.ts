import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import { md5Signal } from './md5/index.js';
import { signalTypeByName, signalTypes } from './registry.js';
import { sha256Signal } from './sha256/index.js';

const abc = new TextEncoder().encode('abc');

describe('exact digest signals', () => {
  test('MD5 and SHA-256 of "abc" match the RFC 1321 and FIPS 180-2 test vectors', () => {
    assert.equal(md5Signal.hashBytes(abc), '900150983cd24fb0d6963f7d28e17f72');
    assert.equal(sha256Signal.hashBytes(abc), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('parse normalises case and rejects wrong lengths with SIGNAL_INVALID_HASH', () => {
    assert.equal(md5Signal.parse(' 900150983CD24FB0D6963F7D28E17F72 '), '900150983cd24fb0d6963f7d28e17f72');
    for (const text of ['', '900150983cd24fb0d6963f7d28e17f7', 'z00150983cd24fb0d6963f7d28e17f72']) {
      assert.throws(
        () => md5Signal.parse(text),
        (error: unknown) => error instanceof EngineError && error.code === 'SIGNAL_INVALID_HASH',
      );
    }
  });

  test('distance is 0 for equal digests and 1 otherwise; threshold 0', () => {
    const a = md5Signal.parse('900150983cd24fb0d6963f7d28e17f72');
    const b = md5Signal.parse('900150983cd24fb0d6963f7d28e17f73');
    assert.equal(md5Signal.compare(a, a), 0);
    assert.equal(md5Signal.compare(a, b), 1);
    assert.equal(md5Signal.defaultThreshold, 0);
  });
});

describe('signal registry', () => {
  test('the released names are all still there (they are storage keys)', () => {
    assert.deepEqual(
      signalTypes.map((type) => type.name),
      ['pdq', 'md5', 'sha256', 'vpdq', 'vpdq_dense', 'tmk_pdqf'],
    );
  });

  test('unknown names give SIGNAL_UNKNOWN listing the known ones', () => {
    assert.equal(signalTypeByName('pdq').defaultThreshold, 31);
    assert.throws(
      () => signalTypeByName('sha1'),
      (error: unknown) =>
        error instanceof EngineError && error.code === 'SIGNAL_UNKNOWN' && /pdq, md5, sha256/.test(error.message),
    );
  });
});
