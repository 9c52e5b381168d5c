import { sql } from 'kysely';
import type { StorageMigration } from './ddl.js';

/**
 * Workers read a batch's typology subjects' contributions again before processing it (other
 * workers add to the same scores: docs/scaling.md): an index by subject and time, since the
 * primary key starts with the typology.
 */
export const typologyContributionsBySubjectMigration: StorageMigration = {
  name: '0031_typology_contributions_by_subject',
  async up(db) {
    await sql`create index typology_contributions_by_subject on typology_contributions (subject, time)`.execute(db);
  },
};
