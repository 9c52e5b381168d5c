import type { StorageMigration } from './ddl.js';

/**
 * `event_verdicts`: in multi-node mode (docs/scaling.md, "Verdicts over the bus"), the verdict a
 * worker committed for an event an API node waits for (`?wait=verdict`), written in the same
 * transaction as the event's insert and its effects. `verdict_json` is the verdict as JSON, or
 * null when the event was processed without one (its processing was dead-lettered). The API node
 * that waits deletes the row when it reads it; `committed_at` lets it delete rows nobody read
 * (their node stopped, or its wait ended first). Only events someone waits for get a row.
 */
export const eventVerdictsMigration: StorageMigration = {
  name: '0025_event_verdicts',
  async up(db) {
    await db.schema
      .createTable('event_verdicts')
      .addColumn('event_id', 'text', (column) => column.primaryKey())
      .addColumn('verdict_json', 'text')
      .addColumn('committed_at', 'text', (column) => column.notNull())
      .execute();
  },
};
