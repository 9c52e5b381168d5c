import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { signWebhook, signWebhookEd25519, verifyWebhook, verifyWebhookEd25519 } from './index.js';

const secret = 'test-only-secret-0123456789abcdef';
const body = '{"id":"k1","action":"end_stream"}';

describe('webhook signatures', () => {
  test('a signature verifies over the exact body and time it was made for', () => {
    const header = signWebhook(secret, body, 1_800_000_000);
    assert.match(header, /^t=1800000000,v1=[0-9a-f]{64}$/);
    assert.deepEqual(verifyWebhook(secret, header, body, 1_800_000_010), { ok: true, timestamp: 1_800_000_000 });
  });

  test('a changed body, another secret, an old time or a malformed header fail, each with its reason', () => {
    const header = signWebhook(secret, body, 1_800_000_000);
    assert.deepEqual(verifyWebhook(secret, header, `${body} `, 1_800_000_000), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyWebhook('another-secret-0123456789', header, body, 1_800_000_000), {
      ok: false,
      reason: 'mismatch',
    });
    assert.deepEqual(verifyWebhook(secret, header, body, 1_800_000_301), { ok: false, reason: 'stale' });
    for (const malformed of [
      '',
      't=1800000000',
      'v1=00',
      't=x,v1=ab',
      't=1=2,v1=ab',
      `t=1800000000,v1=${'g'.repeat(64)}`,
    ])
      assert.deepEqual(verifyWebhook(secret, malformed, body, 1_800_000_000), { ok: false, reason: 'malformed' });
  });

  test('while a secret rotates, any one of several v1 values may match', () => {
    const old = signWebhook('old-secret-0123456789abcdef', body, 1_800_000_000).split(',')[1];
    const current = signWebhook(secret, body, 1_800_000_000);
    assert.equal(verifyWebhook(secret, `${current},${old}`, body, 1_800_000_000).ok, true);
  });

  test('Ed25519: verifies with the public key over the exact body and time; refuses another key, a change, an old time, junk', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const header = signWebhookEd25519(privateKey, body, 1_800_000_000);
    assert.deepEqual(verifyWebhookEd25519(publicKey, header, body, 1_800_000_100), {
      ok: true,
      timestamp: 1_800_000_000,
    });
    assert.deepEqual(verifyWebhookEd25519(publicKey, header, `${body} `, 1_800_000_000), {
      ok: false,
      reason: 'mismatch',
    });
    const other = generateKeyPairSync('ed25519').publicKey;
    assert.deepEqual(verifyWebhookEd25519(other, header, body, 1_800_000_000), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyWebhookEd25519(publicKey, header, body, 1_800_000_301), { ok: false, reason: 'stale' });
    for (const malformed of [
      '',
      't=1800000000',
      `t=1800000000,ed25519=${'A'.repeat(10)}`,
      `t=1800000000,ed25519=${'\u0000'.repeat(88)}`,
      `t=1800000000,ed25519=${'A'.repeat(5000)}`,
      signWebhook(secret, body, 1_800_000_000),
    ])
      assert.deepEqual(verifyWebhookEd25519(publicKey, malformed, body, 1_800_000_000), {
        ok: false,
        reason: 'malformed',
      });
    const rotated = signWebhookEd25519(generateKeyPairSync('ed25519').privateKey, body, 1_800_000_000).split(',')[1];
    assert.equal(verifyWebhookEd25519(publicKey, `${header},${rotated}`, body, 1_800_000_000).ok, true);
  });
});
