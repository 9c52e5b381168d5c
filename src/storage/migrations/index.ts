import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { EngineError } from '../../core/index.js';
import type { DialectName } from '../dialect.js';
import { describeError } from '../storage-errors.js';
import { banksMigration } from './0001_banks.js';
import { bankContentsMigration } from './0002_bank_contents.js';
import { contentSignalsMigration } from './0003_content_signals.js';
import { apiKeysMigration } from './0004_api_keys.js';
import { eventLogMigration } from './0005_event_log.js';
import { casesAndAuditMigration } from './0006_cases_and_audit.js';
import { longSignalValuesMigration } from './0007_long_signal_values.js';
import { caseRetentionMigration } from './0008_case_retention.js';
import { deadLettersMigration } from './0009_dead_letters.js';
import { peopleMigration } from './0010_people.js';
import { caseQueuesMigration } from './0011_case_queues.js';
import { caseCommentsMigration } from './0012_case_comments.js';
import { wellnessMigration } from './0013_wellness.js';
import { consoleReadIndexesMigration } from './0014_console_read_indexes.js';
import { submissionsMigration } from './0015_submissions.js';
import { actionOutboxMigration } from './0016_action_outbox.js';
import { exchangesMigration } from './0017_exchanges.js';
import { actionStreamIndexMigration } from './0018_action_stream_index.js';
import { exchangeFeedbackMigration } from './0019_exchange_feedback.js';
import { actionCommitOrderMigration } from './0020_action_commit_order.js';
import { exchangeCredentialOrphansMigration } from './0021_exchange_credential_orphans.js';
import { decisionFeedbackMigration } from './0022_decision_feedback.js';
import { bankChangesMigration } from './0023_bank_changes.js';
import { ruleHitsWriteIndexesMigration } from './0024_rule_hits_write_indexes.js';
import { eventVerdictsMigration } from './0025_event_verdicts.js';
import { busPartitionsMigration } from './0026_bus_partitions.js';
import { caseTimelineEventRefsMigration } from './0027_case_timeline_event_refs.js';
import { bankVideoViewsMigration } from './0028_bank_video_views.js';
import { bankVideoSignalsMigration } from './0029_bank_video_signals.js';
import { featureHomesMigration } from './0030_feature_homes.js';
import { typologyContributionsBySubjectMigration } from './0031_typology_contributions_by_subject.js';
import { eventsPartitionIndexPartialMigration } from './0032_events_partition_index_partial.js';
import type { StorageMigration } from './ddl.js';

/** Every migration, oldest first. Append only: a released migration never changes. */
export const storageMigrations: readonly StorageMigration[] = [
  banksMigration,
  bankContentsMigration,
  contentSignalsMigration,
  apiKeysMigration,
  eventLogMigration,
  casesAndAuditMigration,
  longSignalValuesMigration,
  caseRetentionMigration,
  deadLettersMigration,
  peopleMigration,
  caseQueuesMigration,
  caseCommentsMigration,
  wellnessMigration,
  consoleReadIndexesMigration,
  submissionsMigration,
  actionOutboxMigration,
  exchangesMigration,
  actionStreamIndexMigration,
  exchangeFeedbackMigration,
  actionCommitOrderMigration,
  exchangeCredentialOrphansMigration,
  decisionFeedbackMigration,
  bankChangesMigration,
  ruleHitsWriteIndexesMigration,
  eventVerdictsMigration,
  busPartitionsMigration,
  caseTimelineEventRefsMigration,
  bankVideoViewsMigration,
  bankVideoSignalsMigration,
  featureHomesMigration,
  typologyContributionsBySubjectMigration,
  eventsPartitionIndexPartialMigration,
];

/** Hands Kysely's Migrator the in-code migrations, bound to one dialect. */
class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const migration of storageMigrations) {
      migrations[migration.name] = { up: (db) => migration.up(db, this.dialect) };
    }
    return migrations;
  }
}

/**
 * Brings the schema up to date and returns the names of the migrations it ran (none when the
 * store is current). Kysely records them in `kysely_migration` and holds a lock while it runs
 * (an advisory lock on PostgreSQL), so concurrent starts migrate once. With `schema`, the
 * bookkeeping tables live in that PostgreSQL schema too.
 *
 * @throws EngineError `STORAGE_UNAVAILABLE` naming the failed migration; nothing of a failed
 *   migration is kept (each runs in a transaction on both dialects).
 */
export async function migrateToLatest<Schema>(
  db: Kysely<Schema>,
  dialect: DialectName,
  schema: string | undefined,
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrationProvider(dialect),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const where = failed === undefined ? 'migrating the database failed' : `migration ${failed} failed`;
    throw new EngineError('STORAGE_UNAVAILABLE', `${where}: ${describeError(error)}`, { cause: error });
  }
  return results.map((result) => result.migrationName);
}
