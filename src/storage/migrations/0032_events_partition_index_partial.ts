import { sql } from 'kysely';
import type { StorageMigration } from './ddl.js';

/**
 * `events_by_bus_partition` (0026) holds only the events a partitioned worker processed: the
 * embedded engine and unpartitioned workers write `bus_partition` null, and an index entry for
 * each of their events was written on every append and never read (a partition's replay asks
 * for one partition: `bus_partition = ?` implies `is not null`, so both SQLite and PostgreSQL use
 * the partial index for it). One B-tree fewer per event appended in those modes: 1.4 MB per
 * 100,000 events of the rules benchmark's SQLite file (3 %); its CPU gain was within the runs'
 * spread (`bench/results/rules-intel-partial-index.json`: 0.99×).
 *
 * On a large PostgreSQL log the index is rebuilt inside the migration, which holds writes on
 * `events` for as long (docs/deployment.md §3, migrations).
 */
export const eventsPartitionIndexPartialMigration: StorageMigration = {
  name: '0032_events_partition_index_partial',
  async up(db) {
    await sql`drop index events_by_bus_partition`.execute(db);
    await sql`create index events_by_bus_partition on events (bus_partition, seq) where bus_partition is not null`.execute(
      db,
    );
  },
};
