import type BetterSqlite3 from 'better-sqlite3';

/**
 * The settings of a throwaway store (`StorageOptions.throwaway`: a batch screening's, deleted when
 * the screening ends, whose result is its report and never the store), in place of the journal
 * and sync settings of a store that is kept: no rollback journal or WAL (a transaction's pages
 * are written once, into the file, instead of into the WAL and later copied back), no wait for
 * the disk, and the file locked for its one connection (no lock taken and released per
 * transaction). A crash mid-write may leave the file broken: acceptable only because nothing
 * ever opens it again.
 */
export const throwawayPragmas = ['journal_mode = OFF', 'synchronous = OFF', 'locking_mode = EXCLUSIVE'] as const;

/**
 * Indexes that serve only people's reads — the console's case queue and timelines, a subject's
 * rule hits in the API and reports — and nothing the engine reads while it processes events (it
 * reads events by seq, links by either end and open cases by subject, which all keep theirs).
 */
const readOnlyIndexes = [
  'case_timeline_by_time',
  'case_timeline_by_kind',
  'rule_hits_by_subject',
  'cases_by_opened',
  'cases_by_retention_ms',
  'cases_queue_order',
] as const;

/**
 * Drops, from a freshly migrated throwaway store, the indexes only people's reads use
 * (`readOnlyIndexes`): read by no one but its engine, the store would pay a B-tree insert per
 * timeline entry, rule hit or case for each of them and never use one. Every query still works
 * on it; only those reads are slower.
 */
export function dropReadOnlyIndexes(connection: BetterSqlite3.Database): void {
  for (const name of readOnlyIndexes) connection.exec(`drop index if exists ${name}`);
}
