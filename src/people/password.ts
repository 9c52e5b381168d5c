import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (node:crypto). A stored hash carries everything needed to check it
 * again: `scrypt$<N>$<r>$<p>$<salt base64url>$<key base64url>`, so the cost can be raised later
 * without invalidating what is stored. A password is never stored, logged or audited.
 */

/** scrypt's cost parameters. */
export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** The default cost: N=2^15, r=8, p=1 (about 32 MiB and tens of milliseconds per check). */
export const defaultScryptParameters: ScryptParameters = { N: 32_768, r: 8, p: 1 };

const keyLength = 32;
const saltLength = 16;
/** Largest cost accepted from a stored hash (a corrupted row must not exhaust memory). */
const maxN = 1 << 20;

function derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const options: ScryptOptions = {
    N: parameters.N,
    r: parameters.r,
    p: parameters.p,
    maxmem: 256 * parameters.N * parameters.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes `password` with a fresh random salt; the result is what `verifyPassword` checks. */
export async function hashPassword(
  password: string,
  parameters: ScryptParameters = defaultScryptParameters,
): Promise<string> {
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, parameters);
  return [
    'scrypt',
    parameters.N,
    parameters.r,
    parameters.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

function parseStored(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((value) => Number.isSafeInteger(value) && value > 0)) return undefined;
  if (N > maxN || (N & (N - 1)) !== 0 || r > 32 || p > 16) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length === 0 || key.length !== keyLength) return undefined;
  return { parameters: { N, r, p }, salt, key };
}

/**
 * Whether `password` matches `stored` (a `hashPassword` result), compared in constant time
 * (`timingSafeEqual`). A malformed stored hash never matches. A password holding NUL never
 * matches either: scrypt's inner HMAC pads short keys with zero bytes, so `"…secret"` and
 * `"…secret\0"` would derive the same key (and no stored password may hold NUL).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (parsed === undefined) return false;
  const key = await derive(password, parsed.salt, parsed.parameters);
  return timingSafeEqual(key, parsed.key) && !password.includes('\u0000');
}

/** The rule for a new password: at least 12 characters, at most 1,024, no NUL. */
export const minPasswordLength = 12;
export const maxPasswordLength = 1024;

/** Why `password` is not acceptable as a new password, or undefined when it is. */
export function passwordProblem(password: unknown): string | undefined {
  if (typeof password !== 'string') return 'password must be text';
  if ([...password].length < minPasswordLength) return `password must have at least ${minPasswordLength} characters`;
  if (password.length > maxPasswordLength) return `password must have at most ${maxPasswordLength} characters`;
  if (password.includes('\u0000')) return 'password must not contain NUL';
  return undefined;
}

/** A random password for people created without one: 24 base64url characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
