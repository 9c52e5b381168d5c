import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EngineError } from '../core/index.js';
import { type EvidenceKeyRing, keyIdPattern } from './key-ring.js';

/**
 * An item's wrapped data key, the content of `<id>.key`: the item's own random AES-256 key,
 * encrypted (AES-256-GCM) with the key-encryption key `keyId` of the ring. Rotation rewrites only
 * this small file; the media stays as it was encrypted.
 */
export interface WrappedDataKey {
  readonly format: 'prevail-evidence-key/1';
  readonly keyId: string;
  /** The encrypted data key, base64. */
  readonly wrapped: string;
  /** The 12-byte GCM nonce, base64. */
  readonly nonce: string;
  /** The 16-byte GCM tag, base64. */
  readonly tag: string;
}

/** The wrap's additional data: the file belongs to this item and this key id, so neither can be swapped. */
function wrapAad(itemId: string, keyId: string): Buffer {
  return Buffer.from(`prevail-evidence-key\u0000${itemId}\u0000${keyId}`);
}

/** Wraps `dataKey` (32 bytes) for item `itemId` with the ring's current key. */
export function wrapDataKey(ring: EvidenceKeyRing, itemId: string, dataKey: Uint8Array): WrappedDataKey {
  const keyId = ring.currentKeyId;
  const kek = ring.keys.get(keyId);
  if (kek === undefined) throw new EngineError('CONFIG_INVALID', `the evidence key ring has no key ${keyId}`);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(wrapAad(itemId, keyId));
  const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return {
    format: 'prevail-evidence-key/1',
    keyId,
    wrapped: wrapped.toString('base64'),
    nonce: nonce.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** The key file's text (what `<id>.key` holds). */
export function wrappedKeyText(wrapped: WrappedDataKey): string {
  return `${JSON.stringify(wrapped, null, 2)}\n`;
}

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads `<id>.key` text: the wrapped data key, checked for shape only (it is authenticated when
 * unwrapped).
 * @throws EngineError `EVIDENCE_UNREADABLE` when it is not a key file.
 */
export function parseWrappedKey(itemId: string, text: string): WrappedDataKey {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EngineError('EVIDENCE_UNREADABLE', `evidence item ${itemId}: its key file is not JSON`);
  }
  const candidate = value as Partial<Record<keyof WrappedDataKey, unknown>> | null;
  const fine =
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.format === 'prevail-evidence-key/1' &&
    typeof candidate.keyId === 'string' &&
    keyIdPattern.test(candidate.keyId) &&
    [candidate.wrapped, candidate.nonce, candidate.tag].every(
      (field) => typeof field === 'string' && field.length <= 100 && base64Pattern.test(field),
    );
  if (!fine) throw new EngineError('EVIDENCE_UNREADABLE', `evidence item ${itemId}: its key file is malformed`);
  return candidate as WrappedDataKey;
}

/**
 * Unwraps an item's data key with the ring key its file names.
 * @throws EngineError `EVIDENCE_KEY_UNKNOWN` when the ring lacks that key id;
 *   `EVIDENCE_UNREADABLE` when the key is wrong or the file was altered or belongs to another item.
 */
export function unwrapDataKey(ring: EvidenceKeyRing, itemId: string, wrapped: WrappedDataKey): Buffer {
  const kek = ring.keys.get(wrapped.keyId);
  if (kek === undefined) {
    throw new EngineError(
      'EVIDENCE_KEY_UNKNOWN',
      `evidence item ${itemId} is wrapped with key ${wrapped.keyId}, which the key ring does not hold`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(wrapped.nonce, 'base64'));
    decipher.setAAD(wrapAad(itemId, wrapped.keyId));
    decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'));
    const dataKey = Buffer.concat([decipher.update(Buffer.from(wrapped.wrapped, 'base64')), decipher.final()]);
    if (dataKey.length !== 32) throw new Error('a data key is 32 bytes');
    return dataKey;
  } catch (error) {
    throw new EngineError(
      'EVIDENCE_UNREADABLE',
      `evidence item ${itemId}: its data key does not unwrap with key ${wrapped.keyId} (wrong key, or the key file was altered)`,
      { cause: error },
    );
  }
}
