import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineError } from '../core/index.js';

/** How `openStorage` is told where the data lives. */
export interface StorageOptions {
  /** Directory of the embedded SQLite file `prevail.sqlite` (default `./data`, created if missing). */
  readonly dataDir?: string | undefined;
  /** `postgres://…` or `postgresql://…`; when given, PostgreSQL is used instead of SQLite. */
  readonly databaseUrl?: string | undefined;
  /**
   * PostgreSQL only: a schema (lowercase `[a-z_][a-z0-9_]*`) to create if missing and use
   * through `search_path`, e.g. one fresh schema per test run. Ignored for SQLite.
   */
  readonly schema?: string | undefined;
  /**
   * SQLite only: the store is thrown away after one run (a batch screening's, whose result is its
   * report), so it trades durability and people's read indexes for speed (see `throwawayPragmas`, `dropReadOnlyIndexes`).
   * Never for a store that is kept: a crash may leave its file broken. Ignored for PostgreSQL.
   */
  readonly throwaway?: boolean | undefined;
}

/** The resolved place to open: one SQLite file, or one PostgreSQL database (and schema). */
export type StorageTarget =
  | { readonly dialect: 'sqlite'; readonly file: string; readonly location: string }
  | {
      readonly dialect: 'postgres';
      readonly connectionString: string;
      /** `postgres://host:port/database`, never with credentials: safe for logs and errors. */
      readonly location: string;
      readonly schema: string | undefined;
    };

/** The SQLite file name inside the data directory. */
export const sqliteFileName = 'prevail.sqlite';

const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Resolves options into a target, rejecting what cannot work before anything is opened.
 *
 * @throws EngineError `CONFIG_INVALID` for a malformed URL, a scheme other than `postgres:` or
 *   `postgresql:`, or a schema name that is not a plain lowercase identifier (it is spliced
 *   into DDL and `search_path`, so it is checked, not quoted).
 */
export function resolveStorageTarget(options: StorageOptions): StorageTarget {
  const { databaseUrl } = options;
  if (databaseUrl === undefined || databaseUrl === '') {
    const file = resolve(join(options.dataDir ?? './data', sqliteFileName));
    return { dialect: 'sqlite', file, location: file };
  }
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new EngineError('CONFIG_INVALID', 'the database URL is not a valid URL (expected postgres://host/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new EngineError(
      'CONFIG_INVALID',
      `unsupported database URL scheme "${url.protocol}": use postgres:// or postgresql://, or leave it unset for SQLite`,
    );
  }
  const { schema } = options;
  if (schema !== undefined && !schemaPattern.test(schema)) {
    throw new EngineError(
      'CONFIG_INVALID',
      `the PostgreSQL schema name "${schema}" must match [a-z_][a-z0-9_]* (at most 63 characters)`,
    );
  }
  return { dialect: 'postgres', connectionString: withDefaultUser(url), location: postgresLocation(url), schema };
}

/**
 * The URL with libpq's default user filled in. Without a user in the URL, libpq (psql) logs in
 * as the operating-system user, but node-postgres reads only `$PGUSER` and `$USER`, which
 * service managers and containers often leave unset; then the server refuses the login with
 * "no PostgreSQL user name specified". So, as libpq does: `$PGUSER`, else the OS user.
 */
function withDefaultUser(url: URL): string {
  if (url.username !== '' || (process.env.PGUSER ?? '') !== '') return url.href;
  const withUser = new URL(url.href);
  try {
    withUser.username = encodeURIComponent(process.env.USER || userInfo().username);
  } catch {
    return url.href; // no passwd entry for this uid: leave the choice to node-postgres
  }
  return withUser.href;
}

/**
 * `postgres://host:port/database` for a connection URL, without user name, password or other
 * parameters, except the socket directory of a Unix-socket URL (`postgres:///db?host=/run/pg`).
 */
export function postgresLocation(url: URL): string {
  const port = url.port !== '' ? url.port : '5432';
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const socket = url.hostname === '' ? url.searchParams.get('host') : null;
  const host = url.hostname !== '' ? url.hostname : 'localhost';
  return `postgres://${host}:${port}/${database}${socket === null ? '' : `?host=${socket}`}`;
}
