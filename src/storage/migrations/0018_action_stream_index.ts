import type { StorageMigration } from './ddl.js';

/**
 * Reading an SSE endpoint's actions in outbox order (`GET /v1/actions/stream`): the rows of one
 * endpoint and status after a given id. Without it a subscriber resuming with `Last-Event-ID`
 * would sort every row of the status on each poll.
 */
export const actionStreamIndexMigration: StorageMigration = {
  name: '0018_action_stream_index',
  async up(db) {
    await db.schema
      .createIndex('action_outbox_stream')
      .on('action_outbox')
      .columns(['endpoint', 'status', 'id'])
      .execute();
  },
};
