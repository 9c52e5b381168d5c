import { createHmac, timingSafeEqual } from 'node:crypto';

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
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value, extra] = part.trim().split('=');
    if (value === undefined || extra !== undefined) return { ok: false, reason: 'malformed' };
    if (key === 't' && /^[0-9]{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(hmacHex(secret, `${timestamp}.${body}`), 'hex');
  const match = signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}
