import type { BankChange, BankChangeFeed, BankChangeListener, BankRepository } from '../banks/index.js';

/** Changes read per round trip while catching up. */
const changesPerRead = 100;
/** Content rows read back per query while applying a large `added` change (a bulk import's). */
const contentsPerRead = 5_000;

/** What the follower reports about one applied change (for logs and the follow-latency benchmark). */
export interface AppliedChange {
  readonly seq: number;
  readonly kind: BankChange['kind'];
  readonly contentIds: number;
  /** Milliseconds from the change's commit (the writer's clock) to its being applied here. */
  readonly lagMs: number;
}

/**
 * Keeps a listener (the matcher) in step with bank changes committed by **any** process sharing
 * the store: a `prevail exchange fetch` from cron, `prevail bank import`, another `prevail serve`
 * on the same PostgreSQL (issue 15). In the server it is the matcher's one source of changes:
 * its own process's writes make the bank service await `catchUp()` (`BankService.afterCommit`), so
 * they match as soon as they return, and everything is applied once, in commit order.
 *
 * It applies the feed from the `seq` it was given, in order, and remembers the last one applied,
 * so nothing is skipped however it is woken: by a notice (PostgreSQL NOTIFY, promptly) or by its
 * poll of `latest()` every `pollMs` (notices can drop: a lost connection, a restart). A change is
 * applied incrementally: `added` ids are read back and indexed, `removed` ids dropped, `banks`
 * makes the matcher re-read the banks; nothing is rebuilt. A read that fails (database away) is
 * reported to `onError` and retried from the same `seq` at the next poll.
 *
 * Start it from `feed.latest()` taken **before** the matcher loads its indexes: the changes
 * committed during the load are then applied again, which is harmless, and none is missed.
 */
export class BankFollower {
  readonly #feed: BankChangeFeed;
  readonly #repository: Pick<BankRepository, 'getContents'>;
  readonly #listener: BankChangeListener;
  readonly #pollMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #onApplied: ((change: AppliedChange) => void) | undefined;
  #seq: number;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #stopListening: (() => Promise<void>) | undefined;

  constructor(options: {
    feed: BankChangeFeed;
    repository: Pick<BankRepository, 'getContents'>;
    listener: BankChangeListener;
    /** The last `seq` already reflected by the listener (`feed.latest()` before loading). */
    fromSeq: number;
    /** How often `latest()` is polled (the catch-up for lost notices; on SQLite the only wake-up). */
    pollMs: number;
    onError?: (error: unknown) => void;
    onApplied?: (change: AppliedChange) => void;
  }) {
    this.#feed = options.feed;
    this.#repository = options.repository;
    this.#listener = options.listener;
    this.#seq = options.fromSeq;
    this.#pollMs = options.pollMs;
    this.#onError = options.onError ?? (() => {});
    this.#onApplied = options.onApplied;
  }

  /** The last change applied. */
  get seq(): number {
    return this.#seq;
  }

  /**
   * Listens for notices, starts the poll and catches up once.
   * @throws EngineError `STORAGE_UNAVAILABLE` when listening cannot start (PostgreSQL unreachable).
   */
  async start(): Promise<void> {
    this.#stopListening = await this.#feed.listen(() => this.#wake());
    this.#timer = setInterval(() => this.#poll(), this.#pollMs);
    this.#timer.unref();
    this.#wake();
  }

  /** Stops polling and listening and waits for a catch-up in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#stopListening?.();
    await this.#running?.catch(() => undefined);
  }

  /**
   * Applies every change committed after the last one applied. Calls made while one runs join it
   * (it reads once more before finishing), so changes are applied once each, in order. Does
   * nothing once stopped.
   */
  catchUp(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    const run = (async () => {
      try {
        do {
          this.#again = false;
          await this.#drain();
        } while (this.#again && !this.#stopped);
      } finally {
        this.#running = undefined;
      }
    })();
    this.#running = run;
    return run;
  }

  /** Hands `error` to `onError` (a catch-up that failed where its caller cannot fail: after a commit). */
  reportError(error: unknown): void {
    this.#onError(error);
  }

  #wake(): void {
    if (!this.#stopped) this.catchUp().catch(this.#onError);
  }

  #poll(): void {
    if (this.#stopped || this.#running !== undefined) return;
    this.#feed.latest().then((latest) => {
      if (latest > this.#seq) this.#wake();
    }, this.#onError);
  }

  async #drain(): Promise<void> {
    for (;;) {
      const changes = await this.#feed.after(this.#seq, changesPerRead);
      for (const change of changes) {
        if (this.#stopped) return;
        await this.#apply(change);
        this.#seq = change.seq;
        this.#onApplied?.({
          seq: change.seq,
          kind: change.kind,
          contentIds: change.contentIds.length,
          lagMs: Date.now() - Date.parse(change.committedAt),
        });
      }
      if (changes.length < changesPerRead) return;
    }
  }

  async #apply(change: BankChange): Promise<void> {
    if (change.kind === 'banks') {
      this.#listener.banksChanged();
      return;
    }
    if (change.kind === 'removed') {
      this.#listener.contentRemoved(change.contentIds);
      return;
    }
    for (let start = 0; start < change.contentIds.length; start += contentsPerRead) {
      const contents = await this.#repository.getContents(change.contentIds.slice(start, start + contentsPerRead));
      if (contents.length > 0) this.#listener.contentAdded(contents);
    }
  }
}
