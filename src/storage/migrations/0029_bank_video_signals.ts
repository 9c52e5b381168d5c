import { sql } from 'kysely';
import type { StorageMigration } from './ddl.js';

/**
 * `banks.video_signals`: the signals beyond the usual ones a bank computes for the videos it
 * banks (`BankRecord.videoSignals`, e.g. `tmk_pdqf`), comma-separated, `''` for none.
 *
 * TMK+PDQF was first turned on by a `tmk` entry in `banks.video_views` (0028), which is about
 * views of a video's frames; it is a signal of its own, so each bank whose `video_views` holds
 * `tmk` gets `video_signals = 'tmk_pdqf'` and loses the `tmk` entry (its other views stay, in
 * their order). What every bank banks is unchanged. Banks are few, so rows are rewritten one by
 * one, the same on both dialects.
 */
export const bankVideoSignalsMigration: StorageMigration = {
  name: '0029_bank_video_signals',
  async up(db) {
    await db.schema
      .alterTable('banks')
      .addColumn('video_signals', 'text', (column) => column.notNull().defaultTo(''))
      .execute();
    const rows = await sql<{ id: number; video_views: string }>`
      select id, video_views from banks where video_views like ${'%tmk%'}`.execute(db);
    for (const row of rows.rows) {
      const views = row.video_views.split(',');
      if (!views.includes('tmk')) continue;
      const kept = views.filter((view) => view !== 'tmk').join(',');
      await sql`update banks set video_views = ${kept}, video_signals = ${'tmk_pdqf'} where id = ${row.id}`.execute(db);
    }
  },
};
