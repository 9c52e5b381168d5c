import { dialectTypes, identityKey, type StorageMigration } from './ddl.js';

/**
 * The signals engine's durable state: the event log (idempotent by event id), the processing
 * state (watermark and feature snapshot), rule hits, labels, entity links and typology
 * contributions. Every row an event causes carries the event id under a unique key, so
 * replaying events after a crash changes nothing twice.
 */
export const eventLogMigration: StorageMigration = {
  name: '0005_event_log',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('events')
      .addColumn('seq', 'integer', identityKey(dialect))
      .addColumn('id', 'text', (column) => column.notNull().unique())
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('time', 'text', (column) => column.notNull())
      .addColumn('time_ms', types.bigint, (column) => column.notNull())
      .addColumn('entities_json', 'text', (column) => column.notNull())
      .addColumn('data_json', 'text', (column) => column.notNull())
      .addColumn('received_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('engine_state')
      .addColumn('name', 'text', (column) => column.primaryKey())
      .addColumn('processed_seq', types.bigint, (column) => column.notNull())
      .addColumn('snapshot_seq', types.bigint, (column) => column.notNull())
      .addColumn('snapshot_json', 'text')
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('rule_hits')
      .addColumn('event_id', 'text', (column) => column.notNull())
      .addColumn('rule_id', 'text', (column) => column.notNull())
      .addColumn('event_seq', types.bigint, (column) => column.notNull())
      .addColumn('mode', 'text', (column) => column.notNull())
      .addColumn('subject', 'text')
      .addColumn('reason', 'text', (column) => column.notNull())
      .addColumn('effects_json', 'text', (column) => column.notNull())
      .addColumn('time', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('rule_hits_pk', ['event_id', 'rule_id'])
      .execute();
    await db.schema.createIndex('rule_hits_by_rule').on('rule_hits').columns(['rule_id', 'subject']).execute();
    await db.schema
      .createTable('labels')
      .addColumn('entity', 'text', (column) => column.notNull())
      .addColumn('label', 'text', (column) => column.notNull())
      .addColumn('added_at', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('reason', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('labels_pk', ['entity', 'label'])
      .execute();
    await db.schema
      .createTable('entity_links')
      .addColumn('from_entity', 'text', (column) => column.notNull())
      .addColumn('to_entity', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('first_seen', 'text', (column) => column.notNull())
      .addColumn('last_seen', 'text', (column) => column.notNull())
      .addColumn('count', types.bigint, (column) => column.notNull())
      .addPrimaryKeyConstraint('entity_links_pk', ['from_entity', 'to_entity', 'kind'])
      .execute();
    await db.schema.createIndex('entity_links_to').on('entity_links').column('to_entity').execute();
    await db.schema
      .createTable('typology_contributions')
      .addColumn('typology', 'text', (column) => column.notNull())
      .addColumn('subject', 'text', (column) => column.notNull())
      .addColumn('rule_id', 'text', (column) => column.notNull())
      .addColumn('event_id', 'text', (column) => column.notNull())
      .addColumn('points', types.float, (column) => column.notNull())
      .addColumn('reason', 'text', (column) => column.notNull())
      .addColumn('time', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('typology_contributions_pk', ['typology', 'subject', 'event_id', 'rule_id'])
      .execute();
  },
};
