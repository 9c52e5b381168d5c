import { sql } from 'kysely';
import { dialectTypes, type StorageMigration } from './ddl.js';

/**
 * Features of every role in partitioned mode (docs/scaling.md, "Features of every role"): an
 * entity's features live in its home partition, which may not be the partition its event was
 * logged under (a payment goes to its payer's partition; its payee's features live in the
 * payee's).
 *
 * - `event_feature_homes`: one row per logged event and other partition that is home to one of
 *   its entities' features, so that the owner taking that partition over replays the event too.
 * - `bus_partition_leases.state_epoch`: raised each time an owner (re)builds a partition's
 *   features from the log. A worker that used another partition's features for a batch commits
 *   only while that partition's owner and epoch are still the ones that answered it (the same
 *   `for share` fence as the partition's own lease), so a rebuild that missed the batch cannot
 *   stand beside its commit.
 */
export const featureHomesMigration: StorageMigration = {
  name: '0030_feature_homes',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('event_feature_homes')
      .addColumn('partition', 'integer', (column) => column.notNull())
      .addColumn('seq', types.bigint, (column) => column.notNull())
      .addPrimaryKeyConstraint('event_feature_homes_pk', ['partition', 'seq'])
      .execute();
    await sql`alter table bus_partition_leases add column state_epoch ${sql.raw(types.bigint)} not null default 0`.execute(
      db,
    );
  },
};
