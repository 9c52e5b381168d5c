import type { EngineEvent } from './engine-event.js';

/**
 * The durable event log: every accepted event, in order, once. The events module defines the
 * contract; `storage/` implements it over SQLite and PostgreSQL.
 */

/** An event as the log keeps it: the sender's event plus the log's sequence number. */
export interface LoggedEvent extends EngineEvent {
  /** Position in the log: 1, 2, 3… in the order events were accepted. */
  readonly seq: number;
  /**
   * Set by the log when the stored row could not be read back (its entities or data are not a
   * JSON object: a damaged database, a bad restore, a hand edit): `entities` and `data` are then
   * empty and this says why. The engine dead-letters such an event (`EVENT_UNREADABLE`) and goes
   * on, rather than stopping at it on every start.
   */
  readonly unreadable?: string;
}

/**
 * `event` with its place in the log, `seq`: the same as `{ ...event, seq }`, built field by field
 * because that spread costs about a microsecond per event on Node 20 (an object spread followed
 * by another property leaves V8's fast clone path; the fields written out cost tens of
 * nanoseconds), and every ingested event goes through here.
 */
export function withSeq(event: Omit<LoggedEvent, 'seq'>, seq: number): LoggedEvent {
  if (event.unreadable !== undefined) return { ...event, seq };
  const { id, type, time, timeMs, entities, data } = event;
  return { id, type, time, timeMs, entities, data, seq };
}

/** One entity an event names: its type (the key in `entities`) and id. */
export interface EntityRef {
  readonly type: string;
  readonly id: string;
}

/** The outcome of appending one event. */
export type AppendOutcome =
  | { readonly stored: true; readonly seq: number }
  | { readonly stored: false; readonly seq: number };

/** The event log as the engine reads and writes it. */
export interface EventLogRepository {
  /**
   * Appends events in one transaction; an event whose id is already in the log is not stored
   * again (`stored: false`, with the seq of the first copy). When this resolves the events are
   * durable (committed).
   */
  append(events: readonly Omit<LoggedEvent, 'seq'>[]): Promise<AppendOutcome[]>;
  /** Events with seq > `afterSeq`, ascending, at most `limit`. */
  readAfter(afterSeq: number, limit: number): Promise<LoggedEvent[]>;
  /**
   * The logged events among `ids` (unknown ids are left out), in seq order. Reports read the
   * events a case's typologies name, which may predate the case and not be on its timeline.
   */
  readByIds(ids: readonly string[]): Promise<LoggedEvent[]>;
  /**
   * Events naming any of `entities` (an exact entity type and id, e.g. `payment_account` /
   * `acct-1`) whose time is within `range` (epoch ms, both ends included), in seq order, at
   * most `limit`. There is no entity index: this scans the log, so it is for rare, audited reads
   * (a report's "the subject's other payments in the period"), never for event processing.
   */
  readForEntities(
    entities: readonly EntityRef[],
    range: { readonly fromMs: number; readonly toMs: number },
    limit: number,
  ): Promise<LoggedEvent[]>;
  /** The highest seq in the log (0 when empty). */
  lastSeq(): Promise<number>;
  count(): Promise<number>;
}
