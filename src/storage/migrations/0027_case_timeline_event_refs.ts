import { sql } from 'kysely';
import type { StorageMigration } from './ddl.js';

/**
 * Case timeline rows of events reference the event instead of carrying it: `case_timeline.event_id`
 * names the logged event (the event log is never pruned), and the row's `detail_json` keeps only
 * `{"id", "type"}`; the timeline read joins the event back (`KyselyCaseRepository.timeline`). An
 * event joins the open cases of each of its parties, so every row carried the whole event JSON —
 * a chat message's text once per case it joined, a privacy problem as well as a cost.
 *
 * Existing rows are rewritten the same way: every `event` or `match` row whose ref is
 * `event:<id>` and whose event is in the log gets its `event_id` and loses the copy (message
 * text included). A row whose event is not in the log keeps its copy (`event_id` null), and the
 * read returns it as stored.
 */
export const caseTimelineEventRefsMigration: StorageMigration = {
  name: '0027_case_timeline_event_refs',
  async up(db, dialect) {
    await db.schema.alterTable('case_timeline').addColumn('event_id', 'text').execute();
    const reference =
      dialect === 'sqlite'
        ? sql`json_object('id', e.id, 'type', e.type)`
        : sql`json_build_object('id', e.id, 'type', e.type)::text`;
    await sql`update case_timeline set
        event_id = substr(ref, 7),
        detail_json = (select ${reference} from events e where e.id = substr(case_timeline.ref, 7))
      where kind in ('event', 'match') and ref like 'event:%'
        and exists (select 1 from events e where e.id = substr(case_timeline.ref, 7))`.execute(db);
  },
};
