import { identityKey, type StorageMigration } from './ddl.js';

/**
 * The review console's comments and second-opinion requests (`case_comments`), and the indexes
 * the console reads by at 100,000 cases and a million timeline rows: a case's timeline newest
 * first (`case_id, time`), decisions by time for the dashboards (`kind, time`), cases by opening
 * time (`opened_at`).
 */
export const caseCommentsMigration: StorageMigration = {
  name: '0012_case_comments',
  async up(db, dialect) {
    await db.schema
      .createTable('case_comments')
      .addColumn('id', 'integer', identityKey(dialect))
      .addColumn('case_id', 'integer', (column) => column.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('author', 'text', (column) => column.notNull())
      .addColumn('time', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('text', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('case_comments_by_case').on('case_comments').columns(['case_id', 'id']).execute();
    await db.schema.createIndex('case_timeline_by_time').on('case_timeline').columns(['case_id', 'time']).execute();
    await db.schema.createIndex('case_timeline_by_kind').on('case_timeline').columns(['kind', 'time']).execute();
    await db.schema.createIndex('cases_by_opened').on('cases').column('opened_at').execute();
  },
};
