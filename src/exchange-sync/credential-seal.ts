import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EngineError } from '../core/index.js';
import type { EvidenceKeyRing } from '../evidence/index.js';
import type { SealedCredentials } from './exchange-records.js';

/**
 * Exchange credentials at rest: AES-256-GCM under the key ring's current key (the evidence
 * vault's ring, `PREVAIL_EVIDENCE_KEYS`), a fresh 12-byte nonce each time, the scope and key id
 * bound in as additional data so a sealed value cannot be moved to another exchange. Only
 * `keyId` and the sealed JSON are stored; rotation (`prevail exchange rotate-credentials`)
 * reseals under the current key.
 */
function aad(scope: string, keyId: string): Buffer {
  return Buffer.from(`prevail-exchange-credentials\u0000${scope}\u0000${keyId}`);
}

function noRing(): EngineError {
  return new EngineError(
    'EXCHANGE_CREDENTIALS_UNREADABLE',
    'exchange credentials are sealed with the key ring: set PREVAIL_EVIDENCE_KEYS (or PREVAIL_EVIDENCE_KEY)',
  );
}

/** Seals credentials for `scope` with the ring's current key. */
export function sealCredentials(
  ring: EvidenceKeyRing | undefined,
  scope: string,
  credentials: Readonly<Record<string, unknown>>,
): SealedCredentials {
  if (ring === undefined) throw noRing();
  const keyId = ring.currentKeyId;
  const key = ring.keys.get(keyId);
  if (key === undefined) throw noRing();
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad(scope, keyId));
  const data = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  const sealed = JSON.stringify({
    format: 'prevail-exchange-credentials/1',
    nonce: nonce.toString('base64'),
    data: data.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  });
  return { keyId, sealed };
}

/**
 * Opens sealed credentials.
 * @throws EngineError `EXCHANGE_CREDENTIALS_UNREADABLE` (no ring, a key id the ring lacks, or
 *   altered); the message never holds a secret.
 */
export function openCredentials(
  ring: EvidenceKeyRing | undefined,
  scope: string,
  sealed: SealedCredentials,
): Record<string, unknown> {
  if (ring === undefined) throw noRing();
  const key = ring.keys.get(sealed.keyId);
  if (key === undefined) {
    throw new EngineError(
      'EXCHANGE_CREDENTIALS_UNREADABLE',
      `the credentials of ${scope} are sealed with key ${sealed.keyId}, which the key ring does not hold`,
    );
  }
  try {
    const parts = JSON.parse(sealed.sealed) as { nonce: string; data: string; tag: string };
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts.nonce, 'base64'));
    decipher.setAAD(aad(scope, sealed.keyId));
    decipher.setAuthTag(Buffer.from(parts.tag, 'base64'));
    const text = Buffer.concat([decipher.update(Buffer.from(parts.data, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new EngineError(
      'EXCHANGE_CREDENTIALS_UNREADABLE',
      `the credentials of ${scope} do not open with key ${sealed.keyId} (wrong key, or altered)`,
      { cause: error },
    );
  }
}
