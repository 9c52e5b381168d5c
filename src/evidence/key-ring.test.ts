import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEngineError } from '../core/index.js';
import { evidenceKeyRingFromEnvironment, parseEvidenceKeyRing } from './key-ring.js';

const hexA = 'a1'.repeat(32);
const hexB = 'b2'.repeat(32);
const configInvalid = (error: unknown) => isEngineError(error) && error.code === 'CONFIG_INVALID';

test('a key ring lists keyId:<64 hex> entries, the first current', () => {
  const ring = parseEvidenceKeyRing(` k2026b:${hexB} , k2026a:${hexA}`);
  assert.equal(ring.currentKeyId, 'k2026b');
  assert.deepEqual([...ring.keys.keys()], ['k2026b', 'k2026a']);
  assert.deepEqual(ring.keys.get('k2026a'), Buffer.from(hexA, 'hex'));
});

test('malformed key rings are CONFIG_INVALID and never repeat a key', () => {
  const hostile = [
    '',
    ',',
    'k1',
    `k1:${hexA.slice(2)}`,
    `k1:${hexA}zz`,
    `:${hexA}`,
    `../k1:${hexA}`,
    `k 1:${hexA}`,
    `k\u00001:${hexA}`,
    `${'k'.repeat(65)}:${hexA}`,
    `k1:${hexA},k1:${hexB}`,
    `k1:${hexA},,k2:${hexB}`,
  ];
  for (const text of hostile) {
    assert.throws(
      () => parseEvidenceKeyRing(text),
      (error: unknown) => configInvalid(error) && !String((error as Error).message).includes(hexA.slice(0, 16)),
      JSON.stringify(text),
    );
  }
});

test('the settings give a ring, a single key as "default", or both (the single key joins as "default")', () => {
  const single = evidenceKeyRingFromEnvironment({ PREVAIL_EVIDENCE_KEY: hexA });
  assert.equal(single.currentKeyId, 'default');
  const both = evidenceKeyRingFromEnvironment({ PREVAIL_EVIDENCE_KEYS: `k2:${hexB}`, PREVAIL_EVIDENCE_KEY: hexA });
  assert.equal(both.currentKeyId, 'k2');
  assert.deepEqual([...both.keys.keys()], ['k2', 'default']);
  assert.throws(() => evidenceKeyRingFromEnvironment({}), /PREVAIL_EVIDENCE_KEYS/);
  assert.throws(() => evidenceKeyRingFromEnvironment({ PREVAIL_EVIDENCE_KEY: 'abc' }), configInvalid);
});
