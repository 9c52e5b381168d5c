/**
 * The API key model and the contract for storing keys. The auth module owns it; `storage/`
 * implements `ApiKeyRepository`, and the HTTP server checks requests against it.
 */

/** What a key may do. Scopes nest: `admin` ⊃ `write` ⊃ `read`. */
export type ApiScope = 'read' | 'write' | 'admin';

/** An API key as stored: only the SHA-256 of the secret is kept. */
export interface ApiKeyRecord {
  readonly id: number;
  readonly name: string;
  readonly scopes: readonly ApiScope[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** API keys, stored as SHA-256 digests of their secrets. */
export interface ApiKeyRepository {
  create(input: { name: string; secretDigest: string; scopes: readonly ApiScope[] }): Promise<ApiKeyRecord>;
  /** The active (not revoked) key with this secret digest. */
  findActiveByDigest(secretDigest: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  /** @returns false when no active key has that id. */
  revoke(id: number): Promise<boolean>;
}
