import { sql } from 'kysely';
import type { StorageMigration } from './ddl.js';

/**
 * Deletes the credentials left behind by exchanges whose bank was deleted directly (HMA's
 * `DELETE /c/bank/<name>`, `DELETE /v1/banks/<name>`): the exchange row went with the bank by
 * cascade, but its sealed credentials (scope `exchange:<name>`) stayed, and a new exchange of the
 * same name would have fetched with them. Deleting a bank now deletes them in its transaction;
 * this removes those already orphaned. Credentials of an API kind (`api:<kind>`) are not touched.
 */
export const exchangeCredentialOrphansMigration: StorageMigration = {
  name: '0021_exchange_credential_orphans',
  async up(db) {
    await sql`
      delete from exchange_credentials
      where scope like 'exchange:%'
        and substr(scope, 10) not in (select name from exchanges)
    `.execute(db);
  },
};
