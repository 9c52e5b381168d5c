import { EngineError } from '../core/index.js';

/**
 * Classifies the errors that the two database drivers throw, so that repositories can turn the
 * ones callers must tell apart into `EngineError`s and let the rest through unchanged.
 *
 * better-sqlite3 reports extended result codes (`SQLITE_CONSTRAINT_UNIQUE`), pg reports
 * SQLSTATE codes (`23505`) for server errors and Node's `E…` codes for socket errors.
 */

/** The driver's error code, when the thrown value has one. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** True when `error` is a unique or primary key violation in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * True when `error` is a foreign key violation: content written for a bank that a concurrent
 * transaction deleted (PostgreSQL; SQLite has one writer and checks inside the transaction).
 */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

const unreachableSocketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
]);
const unavailableSqliteCodes = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|NOTADB|CORRUPT)/;

/**
 * True when `error` means the database cannot serve requests right now: the server is down or
 * unreachable, the connection dropped, the server is shutting down, or the SQLite file is
 * locked, unreadable or full. Such failures are the operator's to fix, not the caller's.
 */
export function isUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined) {
    if (unreachableSocketCodes.has(code)) return true;
    // SQLSTATE class 08 (connection exception), 53 (insufficient resources), 57P (operator intervention).
    if (/^(08|53)...$|^57P0[1-3]$/.test(code)) return true;
    if (unavailableSqliteCodes.test(code)) return true;
  }
  return error instanceof Error && /Connection terminated|timeout exceeded when trying to connect/i.test(error.message);
}

/** The error's own message, for wrapping it into a message of ours. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `work`, turning an "unavailable" driver error into `STORAGE_UNAVAILABLE` (keeping the
 * original as `cause`). Engine errors and anything else pass through unchanged.
 */
export async function translateStorageErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof EngineError) && isUnavailable(error)) {
      throw new EngineError('STORAGE_UNAVAILABLE', `the database is unavailable: ${describeError(error)}`, {
        cause: error,
      });
    }
    throw error;
  }
}
