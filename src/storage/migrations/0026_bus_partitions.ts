import { sql } from 'kysely';
import { dialectTypes, type StorageMigration } from './ddl.js';

/**
 * Partition by entity in multi-node mode (docs/scaling.md, "Partitioned workers"):
 *
 * - `events.bus_partition`: the bus partition a worker processed the event under (null for
 *   events of the embedded mode and of unpartitioned workers), with an index on
 *   `(bus_partition, seq)`: a worker that takes a partition replays exactly that partition's
 *   events, in log order, to rebuild its feature state.
 * - `bus_partition_count`: one row holding the partition count every node must use; the first
 *   node writes it, every other one checks it (`BUS_PARTITIONS_MISMATCH`).
 * - `bus_partition_leases`: one row per partition: the worker that owns it and until when
 *   (milliseconds on the database's clock, so that workers' clocks do not matter).
 * - `bus_workers`: the workers alive (renewed with their leases), to share partitions evenly.
 */
export const busPartitionsMigration: StorageMigration = {
  name: '0026_bus_partitions',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema.alterTable('events').addColumn('bus_partition', 'integer').execute();
    await sql`create index events_by_bus_partition on events (bus_partition, seq)`.execute(db);
    await db.schema
      .createTable('bus_partition_count')
      .addColumn('id', 'integer', (column) => column.primaryKey())
      .addColumn('partitions', 'integer', (column) => column.notNull())
      .addColumn('set_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('bus_partition_leases')
      .addColumn('partition', 'integer', (column) => column.primaryKey())
      .addColumn('owner', 'text')
      .addColumn('expires_at_ms', types.bigint, (column) => column.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('bus_workers')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('expires_at_ms', types.bigint, (column) => column.notNull())
      .execute();
  },
};
