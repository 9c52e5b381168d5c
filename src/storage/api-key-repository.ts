import type { Kysely } from 'kysely';
import type { ApiKeyRecord, ApiKeyRepository, ApiScope } from '../auth/index.js';
import { nowIso } from './dialect.js';
import { encodeScopes, toApiKeyRecord } from './row-mapping.js';
import { translateStorageErrors } from './storage-errors.js';
import type { Database } from './tables.js';

/**
 * `ApiKeyRepository` over Kysely (both dialects). Only the SHA-256 digest of a secret is ever
 * given to or kept by storage; a revoked key stays listed with its `revokedAt` time but no
 * longer authenticates.
 */
export class KyselyApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a new active key. A digest that is already stored fails on its unique key. */
  create(input: { name: string; secretDigest: string; scopes: readonly ApiScope[] }): Promise<ApiKeyRecord> {
    return translateStorageErrors(async () => {
      const row = await this.db
        .insertInto('api_keys')
        .values({
          name: input.name,
          secret_digest: input.secretDigest,
          scopes: encodeScopes(input.scopes),
          created_at: nowIso(),
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toApiKeyRecord(row);
    });
  }

  findActiveByDigest(secretDigest: string): Promise<ApiKeyRecord | undefined> {
    return translateStorageErrors(async () => {
      const row = await this.db
        .selectFrom('api_keys')
        .selectAll()
        .where('secret_digest', '=', secretDigest)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row === undefined ? undefined : toApiKeyRecord(row);
    });
  }

  /** Every key, revoked ones included, in id order. */
  list(): Promise<ApiKeyRecord[]> {
    return translateStorageErrors(async () => {
      const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('id').execute();
      return rows.map(toApiKeyRecord);
    });
  }

  revoke(id: number): Promise<boolean> {
    return translateStorageErrors(async () => {
      const result = await this.db
        .updateTable('api_keys')
        .set({ revoked_at: nowIso() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    });
  }
}
