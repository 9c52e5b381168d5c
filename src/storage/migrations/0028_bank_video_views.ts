import type { StorageMigration } from './ddl.js';

/**
 * `banks.video_views`: the extra views of the videos a bank banks (`BankRecord.videoViews`, e.g.
 * `corners`), comma-separated, `''` for none. Existing banks get `''`, so what they bank does not
 * change.
 */
export const bankVideoViewsMigration: StorageMigration = {
  name: '0028_bank_video_views',
  async up(db) {
    await db.schema
      .alterTable('banks')
      .addColumn('video_views', 'text', (column) => column.notNull().defaultTo(''))
      .execute();
  },
};
