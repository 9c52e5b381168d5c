import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { EngineError } from '../core/index.js';
import { describeError } from './storage-errors.js';
import type { Database } from './tables.js';
import { throwawayPragmas } from './throwaway-store.js';

/** An open SQLite store: the Kysely instance and the one better-sqlite3 connection under it. */
export interface SqliteHandle {
  readonly kysely: Kysely<Database>;
  /**
   * The raw connection Kysely uses. Only the import fast path touches it, and only while it
   * holds Kysely's connection (`kysely.connection()`), so the two never interleave.
   */
  readonly connection: BetterSqlite3.Database;
}

/** Milliseconds a writer waits for another process's lock before failing with SQLITE_BUSY. */
const busyTimeoutMilliseconds = 5_000;
/** Page cache of the connection, in KiB (negative = KiB in SQLite): bounds memory on imports. */
const cacheKibibytes = 65_536;
/**
 * WAL pages after which a commit copies the WAL back into the database (SQLite's default is
 * 1,000, about 4 MiB). The engine's commits each dirty thousands of scattered index pages, so at
 * the default nearly every commit checkpointed, rewriting pages the next commit dirtied again;
 * at 10,000 (about 40 MiB of WAL) a page changed by several commits is copied back once, which cut
 * the bytes the payments benchmark writes by about a fifth.
 */
const walAutocheckpointPages = 10_000;

/**
 * Opens (creating if missing) the SQLite file and its directory, with the settings Prevail
 * relies on: WAL journal (readers never block the writer), foreign keys enforced (content and
 * signals cascade with their bank), a busy timeout (a second process waits instead of failing
 * at once), `synchronous=NORMAL` (durable at checkpoints; a power cut may lose the last
 * commits but never corrupts the file), a 64 MiB page cache and checkpoints every 10,000 WAL pages.
 * A `throwaway` store (a batch screening's, deleted afterwards) has `throwawayPragmas` instead of
 * the journal and sync settings.
 *
 * @throws EngineError `STORAGE_UNAVAILABLE` when the directory or file cannot be created/opened.
 */
export function openSqliteDatabase(file: string, throwaway = false): SqliteHandle {
  let connection: BetterSqlite3.Database;
  try {
    mkdirSync(dirname(file), { recursive: true });
    connection = new BetterSqlite3(file);
  } catch (error) {
    throw new EngineError('STORAGE_UNAVAILABLE', `cannot open the SQLite database ${file}: ${describeError(error)}`, {
      cause: error,
    });
  }
  try {
    connection.pragma('foreign_keys = ON');
    connection.pragma(`busy_timeout = ${busyTimeoutMilliseconds}`);
    connection.pragma(`cache_size = -${cacheKibibytes}`);
    if (throwaway) {
      for (const pragma of throwawayPragmas) connection.pragma(pragma);
    } else {
      connection.pragma('journal_mode = WAL');
      connection.pragma('synchronous = NORMAL');
      connection.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
    }
  } catch (error) {
    connection.close();
    throw new EngineError(
      'STORAGE_UNAVAILABLE',
      `cannot configure the SQLite database ${file}: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  return { kysely, connection };
}
