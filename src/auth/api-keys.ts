import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRecord, ApiKeyRepository, ApiScope } from './api-key-repository.js';

/**
 * API keys: a random secret shown once at creation; only its SHA-256 is stored, so a leaked
 * database does not leak working keys. Scopes nest: `admin` ⊃ `write` ⊃ `read`.
 */
export const apiScopes: readonly ApiScope[] = ['read', 'write', 'admin'];

const scopeRank: Record<ApiScope, number> = { read: 1, write: 2, admin: 3 };

/** The digest stored for a secret. */
export function apiKeyDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Creates a key with `scopes` and returns its record and the secret (shown once, never stored). */
export async function createApiKey(
  repository: ApiKeyRepository,
  name: string,
  scopes: readonly ApiScope[],
): Promise<{ key: ApiKeyRecord; secret: string }> {
  const secret = `prv_${randomBytes(24).toString('base64url')}`;
  const key = await repository.create({ name, secretDigest: apiKeyDigest(secret), scopes });
  return { key, secret };
}

/** True when a key with `granted` scopes may do what `needed` requires. */
export function hasScope(granted: readonly ApiScope[], needed: ApiScope): boolean {
  return granted.some((scope) => scopeRank[scope] >= scopeRank[needed]);
}
