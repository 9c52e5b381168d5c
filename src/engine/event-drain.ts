import { isActive } from '../cases/index.js';
import type { EngineError } from '../core/index.js';
import type { LoggedEvent } from '../events/index.js';
import type { DrainStart } from './drain-start.js';
import type { DeadLetter, EngineBatch, EngineStore } from './engine-store.js';
import { type EventKeys, emptyWrites, eventKeys, type ProcessorState, processEvent } from './event-processor.js';
import {
  batchOf,
  deadLetterOf,
  type EngineProblem,
  type EventOutcome,
  failedOutcome,
  pause,
  retryDelayMs,
  type StoreRetryPolicy,
  storeError,
} from './processing-run.js';
import type { Verdict } from './verdict.js';

/** How processing stands, for `/metrics` and operators. */
export interface EngineHealth {
  /** The last event processed (or dead-lettered). */
  readonly processedSeq: number;
  /** Dead letters in the store. */
  readonly deadLetters: number;
  /** Store failures while processing since the engine opened. */
  readonly storeFailures: number;
  /** The last store failure's message, until processing succeeds again. */
  readonly storeError: string | null;
}

function warn(problem: EngineProblem): void {
  if (problem.kind === 'dead_letter') {
    const letter = problem.deadLetter;
    process.emitWarning(
      `event ${letter.eventId} (seq ${letter.eventSeq}) was dead-lettered: ${letter.code}: ${letter.message}`,
    );
  } else process.emitWarning(`engine store failure (attempt ${problem.attempt}): ${problem.error.message}`);
}

/**
 * Events processed and committed per run by default. Each commit costs a fixed amount on top of
 * its rows (SQLite writes every page it dirtied to the WAL: the random pages of the link, hit and
 * timeline indexes, whatever the run's size), so longer runs cost less per event: 2,000 commits
 * about a quarter as often as 500 did for a quarter of a second or so of processing per run, which bounds how long
 * a caller waiting for its verdict waits behind other events.
 */
const defaultBatchSize = 2000;

/** Settings of an `EventDrain` (from `EngineOptions`). */
export interface DrainOptions {
  readonly batchSize?: number;
  readonly snapshotEvery?: number;
  readonly storeRetry?: StoreRetryPolicy;
  readonly onProblem?: (problem: EngineProblem) => void;
}

/**
 * The engine's one writer: reads unprocessed events in log order (from memory when they were just
 * appended), loads the links they need, processes each event into its own writes, and commits a
 * run with its watermark in one transaction. It never throws at its caller in the background and
 * never stops on one event: an event whose processing throws, or whose writes the store refuses,
 * becomes a dead letter (committed with the watermark); a failing store is retried with backoff
 * and reported. A run processed but not committed is kept and committed first, never processed
 * twice.
 */
export class EventDrain {
  readonly #store: EngineStore;
  readonly #state: ProcessorState;
  readonly #batchSize: number;
  readonly #snapshotEvery: number;
  readonly #retry: StoreRetryPolicy;
  readonly #onProblem: (problem: EngineProblem) => void;
  readonly #onCommitted: (outcomes: readonly EventOutcome[]) => void;
  #processedSeq: number;
  #sinceSnapshot = 0;
  #draining: Promise<void> | undefined;
  /** A drain was asked for while one ran: the running one must look for events once more. */
  #askedAgain = false;
  #uncommitted: EventOutcome[] = [];
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #deadLetters: number;
  #storeFailures = 0;
  #storeError: string | null = null;
  readonly #replayUntil: number;
  readonly #replayClosed: ReadonlySet<string>;
  readonly #replayOpen: Set<string>;
  #replayFinished: boolean;
  /** Events just appended, by seq: processed from memory instead of read back from the log. */
  readonly #fresh = new Map<number, LoggedEvent>();
  /** Derivation failures of events logged but not processed yet, by seq (see `derivationFailed`). */
  readonly #derivationFailures = new Map<number, DeadLetter>();
  /** Subjects whose case the cases service changed since the last run (see `caseChanged`). */
  readonly #changedCases = new Set<string>();

  constructor(
    store: EngineStore,
    state: ProcessorState,
    start: DrainStart,
    options: DrainOptions,
    onCommitted: (outcomes: readonly EventOutcome[]) => void,
  ) {
    this.#store = store;
    this.#state = state;
    this.#processedSeq = start.processedSeq;
    this.#replayUntil = start.replayUntil;
    this.#replayClosed = start.replayClosed;
    this.#replayOpen = start.replayOpen;
    this.#replayFinished = start.replayUntil <= start.processedSeq;
    this.#deadLetters = start.deadLetters;
    this.#batchSize = options.batchSize ?? defaultBatchSize;
    this.#snapshotEvery = options.snapshotEvery ?? 100_000;
    this.#retry = options.storeRetry ?? {};
    this.#onProblem = options.onProblem ?? warn;
    this.#onCommitted = onCommitted;
  }

  /** The last event processed (or dead-lettered) and committed. */
  get processedSeq(): number {
    return this.#processedSeq;
  }

  /** Where processing stands: dead letters and store failures. */
  health(): EngineHealth {
    return {
      processedSeq: this.#processedSeq,
      deadLetters: this.#deadLetters,
      storeFailures: this.#storeFailures,
      storeError: this.#storeError,
    };
  }

  /** An event just appended to the log: processed from memory when its turn comes. */
  offer(event: LoggedEvent): void {
    if (event.seq > this.#processedSeq) this.#fresh.set(event.seq, event);
  }

  /**
   * A pack could not derive events from a just-logged event: the failure is committed as that
   * event's dead letter with its processing (the event itself is processed as usual). Held in
   * memory until then: a crash before the event is processed loses the record, not the event.
   */
  derivationFailed(letter: DeadLetter): void {
    if (letter.eventSeq > this.#processedSeq) this.#derivationFailures.set(letter.eventSeq, letter);
  }

  /**
   * The cases service changed `subject`'s case: before the next run of events, whether the
   * subject has a case that is not closed is read again from the store (between two commits, so
   * the store is the whole truth then).
   */
  caseChanged(subject: string): void {
    this.#changedCases.add(subject);
  }

  /** Re-reads from the store whether each changed subject still has a case that is not closed. */
  async #syncChangedCases(): Promise<void> {
    if (this.#changedCases.size === 0) return;
    const subjects = [...this.#changedCases];
    for (const subject of subjects) {
      const [newest] = await this.#store.cases.list({ subject, limit: 1 });
      this.#state.openCases.set(subject, newest !== undefined && isActive(newest.status));
      this.#changedCases.delete(subject);
    }
  }

  /** A snapshot was written outside a run (a checkpoint): the count towards the next restarts. */
  snapshotWritten(): void {
    this.#sinceSnapshot = 0;
  }

  /** Stops retrying in the background; a drain in progress gives up at its next failure. */
  stop(): void {
    this.#closed = true;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  /**
   * Processes every logged event not processed yet; concurrent calls share one run. An event
   * whose processing throws, or whose writes the store refuses, becomes a dead letter (stored
   * with the watermark) and the next event goes on. A failing store is retried with backoff;
   * after `storeRetry.attempts` failures this rejects with `STORAGE_UNAVAILABLE` (nothing is
   * lost: what was processed but not committed is kept and committed first next time).
   */
  drain(): Promise<void> {
    // A call while a drain runs may come after that drain looked for events and found none (the
    // event was committed to the log meanwhile): it marks the run so that it looks again before
    // it ends, so no appended event waits for the next call.
    if (this.#draining !== undefined) {
      this.#askedAgain = true;
      return this.#draining;
    }
    this.#draining = this.#drainLoop().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  /** Starts draining in the background; a failure is reported and retried later, never thrown. */
  kick(): void {
    this.drain().then(
      () => undefined,
      () => this.#scheduleRetry(),
    );
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retryTimer !== undefined) return;
    this.#retryTimer = setTimeout(
      () => {
        this.#retryTimer = undefined;
        this.kick();
      },
      retryDelayMs(this.#retry, Number.POSITIVE_INFINITY),
    );
    this.#retryTimer.unref();
  }

  async #drainLoop(): Promise<void> {
    await this.#commitUncommitted();
    for (;;) {
      this.#askedAgain = false;
      const events = await this.#withRetry(() => this.#nextEvents());
      if (events.length === 0) {
        if (this.#askedAgain) continue;
        return;
      }
      const keys = events.map((event) => eventKeys(this.#state.registry, event));
      await this.#withRetry(() => this.#loadLinks(keys));
      await this.#withRetry(() => this.#syncChangedCases());
      this.#uncommitted = events.map((event, index) => this.#process(event, keys[index]));
      this.#sinceSnapshot += events.length;
      await this.#commitUncommitted();
    }
  }

  /** Processes one event into its own writes, so that a failure drops its writes only. */
  #process(event: LoggedEvent, keys?: EventKeys): EventOutcome {
    if (event.seq > this.#replayUntil) this.#replayDone();
    const writes = emptyWrites();
    const derivationFailure = this.#derivationFailures.get(event.seq);
    if (derivationFailure !== undefined) this.#derivationFailures.delete(event.seq);
    let verdict: Verdict;
    try {
      verdict = processEvent(this.#state, event, writes, keys);
    } catch (error) {
      return failedOutcome(event, deadLetterOf(event, error));
    }
    if (derivationFailure !== undefined) return { event, writes, verdict, failure: derivationFailure };
    if (event.seq <= this.#replayUntil) {
      // Replayed: its links were counted when it was first processed, and a case a person closed
      // is not opened again by the events it was opened for.
      writes.links = [];
      // Nor does a replay ask a platform to act again on what is long past.
      writes.actions = [];
      if (this.#replayClosed.size > 0) {
        writes.cases = writes.cases.filter((update) => {
          if (!this.#replayClosed.has(update.subject)) return true;
          this.#state.openCases.set(update.subject, false);
          return false;
        });
      }
    }
    return { event, writes, verdict };
  }

  /**
   * Commits the processed run: in one transaction when the store takes it; otherwise event by
   * event, dead-lettering an event whose own writes are refused while the store still takes a
   * dead letter; when it takes nothing, retries with backoff.
   */
  async #commitUncommitted(): Promise<void> {
    let attempt = 0;
    while (this.#uncommitted.length > 0) {
      const snapshotDue = this.#sinceSnapshot >= this.#snapshotEvery;
      const outcomes = this.#uncommitted;
      const last = outcomes[outcomes.length - 1] as EventOutcome;
      const snapshot = snapshotDue
        ? { seq: last.event.seq, json: JSON.stringify(this.#state.features.snapshot()) }
        : undefined;
      try {
        await this.#store.commit(batchOf(outcomes, snapshot));
        if (snapshotDue) this.#sinceSnapshot = 0;
        this.#committed(outcomes.length);
        return;
      } catch (error) {
        const failure = this.#reportStoreFailure(error, attempt + 1);
        if (await this.#commitOneByOne()) continue;
        attempt = await this.#backOff(failure, attempt);
      }
    }
  }

  /**
   * Commits the uncommitted outcomes one at a time; true when at least one was committed. An
   * event is dead-lettered only when its own writes fail twice while the store takes an empty
   * commit in between (so a store that is down, or flickering, dead-letters nothing).
   */
  async #commitOneByOne(): Promise<boolean> {
    let progress = false;
    while (this.#uncommitted.length > 0) {
      const outcome = this.#uncommitted[0] as EventOutcome;
      if (!(await this.#tryCommit(batchOf([outcome])))) {
        if (outcome.failure !== undefined) return progress;
        if (!(await this.#tryCommit({ processedSeq: this.#processedSeq, ...emptyWrites() }))) return progress;
        let refused: unknown;
        try {
          await this.#store.commit(batchOf([outcome]));
        } catch (error) {
          refused = error;
        }
        if (refused !== undefined) {
          const failed = failedOutcome(
            outcome.event,
            deadLetterOf(outcome.event, storeError(refused), 'STORAGE_UNAVAILABLE'),
          );
          if (!(await this.#tryCommit(batchOf([failed])))) return progress;
          this.#uncommitted[0] = failed;
          await this.#forgetUnstoredCases(outcome.writes.cases.map((update) => update.subject));
        }
      }
      this.#committed(1);
      progress = true;
    }
    return progress;
  }

  /**
   * After an event's writes were refused: the cases it opened in memory exist only there, and
   * the engine's view of open cases must not disagree with the store.
   */
  async #forgetUnstoredCases(subjects: readonly string[]): Promise<void> {
    for (const subject of subjects) {
      try {
        const cases = await this.#store.cases.list({ subject, limit: 10 });
        if (!cases.some((item) => isActive(item.status))) this.#state.openCases.set(subject, false);
      } catch {
        // the store is failing again: the next commit attempt reports it
      }
    }
  }

  async #tryCommit(batch: EngineBatch): Promise<boolean> {
    try {
      await this.#store.commit(batch);
      return true;
    } catch {
      return false;
    }
  }

  /** The first `count` uncommitted outcomes are durable: advance the watermark, report, tell the engine. */
  #committed(count: number): void {
    const done = this.#uncommitted.slice(0, count);
    this.#uncommitted = this.#uncommitted.slice(count);
    const last = done[done.length - 1];
    if (last === undefined) return;
    this.#processedSeq = last.event.seq;
    if (this.#processedSeq >= this.#replayUntil) this.#replayDone();
    this.#storeError = null;
    this.#state.links.trim();
    for (const outcome of done) {
      if (outcome.failure !== undefined) {
        this.#deadLetters++;
        this.#onProblem({ kind: 'dead_letter', deadLetter: outcome.failure });
      }
    }
    this.#onCommitted(done);
  }

  /** Once a replay is through, the cases that were open before it are open to the processor again. */
  #replayDone(): void {
    if (this.#replayFinished) return;
    this.#replayFinished = true;
    for (const subject of this.#replayOpen) this.#state.openCases.opened(subject);
    this.#replayOpen.clear();
    // An event that failed again in the replay kept its first dead letter: count what is stored.
    this.#store.deadLetterCount().then(
      (count) => {
        this.#deadLetters = count;
      },
      () => undefined,
    );
  }

  /** Runs a store operation, retrying with backoff (see `drain`). */
  async #withRetry<T>(operation: () => Promise<T>): Promise<T> {
    let attempt = 0;
    for (;;) {
      try {
        const result = await operation();
        this.#storeError = null;
        return result;
      } catch (error) {
        attempt = await this.#storeFailed(error, attempt);
      }
    }
  }

  /** Reports a store failure and waits before the next attempt; throws once attempts are used up or the engine closed. */
  async #storeFailed(error: unknown, attempt: number): Promise<number> {
    return this.#backOff(this.#reportStoreFailure(error, attempt + 1), attempt);
  }

  async #backOff(failure: EngineError, attempt: number): Promise<number> {
    const next = attempt + 1;
    if (this.#closed || next >= (this.#retry.attempts ?? 8)) throw failure;
    await pause(retryDelayMs(this.#retry, next));
    return next;
  }

  #reportStoreFailure(error: unknown, attempt: number): EngineError {
    const failure = storeError(error);
    this.#storeFailures++;
    this.#storeError = failure.message;
    this.#onProblem({ kind: 'store', attempt, error: failure });
    return failure;
  }

  /**
   * Loads from the store the links of the run's entities that the in-memory graph does not hold
   * (`keys`: each event's entity keys, `eventKeys`, which processing then uses too).
   */
  async #loadLinks(keys: readonly EventKeys[]): Promise<void> {
    const missing = this.#state.links.missing(keys);
    if (missing.length === 0) return;
    const found = await this.#store.linkNeighbours(missing, this.#state.links.maxNeighbours);
    for (const entity of missing) this.#state.links.load(entity, found.get(entity) ?? []);
  }

  /** The next run of unprocessed events: from memory when they were just appended, else from the log. */
  async #nextEvents(): Promise<LoggedEvent[]> {
    const events: LoggedEvent[] = [];
    for (let seq = this.#processedSeq + 1; events.length < this.#batchSize; seq++) {
      const event = this.#fresh.get(seq);
      if (event === undefined) break;
      this.#fresh.delete(seq);
      events.push(event);
    }
    if (events.length > 0) return events;
    this.#fresh.clear();
    return this.#store.events.readAfter(this.#processedSeq, this.#batchSize);
  }
}
