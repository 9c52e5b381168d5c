import { type Kysely, sql } from 'kysely';
import { EngineError } from '../core/index.js';
import type { PartitionLeases } from '../engine/index.js';
import type { EngineDatabase } from './engine-tables.js';

type Db = Kysely<EngineDatabase>;

/** Now on the database's clock, in Unix ms: every lease time is the database's, never a worker's. */
const nowMs = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** A worker row not renewed for this long past its expiry is deleted (tidying, not correctness). */
const forgetWorkersAfterMs = 3_600_000;

/**
 * The partition leases over PostgreSQL lease rows (`bus_partition_leases`, `bus_workers`,
 * migration 0026). Lease rows rather than session advisory locks: a lease is visible in SQL
 * (`select * from bus_partition_leases`), survives a pooled connection being recycled, and is
 * fenced row-wise by `commitDelivered` (`select … for share` on the row inside the commit), so
 * that a worker that stalled past its expiry cannot commit after another took the partition.
 * The price is a hand-over delay of up to one lease after a worker dies (an advisory lock goes
 * at once with its connection). Times are the database's clock.
 */
export class PostgresPartitionLeases implements PartitionLeases {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async configure(partitions: number | null): Promise<void> {
    if (partitions !== null && (!Number.isSafeInteger(partitions) || partitions < 1))
      throw new EngineError('CONFIG_INVALID', `the partition count must be a positive integer, not ${partitions}`);
    await this.#db.transaction().execute(async (trx) => {
      if (partitions !== null)
        await trx
          .insertInto('bus_partition_count')
          .values({ id: 1, partitions, set_at: new Date().toISOString() })
          .onConflict((conflict) => conflict.column('id').doNothing())
          .execute();
      const row = await trx
        .selectFrom('bus_partition_count')
        .select('partitions')
        .where('id', '=', 1)
        .executeTakeFirst();
      const recorded = row === undefined ? null : Number(row.partitions);
      if (recorded !== partitions)
        throw new EngineError(
          'BUS_PARTITIONS_MISMATCH',
          `this node was started ${partitions === null ? 'without bus partitions' : `with ${partitions} bus partitions`}; the shared store records ${recorded === null ? 'none' : recorded} for the deployment`,
        );
      if (partitions !== null)
        await sql`insert into bus_partition_leases (partition) select generate_series(0, ${partitions - 1}) on conflict (partition) do nothing`.execute(
          trx,
        );
    });
  }

  async renew(owner: string, ttlMs: number): Promise<{ held: number[]; share: number }> {
    return this.#db.transaction().execute(async (trx) => {
      await sql`insert into bus_workers (id, expires_at_ms) values (${owner}, ${nowMs} + ${ttlMs})
        on conflict (id) do update set expires_at_ms = excluded.expires_at_ms`.execute(trx);
      await sql`delete from bus_workers where expires_at_ms < ${nowMs} - ${forgetWorkersAfterMs}`.execute(trx);
      // Rows locked in partition order, as commits lock them (fences), so the two cannot deadlock.
      await sql`select partition from bus_partition_leases where owner = ${owner} order by partition for update`.execute(
        trx,
      );
      const held = await sql<{ partition: number }>`update bus_partition_leases
        set expires_at_ms = ${nowMs} + ${ttlMs}
        where owner = ${owner} and expires_at_ms > ${nowMs} returning partition`.execute(trx);
      const counts = await sql<{ workers: string; partitions: string }>`select
        (select count(*) from bus_workers where expires_at_ms > ${nowMs}) as workers,
        (select count(*) from bus_partition_leases) as partitions`.execute(trx);
      const workers = Math.max(1, Number(counts.rows[0]?.workers ?? 1));
      const partitions = Number(counts.rows[0]?.partitions ?? 0);
      return {
        held: held.rows.map((row) => Number(row.partition)).sort((a, b) => a - b),
        share: Math.ceil(partitions / workers),
      };
    });
  }

  async claim(owner: string, ttlMs: number, count: number): Promise<number[]> {
    if (count < 1) return [];
    // SKIP LOCKED: a row held `for share` by another worker's commit in flight is not free yet.
    const { rows } = await sql<{ partition: number }>`update bus_partition_leases
      set owner = ${owner}, expires_at_ms = ${nowMs} + ${ttlMs}
      where partition in (
        select partition from bus_partition_leases
        where owner is null or expires_at_ms <= ${nowMs}
        order by partition limit ${count} for update skip locked)
      returning partition`.execute(this.#db);
    return rows.map((row) => Number(row.partition)).sort((a, b) => a - b);
  }

  async release(owner: string, partitions: readonly number[]): Promise<void> {
    if (partitions.length === 0) return;
    await sql`update bus_partition_leases set owner = null, expires_at_ms = 0
      where owner = ${owner} and partition = any(${[...partitions]}::integer[])`.execute(this.#db);
  }

  async raiseStateEpoch(owner: string, partition: number): Promise<number> {
    const { rows } = await sql<{ state_epoch: string }>`update bus_partition_leases
      set state_epoch = state_epoch + 1
      where partition = ${partition} and owner = ${owner} and expires_at_ms > ${nowMs}
      returning state_epoch`.execute(this.#db);
    const epoch = rows[0]?.state_epoch;
    if (epoch === undefined)
      throw new EngineError(
        'BUS_PARTITION_LOST',
        `worker ${owner} does not hold the lease of bus partition ${partition}`,
      );
    return Number(epoch);
  }

  async leave(owner: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await sql`select partition from bus_partition_leases where owner = ${owner} order by partition for update`.execute(
        trx,
      );
      await sql`update bus_partition_leases set owner = null, expires_at_ms = 0 where owner = ${owner}`.execute(trx);
      await sql`delete from bus_workers where id = ${owner}`.execute(trx);
    });
  }
}
