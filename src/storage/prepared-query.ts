import type { Pool } from 'pg';

/**
 * A statement PostgreSQL prepares once per connection under `name` and then runs from its plan.
 * The text must be constant for its name (PostgreSQL refuses a second text under a name a
 * connection has prepared) and select named columns, so that a table gaining a column does not
 * change what the cached plan returns.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/** Runs a prepared statement with `values` for its `$1`, `$2`, …; its rows. */
export type PreparedQuery = <Row>(statement: PreparedStatement, values: readonly unknown[]) => Promise<Row[]>;

/**
 * Prepared statements on `pool`'s connections, for reads outside a transaction that a worker
 * runs per batch. Kysely sends each query unnamed, so PostgreSQL plans it afresh every time;
 * for a statement of several branches over one array parameter, planning took most of its time
 * (4.6 ms of 4.9 ms, measured with `explain analyze` for `EngineStore.openNeighbours`). A named
 * statement is planned for its first runs on a connection and, once PostgreSQL finds its generic
 * plan no dearer than those, not again.
 */
export function poolPreparedQuery(pool: Pool): PreparedQuery {
  return async <Row>(statement: PreparedStatement, values: readonly unknown[]) => {
    const result = await pool.query({ name: statement.name, text: statement.text, values: [...values] });
    return result.rows as Row[];
  };
}
