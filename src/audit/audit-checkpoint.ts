import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../core/index.js';
import { type AuditHead, hashPattern } from './audit-head.js';
import type { AuditLog } from './audit-log.js';
import { canonicalJson } from './canonical-json.js';

/** The environment variable holding the server's checkpoint signing key (Ed25519 PKCS#8, PEM or base64 DER). */
export const auditSigningKeyVariable = 'PREVAIL_AUDIT_SIGNING_KEY';

/** The format tag written in, and signed with, every checkpoint. */
export const checkpointFormat = 'prevail-audit-checkpoint/1';

/**
 * A signed statement "at `time` the audit log's entry `seq` had hash `hash`", written by the
 * server to a directory the operator ships off the machine. Unlike a head, it cannot be forged
 * by someone who can write that directory but does not hold the signing key.
 */
export interface AuditCheckpoint extends AuditHead {
  readonly format: typeof checkpointFormat;
  readonly time: string;
  /** The first 16 hex digits of the SHA-256 of the public key (SPKI DER), to tell keys apart. */
  readonly keyId: string;
  /** Ed25519 signature (base64) over the canonical JSON of every other field. */
  readonly signature: string;
}

const checkpointSchema = z.strictObject({
  format: z.literal(checkpointFormat),
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  hash: z.string().regex(hashPattern),
  time: z.iso.datetime(),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
});

function ed25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519')
    throw new EngineError(
      'AUDIT_CHECKPOINT_INVALID',
      `${what} is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key, not Ed25519`,
    );
  return key;
}

/**
 * Reads an Ed25519 private key given as PKCS#8 PEM (`openssl genpkey -algorithm ed25519`) or
 * as the base64 of its DER bytes.
 *
 * @throws EngineError `AUDIT_CHECKPOINT_INVALID` for anything else (the key is never echoed).
 */
export function parseAuditSigningKey(text: string): KeyObject {
  try {
    const trimmed = text.trim();
    const key = trimmed.includes('-----BEGIN')
      ? createPrivateKey(trimmed)
      : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
    return ed25519(key, 'the signing key');
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError(
      'AUDIT_CHECKPOINT_INVALID',
      'the signing key is not a PKCS#8 private key (PEM or base64 DER)',
    );
  }
}

/**
 * Reads an Ed25519 public key given as SPKI PEM (`openssl pkey -pubout`), as the base64 of its
 * DER bytes, or as a private key PEM (whose public half is taken).
 *
 * @throws EngineError `AUDIT_CHECKPOINT_INVALID` for anything else.
 */
export function parseAuditPublicKey(text: string): KeyObject {
  try {
    const trimmed = text.trim();
    const key = trimmed.includes('-----BEGIN')
      ? createPublicKey(trimmed)
      : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
    return ed25519(key, 'the public key');
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('AUDIT_CHECKPOINT_INVALID', 'the public key is not an SPKI public key (PEM or base64 DER)');
  }
}

/** A fresh Ed25519 key pair as PEM: PKCS#8 private key, SPKI public key. */
export function generateAuditSigningKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** The key id of a public key (or of a private key's public half). */
export function auditKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);
}

function signedBytes(checkpoint: Omit<AuditCheckpoint, 'signature'>): Buffer {
  const { format, seq, hash, time, keyId } = checkpoint;
  return Buffer.from(canonicalJson({ format, seq, hash, time, keyId }), 'utf8');
}

/** Signs `head` as of `time` with an Ed25519 private key. */
export function signAuditCheckpoint(head: AuditHead, signingKey: KeyObject, time: Date): AuditCheckpoint {
  const unsigned = {
    format: checkpointFormat,
    seq: head.seq,
    hash: head.hash,
    time: time.toISOString(),
    keyId: auditKeyId(signingKey),
  } as const;
  return { ...unsigned, signature: sign(null, signedBytes(unsigned), signingKey).toString('base64') };
}

/**
 * Checks a checkpoint (the text of its file) against an Ed25519 public key and returns it.
 *
 * @throws EngineError `AUDIT_CHECKPOINT_INVALID` when the text is not a checkpoint, was signed
 *   with another key, or its signature does not verify (the checkpoint was altered).
 */
export function openAuditCheckpoint(text: string, publicKey: KeyObject, name = 'the checkpoint'): AuditCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EngineError('AUDIT_CHECKPOINT_INVALID', `${name} is not JSON`);
  }
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success)
    throw new EngineError('AUDIT_CHECKPOINT_INVALID', `${name} is not a ${checkpointFormat} checkpoint`);
  const checkpoint = parsed.data;
  const keyId = auditKeyId(publicKey);
  if (checkpoint.keyId !== keyId)
    throw new EngineError(
      'AUDIT_CHECKPOINT_INVALID',
      `${name} was signed with key ${checkpoint.keyId}, not with the public key given (${keyId})`,
    );
  if (!verify(null, signedBytes(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64')))
    throw new EngineError('AUDIT_CHECKPOINT_INVALID', `${name}: the signature does not verify (it was altered)`);
  return checkpoint;
}

/** Where and with what key the server writes checkpoints. */
export interface AuditCheckpointSettings {
  readonly directory: string;
  readonly signingKey: KeyObject;
  readonly now?: () => Date;
}

/** The file name of a checkpoint: sortable by seq, then time. */
export function checkpointFileName(checkpoint: AuditCheckpoint): string {
  return `audit-checkpoint-${String(checkpoint.seq).padStart(12, '0')}-${checkpoint.time.replace(/[-:.]/g, '')}.json`;
}

/**
 * Signs the audit log's current head and writes it, atomically (temporary file, then rename),
 * as one JSON file in `settings.directory` (created if missing). When `unless` is the current
 * head (nothing was recorded since the last checkpoint), nothing is written and it resolves to
 * undefined. The composition root schedules it (every few minutes and on shutdown); the
 * operator ships the directory elsewhere and checks it with `prevail audit verify --checkpoint`.
 */
export async function writeAuditCheckpoint(
  audit: AuditLog,
  settings: AuditCheckpointSettings,
  unless?: AuditHead,
): Promise<{ file: string; checkpoint: AuditCheckpoint } | undefined> {
  const head = await audit.head();
  if (unless !== undefined && unless.seq === head.seq && unless.hash === head.hash) return undefined;
  const checkpoint = signAuditCheckpoint(head, settings.signingKey, (settings.now ?? (() => new Date()))());
  await mkdir(settings.directory, { recursive: true });
  const file = join(settings.directory, checkpointFileName(checkpoint));
  const temporary = `${file}.tmp`;
  await writeFile(temporary, `${JSON.stringify(checkpoint)}\n`, { mode: 0o644 });
  await rename(temporary, file);
  return { file, checkpoint };
}
