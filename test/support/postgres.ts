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

/** A PostgreSQL database of one test's own, on the test server (see `createPrivateDatabase`). */
export interface PrivateDatabase {
  readonly name: string;
  /** `postgresUrl` pointing at this database (what `--database-url` takes). */
  readonly url: string;
  /** `postgresConnectionString` pointing at this database (what `pg` takes). */
  readonly connectionString: string;
  /** Drops the database (forcing off whoever is still connected) and closes the admin connection. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database named `<prefix>_<pid>_<random>` for a test that needs a whole
 * database rather than a schema (child processes that run their own migrations, bus mode).
 */
export async function createPrivateDatabase(prefix: string): Promise<PrivateDatabase> {
  const name = `${prefix}_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const admin = new Client({ connectionString: postgresConnectionString });
  await admin.connect();
  await admin.query(`create database ${escapeIdentifier(name)}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    connectionString: postgresConnectionString.replace(/\/[^/?]*(\?|$)/, `/${name}$1`),
    drop: async () => {
      try {
        await admin.query(`drop database if exists ${escapeIdentifier(name)} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
