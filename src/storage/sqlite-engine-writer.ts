import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { NewOutboxAction } from '../actions/index.js';
import type { CaseUpdate, NewTimelineEntry } from '../cases/index.js';
import type { DeadLetter, EngineBatch, LabelRecord } from '../engine/index.js';
import type { AppendOutcome, LinkObservation, LoggedEvent } from '../events/index.js';
import type { RuleHitRecord } from '../rules/index.js';
import type { TypologyContribution } from '../typologies/index.js';
import { timelineDetailJson } from './kysely-case-repository.js';

/** What the SQLite fast path writes: the engine's per-event hot path. */
export interface SqliteEngineWriter {
  append(events: readonly Omit<LoggedEvent, 'seq'>[]): Promise<AppendOutcome[]>;
  commit(batch: EngineBatch): Promise<void>;
  saveLabels(added: readonly LabelRecord[], removed: readonly { entity: string; label: string }[]): Promise<void>;
}

type Connection = BetterSqlite3.Database;

/**
 * The engine's writes on SQLite through prepared statements in synchronous transactions, run
 * while holding Kysely's connection lock (`kysely.connection()`) so that no Kysely query
 * interleaves. Same SQL and same effects as the Kysely path (which PostgreSQL uses); several
 * times cheaper per event because statements are prepared once and nothing is compiled per call.
 *
 * Each part of a batch has its own writer below (events, rule hits, labels, links, typology
 * contributions, cases with their timelines, the action outbox, dead letters, the watermark and
 * snapshot), each
 * preparing its statements once; a commit runs them in that order inside ONE transaction, so
 * after a crash the store is before or after the whole batch.
 */
export function sqliteEngineWriter(connection: Connection, kysely: Kysely<never>): SqliteEngineWriter {
  const appendEvents = eventAppender(connection);
  const writeHits = ruleHitWriter(connection);
  const writeLabels = labelWriter(connection);
  const writeLinks = linkWriter(connection);
  const writeContributions = contributionWriter(connection);
  const writeCases = caseWriter(connection);
  const writeDeadLetters = deadLetterWriter(connection);
  const writeActions = outboxWriter(connection);
  const writeState = stateWriter(connection);

  const appendAll = connection.transaction(appendEvents);
  const commitAll = connection.transaction((batch: EngineBatch) => {
    writeHits(batch.hits);
    writeLabels(batch.labelsAdded, batch.labelsRemoved);
    writeLinks(batch.links);
    writeContributions(batch.contributions);
    writeCases(batch.cases);
    writeActions(batch.actions ?? []);
    writeDeadLetters(batch.deadLetters ?? []);
    writeState(batch.processedSeq, batch.snapshot);
  });
  const saveLabelsAll = connection.transaction(writeLabels);

  return {
    append: (events) => kysely.connection().execute(async () => appendAll.immediate(events)),
    commit: (batch) =>
      kysely.connection().execute(async () => {
        commitAll.immediate(batch);
      }),
    saveLabels: (added, removed) =>
      kysely.connection().execute(async () => {
        saveLabelsAll.immediate(added, removed);
      }),
  };
}

/** Rows per multi-row statement: fewer, larger statements (see `multiRow`). */
const rowsPerStatement = 64;

/**
 * One `insert … values (…), (…), …` statement per run of up to `rowsPerStatement` rows, in
 * place of one statement per row: each statement executed from JavaScript costs a crossing into
 * the driver, binding and a reset on top of its rows, which for the engine's small rows was a
 * good part of the whole cost of storing them. SQLite inserts the rows of one statement one
 * after the other, in order, exactly as the same statements one per row would (a row that
 * conflicts with one inserted earlier in the same statement takes its `on conflict` clause), so
 * the effect is the same row by row. `sql(rows)` gives the statement text for `rows` rows; each
 * size is prepared once, when first needed.
 */
function multiRow(connection: Connection, sql: (rows: number) => string): (rows: number) => BetterSqlite3.Statement {
  const statements = new Map<number, BetterSqlite3.Statement>();
  return (rows) => {
    let statement = statements.get(rows);
    if (statement === undefined) {
      statement = connection.prepare(sql(rows));
      statements.set(rows, statement);
    }
    return statement;
  };
}

/** `(?, ?, …)` for `columns` columns, `rows` times, comma separated. */
function placeholders(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

/**
 * Runs `statementFor` over `items` in runs of up to `rowsPerStatement`, each item's columns
 * pushed by `bind`; calls `each` with each statement and its arguments (to run it or read what
 * it returns).
 */
function inRuns<T>(
  items: readonly T[],
  statementFor: (rows: number) => BetterSqlite3.Statement,
  bind: (item: T, values: unknown[]) => void,
  each: (statement: BetterSqlite3.Statement, values: unknown[]) => void,
): void {
  for (let start = 0; start < items.length; start += rowsPerStatement) {
    const end = Math.min(items.length, start + rowsPerStatement);
    const values: unknown[] = [];
    for (let index = start; index < end; index++) bind(items[index] as T, values);
    each(statementFor(end - start), values);
  }
}

/**
 * Appends events, each once: an id already in the log (or earlier in the same call) gives back
 * the seq of its first copy. The rows go in multi-row statements (`multiRow`) without a
 * `returning` clause, which cost about a third of the statement's time (SQLite keeps the rows it
 * returns in a temporary table, and each came back as an object). A statement that inserted
 * every row gave them the seqs from the largest before it plus one to its `lastInsertRowid` (an
 * `autoincrement` key is one more than the largest it gave, row by row, and the call's
 * transaction is the only writer), which is checked; any other statement (an id already logged
 * or repeated, which uses a number up too, or a counter past the largest seq left) looks its ids
 * up, a row's seq above the largest before the statement telling that the statement inserted it.
 */
function eventAppender(connection: Connection): (events: readonly Omit<LoggedEvent, 'seq'>[]) => AppendOutcome[] {
  const insertEvents = multiRow(
    connection,
    (rows) =>
      `insert into events (id, type, time, time_ms, entities_json, data_json, received_at)
       values ${placeholders(rows, 7)} on conflict (id) do nothing`,
  );
  const seqOfEvent = connection.prepare<[string], number>('select seq from events where id = ?').pluck();
  const lastSeq = connection.prepare<[], number | null>('select max(seq) from events').pluck();
  return (events) => {
    if (events.length === 0) return [];
    const receivedAt = new Date().toISOString();
    const outcomes: AppendOutcome[] = [];
    let before = lastSeq.get() ?? 0;
    inRuns(
      events,
      insertEvents,
      (event, values) => {
        values.push(
          event.id,
          event.type,
          event.time,
          event.timeMs,
          JSON.stringify(event.entities),
          JSON.stringify(event.data),
          receivedAt,
        );
      },
      (statement, values) => {
        const rows = values.length / 7;
        const { changes, lastInsertRowid } = statement.run(values);
        const last = Number(lastInsertRowid);
        if (changes === rows && last - rows === before) {
          for (let seq = before + 1; seq <= last; seq++) outcomes.push({ stored: true, seq });
        } else {
          const after = changes === 0 ? before : last;
          // The first copy of an id this statement inserted is stored; a second finds its seq.
          const inserted = new Set<number>();
          for (let row = 0; row < rows; row++) {
            const seq = seqOfEvent.get(values[row * 7] as string) ?? 0;
            const stored = seq > before && seq <= after && !inserted.has(seq);
            if (stored) inserted.add(seq);
            outcomes.push({ stored, seq });
          }
          before = after;
          return;
        }
        before = last;
      },
    );
    return outcomes;
  };
}

/** Records rule hits, once per (event, rule), in multi-row statements (`multiRow`). */
function ruleHitWriter(connection: Connection): (hits: readonly RuleHitRecord[]) => void {
  const insertHits = multiRow(
    connection,
    (rows) =>
      `insert into rule_hits (event_id, rule_id, event_seq, mode, subject, reason, effects_json, time)
       values ${placeholders(rows, 8)} on conflict (event_id, rule_id) do nothing`,
  );
  // A rule's effects are one frozen list shared by all its hits: turned into JSON once a call.
  return (hits) => {
    const effectsJson = new Map<unknown, string>();
    inRuns(
      hits,
      insertHits,
      (hit, values) => {
        let json = effectsJson.get(hit.effects);
        if (json === undefined) {
          json = JSON.stringify(hit.effects);
          effectsJson.set(hit.effects, json);
        }
        values.push(hit.eventId, hit.ruleId, hit.eventSeq, hit.mode, hit.subject, hit.reason, json, hit.time);
      },
      (statement, values) => statement.run(values),
    );
  };
}

/** Sets labels (a label set again replaces the earlier one) and removes labels. */
function labelWriter(
  connection: Connection,
): (added: readonly LabelRecord[], removed: readonly { entity: string; label: string }[]) => void {
  const upsertLabel = connection.prepare<[string, string, string, string | null, string, string]>(
    `insert into labels (entity, label, added_at, expires_at, source, reason) values (?, ?, ?, ?, ?, ?)
     on conflict (entity, label) do update set added_at = excluded.added_at, expires_at = excluded.expires_at,
       source = excluded.source, reason = excluded.reason`,
  );
  const deleteLabel = connection.prepare<[string, string]>('delete from labels where entity = ? and label = ?');
  return (added, removed) => {
    for (const label of added)
      upsertLabel.run(label.entity, label.label, label.addedAt, label.expiresAt, label.source, label.reason);
    for (const item of removed) deleteLabel.run(item.entity, item.label);
  };
}

/** Counts entity links: first seen, last seen and how many times; in multi-row statements (`multiRow`). */
function linkWriter(connection: Connection): (links: readonly LinkObservation[]) => void {
  const upsertLinks = multiRow(
    connection,
    (rows) =>
      `insert into entity_links (from_entity, to_entity, kind, first_seen, last_seen, count)
       values ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, 1)').join(', ')}
       on conflict (from_entity, to_entity, kind) do update set
         first_seen = min(entity_links.first_seen, excluded.first_seen),
         last_seen = max(entity_links.last_seen, excluded.last_seen),
         count = entity_links.count + 1`,
  );
  return (links) =>
    inRuns(
      links,
      upsertLinks,
      (link, values) => {
        values.push(link.from, link.to, link.kind, link.time, link.time);
      },
      (statement, values) => statement.run(values),
    );
}

/** Records typology points, once per (typology, subject, event, rule). */
function contributionWriter(connection: Connection): (contributions: readonly TypologyContribution[]) => void {
  const insertContribution = connection.prepare<[string, string, string, string, number, string, string]>(
    `insert into typology_contributions (typology, subject, rule_id, event_id, points, reason, time)
     values (?, ?, ?, ?, ?, ?, ?) on conflict (typology, subject, event_id, rule_id) do nothing`,
  );
  return (contributions) => {
    for (const item of contributions) {
      insertContribution.run(
        item.typology,
        item.subject,
        item.ruleId,
        item.eventId,
        item.points,
        item.reason,
        item.time,
      );
    }
  };
}

/** What the case writer knows of a subject's case that is not closed, within one commit. */
interface OpenCaseRow {
  readonly id: number;
  /** The traits as stored (`cases.source`, `typology`, `imminent`), kept in step with the writes. */
  source: string;
  typology: string | null;
  imminent: number;
}

/**
 * Carries out each case update as the cases module decided it (see `CaseUpdate`), without
 * judging it: opens the subject's case when there is none and the update may open one, raises
 * its priority, merges its traits, and adds the timeline entries (once per ref).
 *
 * Within one commit (one transaction, and this writer the only one changing cases in it) a
 * subject's case is looked up once, with its traits, and the traits are kept as this writer
 * changes them: a merge that would leave them as they are is not written (most updates join a
 * case whose source and typology are already set: as many statements as updates, for nothing).
 * The timeline entries of the commit go in multi-row statements (`multiRow`), in order, so the
 * first entry of a (case, ref) is the one kept, as one statement per entry kept it.
 */
function caseWriter(connection: Connection): (updates: readonly CaseUpdate[]) => void {
  const currentCase = connection.prepare<[string], OpenCaseRow>(
    "select id, source, typology, imminent from cases where subject = ? and status <> 'closed'",
  );
  const insertCase = connection
    .prepare<[string, string, string, string, string, string | null, number], number>(
      `insert into cases (subject, status, priority, assignee, decision, opened_at, updated_at, source, typology, imminent)
       values (?, 'open', ?, null, null, ?, ?, ?, ?, ?) returning id`,
    )
    .pluck();
  // The traits merge as `CaseUpdate.traits` says, in one statement: the source only over the
  // sources it replaces (a JSON array), the typology only while none is set, imminent only set.
  const mergeTraits = connection.prepare<[string, string, string | null, number, number]>(
    `update cases set
       source = case when source in (select value from json_each(?)) then ? else source end,
       typology = coalesce(typology, ?),
       imminent = case when ? = 1 then 1 else imminent end
     where id = ?`,
  );
  // The priorities replaced come as a JSON array: one prepared statement for any number of them.
  const raisePriority = connection.prepare<[string, string, number, string]>(
    'update cases set priority = ?, updated_at = ? where id = ? and priority in (select value from json_each(?))',
  );
  const insertTimeline = multiRow(
    connection,
    (rows) =>
      `insert into case_timeline (case_id, ref, kind, time, summary, detail_json, event_id) values ${placeholders(rows, 7)}
       on conflict (case_id, ref) do nothing`,
  );
  return (updates) => {
    // `null`: the subject has no case that is not closed.
    const openCaseOf = new Map<string, OpenCaseRow | null>();
    // An event joining several cases adds the same timeline entry (the same object) to each:
    // its detail is turned into JSON once (an event's entry keeps only a reference to the event:
    // `timelineRow`).
    const detailJson = new WeakMap<object, string>();
    const timeline: { caseId: number; entry: NewTimelineEntry }[] = [];
    for (const update of updates) {
      let row = openCaseOf.get(update.subject);
      if (row === undefined) {
        row = currentCase.get(update.subject) ?? null;
        openCaseOf.set(update.subject, row);
      }
      if (row === null) {
        if (!update.open) continue;
        const { source, typology, imminent } = update.traits;
        const id = insertCase.get(
          update.subject,
          update.priority,
          update.time,
          update.time,
          source,
          typology,
          imminent ? 1 : 0,
        ) as number;
        row = { id, source, typology, imminent: imminent ? 1 : 0 };
        openCaseOf.set(update.subject, row);
      } else {
        if (update.raiseFrom.length > 0)
          raisePriority.run(update.priority, update.time, row.id, JSON.stringify(update.raiseFrom));
        const { source, sourceReplaces, typology, imminent } = update.traits;
        // What the statement would leave: only written when that differs from what is stored.
        const mergedSource = sourceReplaces.includes(row.source as (typeof sourceReplaces)[number])
          ? source
          : row.source;
        const mergedTypology = row.typology ?? typology;
        const mergedImminent = imminent ? 1 : row.imminent;
        if (mergedSource !== row.source || mergedTypology !== row.typology || mergedImminent !== row.imminent) {
          mergeTraits.run(JSON.stringify(sourceReplaces), source, typology, imminent ? 1 : 0, row.id);
          row.source = mergedSource;
          row.typology = mergedTypology;
          row.imminent = mergedImminent;
        }
      }
      for (const entry of update.entries) timeline.push({ caseId: row.id, entry });
    }
    inRuns(
      timeline,
      insertTimeline,
      ({ caseId, entry }, values) => {
        values.push(
          caseId,
          entry.ref,
          entry.kind,
          entry.time,
          entry.summary,
          jsonOfDetail(entry, detailJson),
          entry.event?.id ?? null,
        );
      },
      (statement, values) => statement.run(values),
    );
  };
}

/** `timelineDetailJson(entry)`, once per entry object (see `caseWriter`). */
function jsonOfDetail(entry: NewTimelineEntry, done: WeakMap<object, string>): string {
  let json = done.get(entry);
  if (json === undefined) {
    json = timelineDetailJson(entry);
    done.set(entry, json);
  }
  return json;
}

/**
 * Writes the action outbox rows, once per (idempotency key, endpoint), each with the id of its
 * subject's open case as the cases written just before left it.
 */
function outboxWriter(connection: Connection): (actions: readonly NewOutboxAction[]) => void {
  const insertAction = connection.prepare<
    [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string | null,
      string | null,
      string | null,
      string,
      string,
      string | null,
    ]
  >(
    `insert into action_outbox (idempotency_key, endpoint, action, kind, mode, status, body_json, event_id, rule_id,
       subject, case_id, created_at, committed_at, next_attempt_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (select id from cases where subject = ? and status <> 'closed'), ?, ?, ?)
     on conflict (idempotency_key, endpoint) do nothing`,
  );
  return (actions) => {
    if (actions.length === 0) return;
    const now = new Date().toISOString();
    for (const row of actions) {
      insertAction.run(
        row.idempotencyKey,
        row.endpoint,
        row.action,
        row.kind,
        row.mode,
        row.status,
        row.bodyJson,
        row.eventId,
        row.ruleId,
        row.subject,
        row.subject,
        row.createdAt,
        now,
        row.status === 'pending' ? now : null,
      );
    }
  };
}

/** Records events whose processing failed, once per event. */
function deadLetterWriter(connection: Connection): (letters: readonly DeadLetter[]) => void {
  const insertDeadLetter = connection.prepare<[number, string, string, string, string]>(
    `insert into dead_letters (event_seq, event_id, code, message, failed_at) values (?, ?, ?, ?, ?)
     on conflict (event_seq) do nothing`,
  );
  return (letters) => {
    for (const letter of letters)
      insertDeadLetter.run(letter.eventSeq, letter.eventId, letter.code, letter.message, letter.failedAt);
  };
}

/** Moves the watermark and, when one is due, stores the feature-state snapshot. */
function stateWriter(connection: Connection): (processedSeq: number, snapshot: EngineBatch['snapshot']) => void {
  const saveWatermark = connection.prepare<[number, string]>(
    `insert into engine_state (name, processed_seq, snapshot_seq, snapshot_json, updated_at) values ('engine', ?, 0, null, ?)
     on conflict (name) do update set processed_seq = excluded.processed_seq, updated_at = excluded.updated_at`,
  );
  // The snapshot lives in its own row: rewriting a row that carries megabytes of JSON on every
  // watermark update would cost milliseconds per commit.
  const saveSnapshot = connection.prepare<[number, string, string]>(
    `insert into engine_state (name, processed_seq, snapshot_seq, snapshot_json, updated_at) values ('snapshot', 0, ?, ?, ?)
     on conflict (name) do update set snapshot_seq = excluded.snapshot_seq, snapshot_json = excluded.snapshot_json,
       updated_at = excluded.updated_at`,
  );
  return (processedSeq, snapshot) => {
    const now = new Date().toISOString();
    saveWatermark.run(processedSeq, now);
    if (snapshot !== undefined) saveSnapshot.run(snapshot.seq, snapshot.json, now);
  };
}
