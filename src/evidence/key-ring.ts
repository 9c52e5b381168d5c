import { EngineError } from '../core/index.js';

/**
 * The evidence vault's key-encryption keys, each named by a key id. The first is current: every
 * new item's data key is wrapped with it, and `rotateKey` rewraps older items to it. The others
 * are kept only so that items wrapped with them stay readable until they are rotated.
 */
export interface EvidenceKeyRing {
  /** The id of the key new items are wrapped with (the first of `PREVAIL_EVIDENCE_KEYS`). */
  readonly currentKeyId: string;
  /** Every key by id (32 bytes each), the current one included. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** The id a single `PREVAIL_EVIDENCE_KEY` (today's setting) and items written before key ids carry. */
export const defaultKeyId = 'default';

/** A key id: a letter or digit, then letters, digits, `.`, `_` or `-`; at most 64 characters. */
export const keyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const keyHexPattern = /^[0-9a-fA-F]{64}$/;

function invalid(message: string): EngineError {
  return new EngineError('CONFIG_INVALID', message);
}

/**
 * Parses a key ring written as `PREVAIL_EVIDENCE_KEYS` is: comma-separated `keyId:<64 hex>`
 * entries, the first current (e.g. `k2026b:…,k2026a:…`). Spaces around entries are ignored.
 * Messages never repeat a key's value.
 *
 * @throws EngineError `CONFIG_INVALID` for an empty ring, a malformed entry or id, a key that is
 *   not 64 hex characters, or an id given twice.
 */
export function parseEvidenceKeyRing(text: string): EvidenceKeyRing {
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.length === 0 || entries.every((entry) => entry === '')) {
    throw invalid('the evidence key ring is empty: give keyId:<64 hex>[,keyId:<64 hex>…]');
  }
  const keys = new Map<string, Buffer>();
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    if (colon < 0) throw invalid(`evidence key ring entry ${index + 1} is not keyId:<64 hex>`);
    const keyId = entry.slice(0, colon);
    const hex = entry.slice(colon + 1);
    if (!keyIdPattern.test(keyId)) {
      throw invalid(
        `evidence key ring entry ${index + 1}: a key id is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      );
    }
    if (!keyHexPattern.test(hex)) {
      throw invalid(`evidence key ${keyId}: expected 64 hex characters (32 random bytes, e.g. "openssl rand -hex 32")`);
    }
    if (keys.has(keyId)) throw invalid(`evidence key ${keyId} is given twice`);
    keys.set(keyId, Buffer.from(hex, 'hex'));
  }
  const [currentKeyId] = keys.keys();
  if (currentKeyId === undefined) throw invalid('the evidence key ring is empty');
  return { currentKeyId, keys };
}

/** A ring of one key (id `default`), as a single `PREVAIL_EVIDENCE_KEY` or a 32-byte `key` option gives. */
export function singleKeyRing(key: Uint8Array, keyId = defaultKeyId): EvidenceKeyRing {
  if (key.length !== 32) throw invalid('the evidence key must be 32 bytes');
  return { currentKeyId: keyId, keys: new Map([[keyId, Buffer.from(key)]]) };
}

/**
 * The key ring from the settings: `PREVAIL_EVIDENCE_KEYS` (a ring, first current) and/or
 * `PREVAIL_EVIDENCE_KEY` (one key, id `default`). With both, the ring's first key is current and
 * the single key joins the ring as `default` (unless the ring names a `default` itself), so items
 * written before key ids stay readable while they are rotated.
 *
 * @throws EngineError `CONFIG_INVALID` when neither is set or either is malformed.
 */
export function evidenceKeyRingFromEnvironment(environment: {
  readonly PREVAIL_EVIDENCE_KEYS?: string | undefined;
  readonly PREVAIL_EVIDENCE_KEY?: string | undefined;
}): EvidenceKeyRing {
  const ringText = environment.PREVAIL_EVIDENCE_KEYS?.trim() ?? '';
  const singleText = environment.PREVAIL_EVIDENCE_KEY?.trim() ?? '';
  if (ringText === '' && singleText === '') {
    throw invalid(
      'evidence preservation needs PREVAIL_EVIDENCE_KEYS (keyId:<64 hex>, comma-separated, first current) or PREVAIL_EVIDENCE_KEY (64 hex characters: 32 random bytes, e.g. "openssl rand -hex 32"), kept outside the data directory',
    );
  }
  const single = singleText === '' ? undefined : evidenceKeyFromEnvironment({ PREVAIL_EVIDENCE_KEY: singleText });
  if (ringText === '') return singleKeyRing(single ?? Buffer.alloc(0));
  const ring = parseEvidenceKeyRing(ringText);
  if (single === undefined || ring.keys.has(defaultKeyId)) return ring;
  return { currentKeyId: ring.currentKeyId, keys: new Map([...ring.keys, [defaultKeyId, single]]) };
}

/**
 * The evidence key from the `PREVAIL_EVIDENCE_KEY` setting (64 hex characters = 32 bytes), as
 * the composition root read it (`src/config/`). Kept for callers that hold one key; a ring is
 * read by `evidenceKeyRingFromEnvironment`.
 * @throws EngineError CONFIG_INVALID when it is missing or malformed.
 */
export function evidenceKeyFromEnvironment(environment: {
  readonly PREVAIL_EVIDENCE_KEY?: string | undefined;
}): Buffer {
  const text = environment.PREVAIL_EVIDENCE_KEY ?? '';
  if (!keyHexPattern.test(text)) {
    throw invalid(
      'evidence preservation needs PREVAIL_EVIDENCE_KEY: 64 hex characters (32 random bytes, e.g. "openssl rand -hex 32"), kept outside the data directory',
    );
  }
  return Buffer.from(text, 'hex');
}
