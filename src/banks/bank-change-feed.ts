/**
 * One committed change to banks, numbered by `seq` in commit order across every process sharing
 * the store. Recorded by storage in the transaction of the change itself, so a change is in the
 * feed exactly when it is committed.
 *
 * - `added`: content rows with these ids were added (read them back for their signals; an id
 *   deleted since is simply gone).
 * - `removed`: content rows with these ids were deleted (alone, by an exchange, or with their bank).
 * - `banks`: bank rows were created, changed or deleted (names, thresholds, negative); no ids.
 */
export interface BankChange {
  readonly seq: number;
  readonly kind: 'added' | 'removed' | 'banks';
  readonly contentIds: readonly number[];
  /** When the change was committed (ISO, the writer's clock): how far behind a follower is. */
  readonly committedAt: string;
}

/**
 * The bank change feed a follower reads (issue 15): storage implements it over the
 * `bank_changes` log, PostgreSQL with LISTEN/NOTIFY for prompt wake-ups. Notices are only hints:
 * they can be lost (a dropped connection, a listener that was busy), so a follower also polls
 * `latest()` and catches up from the last `seq` it applied; the log itself is the truth.
 */
export interface BankChangeFeed {
  /** The `seq` of the newest committed change; 0 when none was ever recorded. */
  latest(): Promise<number>;
  /** Up to `limit` changes with `seq` above `afterSeq`, ascending. */
  after(afterSeq: number, limit: number): Promise<BankChange[]>;
  /**
   * Calls `onNotice` soon after another connection commits a change (PostgreSQL NOTIFY; never
   * for a store without notices, SQLite). Resolves with a function that stops listening.
   */
  listen(onNotice: () => void): Promise<() => Promise<void>>;
}
