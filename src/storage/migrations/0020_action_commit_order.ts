import { sql } from 'kysely';
import type { StorageMigration } from './ddl.js';

/**
 * The commit order of action rows, for `GET /v1/actions/stream` on PostgreSQL. Outbox ids come
 * from a sequence at insert, so two transactions can commit their rows in the other order than
 * their ids: a subscriber whose cursor is an id could pass over a row that commits later with a
 * smaller id, and never see it. Each row now keeps the id of the transaction that wrote it
 * (`txid_current()`, 64-bit), and the stream reads, in (transaction, id) order, only rows whose
 * transaction is older than every transaction still running — those rows are final, and every
 * later row sorts after them. SQLite has one writer at a time, so there id order is commit order
 * and nothing is added.
 */
export const actionCommitOrderMigration: StorageMigration = {
  name: '0020_action_commit_order',
  async up(db, dialect) {
    if (dialect !== 'postgres') return;
    await sql`alter table action_outbox add column commit_txid bigint not null default txid_current()`.execute(db);
    await db.schema
      .createIndex('action_outbox_stream_commit_order')
      .on('action_outbox')
      .columns(['endpoint', 'status', 'commit_txid', 'id'])
      .execute();
  },
};
