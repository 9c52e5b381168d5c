import { Kysely, PostgresDialect } from 'kysely';
import { escapeIdentifier, Pool, TypeOverrides, types } from 'pg';
import { EngineError } from '../core/index.js';
import { type PreparedQuery, poolPreparedQuery } from './prepared-query.js';
import { describeError, isUniqueViolation } from './storage-errors.js';
import type { Database } from './tables.js';

/** An open PostgreSQL store: Kysely over a pg pool. `kysely.destroy()` ends the pool. */
export interface PostgresHandle {
  readonly kysely: Kysely<Database>;
  /** Prepared statements on the same pool (`prepared-query.ts`). */
  readonly prepared: PreparedQuery;
}

/** How long opening a connection may take before the store is reported unavailable. */
const connectTimeoutMilliseconds = 10_000;

/**
 * pg returns `bigint` (int8) columns and `count(*)` as strings so as not to lose precision past
 * 2^53. Content ids and counts stay far below that, and the records promise numbers, so int8
 * is parsed into a JavaScript number for this pool only (the global pg parsers are untouched).
 */
function storageTypeParsers(): TypeOverrides {
  const overrides = new TypeOverrides();
  overrides.setTypeParser(types.builtins.INT8, 'text', (text: string) => Number.parseInt(text, 10));
  return overrides;
}

/**
 * Connects to PostgreSQL, checks that the server answers, and (when `schema` is given) creates
 * that schema if missing and makes every pooled connection use it through `search_path`, so
 * that tests can each work in a fresh schema and drop it afterwards.
 *
 * Idle pooled connections that break (server restart) are dropped by the pool; the next query
 * opens a new one or fails with `STORAGE_UNAVAILABLE`, so their `error` events are not fatal.
 *
 * @throws EngineError `STORAGE_UNAVAILABLE` naming `location` (host, port, database: never the
 *   password) when the server cannot be reached, refuses the login or the schema cannot be made.
 */
export async function openPostgresDatabase(target: {
  connectionString: string;
  location: string;
  schema: string | undefined;
}): Promise<PostgresHandle> {
  const pool = new Pool({
    connectionString: target.connectionString,
    connectionTimeoutMillis: connectTimeoutMilliseconds,
    types: storageTypeParsers(),
    application_name: 'prevail',
    ...(target.schema === undefined ? {} : { options: `-c search_path=${target.schema}` }),
  });
  pool.on('error', () => {
    // An idle client failed; the pool has already discarded it (see above).
  });
  // A client handed out while its connection was already dying (PostgreSQL restarted, the network
  // cut) emits `error` with no listener between checkout and its query: without this, that one
  // event is an uncaught exception that stops the server. Its query (or the next) still rejects,
  // and the pool drops the client on release because it is no longer queryable.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    // Prevail's statements are short; PostgreSQL's JIT (on by default since 15) compiles any
    // statement whose estimated cost passes a bound, which took 87–117 ms of the server's CPU for
    // a worker's read of linked open cases that runs in 0.6 ms without it (docs/deployment.md).
    // Queued before the client's first query; a server without the setting keeps its default.
    client.query('set jit = off').catch(() => undefined);
  });
  try {
    await checkConnection(pool, target.schema);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new EngineError(
      'STORAGE_UNAVAILABLE',
      `cannot use PostgreSQL at ${target.location}: ${describeError(error)}`,
      { cause: error },
    );
  }
  return {
    kysely: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    prepared: poolPreparedQuery(pool),
  };
}

/** One round trip, and the schema creation when one is asked for. */
async function checkConnection(pool: Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    if (schema === undefined) {
      await client.query('select 1');
      return;
    }
    try {
      await client.query(`create schema if not exists ${escapeIdentifier(schema)}`);
    } catch (error) {
      // Two processes creating the same schema at once: the loser sees a unique violation.
      if (!isUniqueViolation(error)) throw error;
    }
  } finally {
    client.release();
  }
}
