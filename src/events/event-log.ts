import type { EngineEvent } from './engine-event.js';

/**
 * The durable event log: every accepted event, in order, once. The events module defines the
 * contract; `storage/` implements it over SQLite and PostgreSQL.
 */

/** An event as the log keeps it: the sender's event plus the log's sequence number. */
export interface LoggedEvent extends EngineEvent {
  /** Position in the log: 1, 2, 3… in the order events were accepted. */
  readonly seq: number;
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
  /** The highest seq in the log (0 when empty). */
  lastSeq(): Promise<number>;
  count(): Promise<number>;
}
