import { Client, escapeIdentifier } from 'pg';
import { resolveStorageTarget } from '../../src/storage/index.js';

/** The PostgreSQL the tests use: `$PREVAIL_TEST_DATABASE_URL`, else the machine's `test` database. */
export const postgresUrl = process.env.PREVAIL_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';

/** `postgresUrl` as `pg` connects to it (with the user libpq would pick when the URL has none). */
export const postgresConnectionString = (() => {
  const target = resolveStorageTarget({ databaseUrl: postgresUrl });
  return target.dialect === 'postgres' ? target.connectionString : postgresUrl;
})();

/**
 * Why the PostgreSQL half of a suite skips (printed by the runner), or false when the server
 * answers. Under CI (`$CI` set) it never skips: an unreachable database there is a failure, seen
 * when the suite tries to connect.
 */
export async function postgresSkipReason(): Promise<string | false> {
  const client = new Client({ connectionString: postgresConnectionString, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return false;
  } catch (error) {
    if (process.env.CI !== undefined) return false;
    return `PostgreSQL unreachable at ${new URL(postgresUrl).host} (${(error as Error).message}); set PREVAIL_TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops the test schemas (and everything in them) that a suite created. */
export async function dropPostgresSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new Client({ connectionString: postgresConnectionString });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists ${escapeIdentifier(schema)} cascade`);
  } finally {
    await client.end();
  }
}
