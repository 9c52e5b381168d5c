import { sql } from 'kysely';
import { dialectTypes, type StorageMigration } from './ddl.js';

/**
 * The bank change log, which lets every process sharing a store follow changes another process
 * committed (issue 15: `prevail exchange fetch` from cron, `prevail bank import`, a second
 * `prevail serve` on the same PostgreSQL):
 *
 * - `bank_changes`: one row per kind of change per transaction, numbered by `seq`: `added` and
 *   `removed` carry the content ids as ascending ranges (`1-500,502`), `banks` says bank rows
 *   were created, changed or deleted. `bank_id` is kept without a foreign key: the row outlives
 *   its bank.
 * - `bank_change_head`: one row holding the last `seq` handed out. A writer takes the next
 *   numbers with an `UPDATE … RETURNING` at the end of its transaction, which locks the row until
 *   commit, so numbers are committed in order on PostgreSQL too: a reader that sees `seq` N has
 *   already been able to see every number below it (committed, or rolled back for good).
 */
export const bankChangesMigration: StorageMigration = {
  name: '0023_bank_changes',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('bank_changes')
      .addColumn('seq', types.bigint, (column) => column.primaryKey())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('bank_id', 'integer')
      .addColumn('content_ids', 'text', (column) => column.notNull())
      .addColumn('committed_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('bank_change_head')
      .addColumn('id', 'integer', (column) => column.primaryKey())
      .addColumn('seq', types.bigint, (column) => column.notNull())
      .execute();
    await sql`insert into bank_change_head (id, seq) values (1, 0)`.execute(db);
  },
};
