import type { SqlBool } from 'kysely';

/**
 * The two databases Prevail runs on. All query code is shared; the few places that must know
 * which one they talk to (DDL, booleans, the SQLite import fast path) take this name.
 */
export type DialectName = 'sqlite' | 'postgres';

/**
 * A boolean as the dialect binds it: better-sqlite3 cannot bind JavaScript booleans, so SQLite
 * gets `1`/`0` (its columns are `integer`), PostgreSQL gets a real `boolean`.
 */
export function sqlBoolean(dialect: DialectName, value: boolean): SqlBool {
  if (dialect === 'postgres') return value;
  return value ? 1 : 0;
}

/** The current time as stored: ISO-8601 UTC text with milliseconds, which sorts as text. */
export function nowIso(): string {
  return new Date().toISOString();
}
