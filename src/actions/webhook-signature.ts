import { createHmac, type KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';
import type { WebhookSigning } from './action-model.js';

/** The header that carries the signature. */
export const signatureHeader = 'Prevail-Signature';

/** How far a signature's time may be from the receiver's clock, by default (seconds). */
export const defaultToleranceSeconds = 300;

/**
 * Signs a webhook body the way Stripe and GitHub do: HMAC-SHA256 with the endpoint's secret over
 * `<t>.<body>`, where `t` is the Unix time in seconds; the header value is `t=<t>,v1=<hex>`.
 * The time inside the signed text lets a receiver refuse replays of an old request.
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const t = Math.floor(unixSeconds);
  return `t=${t},v1=${hmacHex(secret, `${t}.${body}`)}`;
}

/**
 * Signs with Ed25519 (node:crypto) over the same text, `<t>.<body>`; the header value is
 * `t=<t>,ed25519=<base64 signature>`. The receiver holds only the public key, so a leak on its
 * side cannot forge actions.
 */
export function signWebhookEd25519(privateKey: KeyObject, body: string, unixSeconds: number): string {
  const t = Math.floor(unixSeconds);
  return `t=${t},ed25519=${sign(null, Buffer.from(`${t}.${body}`, 'utf8'), privateKey).toString('base64')}`;
}

/** The `Prevail-Signature` value of `body` for an endpoint's signing scheme. */
export function signatureFor(signing: WebhookSigning, body: string, unixSeconds: number): string {
  return signing.scheme === 'ed25519'
    ? signWebhookEd25519(signing.privateKey, body, unixSeconds)
    : signWebhook(signing.secret, body, unixSeconds);
}

/** Why a signature did not verify, or `ok`. */
export type SignatureCheck =
  | { readonly ok: true; readonly timestamp: number }
  | { readonly ok: false; readonly reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Verifies a `Prevail-Signature` header over the exact body bytes received: the header parses,
 * its time is within `toleranceSeconds` of `nowSeconds`, and one of its `v1` values (several
 * are allowed while a secret rotates) equals the HMAC, compared in constant time.
 */
export function verifyWebhook(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = defaultToleranceSeconds,
): SignatureCheck {
  const parsed = parseHeader(header, 'v1', /^[0-9a-f]{64}$/);
  if (parsed === undefined) return { ok: false, reason: 'malformed' };
  const { timestamp, signatures } = parsed;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(hmacHex(secret, `${timestamp}.${body}`), 'hex');
  const match = signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}

/**
 * Verifies an Ed25519 `Prevail-Signature` (`t=…,ed25519=…`) with the endpoint's public key, over
 * the exact body bytes received; the same time window as HMAC, and any of several `ed25519`
 * values (for key rotation) may match.
 */
export function verifyWebhookEd25519(
  publicKey: KeyObject,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = defaultToleranceSeconds,
): SignatureCheck {
  const parsed = parseHeader(header, 'ed25519', /^[A-Za-z0-9+/]{86}==$/);
  if (parsed === undefined) return { ok: false, reason: 'malformed' };
  const { timestamp, signatures } = parsed;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const signed = Buffer.from(`${timestamp}.${body}`, 'utf8');
  const match = signatures.some((signature) => verify(null, signed, publicKey, Buffer.from(signature, 'base64')));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}

/**
 * `t=<unix>` and the values of `scheme=` that match `format`; other schemes are ignored (a
 * header may carry both while a receiver migrates). Undefined when malformed or when it has no
 * time or no signature of the scheme.
 */
function parseHeader(
  header: string,
  scheme: string,
  format: RegExp,
): { readonly timestamp: number; readonly signatures: readonly string[] } | undefined {
  if (header.length > 4096) return undefined;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) return undefined;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't') {
      if (!/^[0-9]{1,12}$/.test(value)) return undefined;
      timestamp = Number(value);
    } else if (key === scheme && format.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}
