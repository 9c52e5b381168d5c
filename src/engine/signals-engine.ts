import { EngineError } from '../core/index.js';
import { type EventProblem, entityKey } from '../events/index.js';
import { FeatureStore } from '../features/index.js';
import type { RuleSet } from '../rules/index.js';
import type { DeadLetter, EngineBatch, EngineStore, LoggedEvent } from '../storage/index.js';
import { type TypologyAlert, TypologyScores } from '../typologies/index.js';
import type { EngineConfig } from './engine-config.js';
import { LinkGraph } from './entity-links.js';
import { emptyWrites, type ProcessorState, processEvent } from './event-processor.js';
import { LabelCache } from './label-cache.js';
import { propagateLabel } from './label-propagation.js';
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

/**
 * The feature state to start from: the snapshot when it fits the policy's feature definitions;
 * otherwise (the operator changed a feature's meaning, or the snapshot is unreadable) an empty
 * store rebuilt by replaying the whole event log into the features, so that a policy change never
 * stops the engine from starting.
 */
function restoreFeatures(
  config: EngineConfig,
  snapshot: string | null,
  snapshotSeq: number,
): { features: FeatureStore; replayFrom: number } {
  if (snapshot === null) return { features: new FeatureStore(config.features), replayFrom: 0 };
  try {
    return { features: FeatureStore.restore(config.features, JSON.parse(snapshot)), replayFrom: snapshotSeq };
  } catch (error) {
    process.emitWarning(
      `feature snapshot not used (${(error as Error).message}); rebuilding features from the event log`,
    );
    return { features: new FeatureStore(config.features), replayFrom: 0 };
  }
}

/** What happened to one submitted event. */
export type IngestResult =
  | {
      readonly index: number;
      readonly status: 'accepted';
      readonly id: string;
      readonly seq: number;
      readonly verdict?: Verdict;
    }
  | { readonly index: number; readonly status: 'duplicate'; readonly id: string; readonly seq: number }
  | {
      readonly index: number;
      readonly status: 'rejected';
      /** Always `EVENT_INVALID`: the event broke its type's schema or a limit (`EventLimits`). */
      readonly code: 'EVENT_INVALID';
      readonly problems: readonly EventProblem[];
    };

export interface EngineOptions {
  /** Events read and committed per transaction (default 500). */
  readonly batchSize?: number;
  /** A feature snapshot is written every this many processed events (default 100,000). */
  readonly snapshotEvery?: number;
  /** How a failing store is retried while processing (see `StoreRetryPolicy`). */
  readonly storeRetry?: StoreRetryPolicy;
  /** Entities whose links the engine keeps in memory (default 200,000; see `LinkGraph`). */
  readonly linkCacheEntities?: number;
  /**
   * Told of every dead-lettered event and every store failure while processing (they never
   * become exceptions: processing goes on). Default: a process warning.
   */
  readonly onProblem?: (problem: EngineProblem) => void;
}

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

interface Waiter {
  readonly seq: number;
  resolve(verdict: Verdict | undefined): void;
}

/**
 * The signals engine: validates events, makes them durable in the event log (the point at which
 * they are acknowledged), then processes them in log order — features, rules, effects — writing
 * every run's effects together with the new watermark in one transaction.
 *
 * Crash safety: an acknowledged event is in the log. On open, the feature state is restored from
 * the last snapshot and the events after it are re-applied to the features only, up to the
 * watermark (their effects are already stored); events after the watermark are processed
 * normally. Every stored effect is keyed by its event id, so nothing is applied twice.
 */
export class SignalsEngine {
  readonly #store: EngineStore;
  readonly #config: EngineConfig;
  readonly #state: ProcessorState;
  readonly #batchSize: number;
  readonly #snapshotEvery: number;
  readonly #retry: StoreRetryPolicy;
  readonly #onProblem: (problem: EngineProblem) => void;
  #processedSeq: number;
  #sinceSnapshot = 0;
  #draining: Promise<void> | undefined;
  /** Events processed in memory but not yet committed (kept across a failed commit: never processed twice). */
  #uncommitted: EventOutcome[] = [];
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #deadLetters = 0;
  #storeFailures = 0;
  #storeError: string | null = null;
  /** Events up to this seq were processed before a replay (`prevail events replay`): their links are already counted. */
  readonly #replayUntil: number;
  /** Subjects whose cases people closed before a replay: replayed events do not open new cases for them. */
  readonly #replayClosed: ReadonlySet<string>;
  /** Subjects with a case open before a replay, known to the processor again once the replay is through. */
  readonly #replayOpen: Set<string>;
  readonly #waiters: Waiter[] = [];
  readonly #recent = new Map<number, Verdict>();
  /** Events just appended, by seq: processed from memory instead of read back from the log. */
  readonly #fresh = new Map<number, LoggedEvent>();

  private constructor(
    store: EngineStore,
    config: EngineConfig,
    state: ProcessorState,
    processedSeq: number,
    options: EngineOptions,
    replay: { until: number; closed: ReadonlySet<string>; open: Set<string>; deadLetters: number },
  ) {
    this.#store = store;
    this.#config = config;
    this.#state = state;
    this.#processedSeq = processedSeq;
    this.#batchSize = options.batchSize ?? 500;
    this.#snapshotEvery = options.snapshotEvery ?? 100_000;
    this.#retry = options.storeRetry ?? {};
    this.#onProblem = options.onProblem ?? warn;
    this.#replayUntil = replay.until;
    this.#replayClosed = replay.closed;
    this.#replayOpen = replay.open;
    this.#deadLetters = replay.deadLetters;
  }

  /** Opens the engine on a store: restores state, catches up, and is ready to ingest. */
  static async open(
    store: EngineStore,
    config: EngineConfig,
    rules: () => RuleSet,
    options: EngineOptions = {},
  ): Promise<SignalsEngine> {
    const saved = await store.loadState();
    const { features, replayFrom } = restoreFeatures(config, saved.snapshot, saved.snapshotSeq);
    const labels = new LabelCache();
    labels.load(await store.activeLabels(new Date(0).toISOString()));
    const typologies = new TypologyScores(config.typologies);
    const longestWindow = Math.max(0, ...config.typologies.map((typology) => typology.windowMs));
    for (const contribution of await store.contributionsSince(
      new Date(Date.now() - longestWindow - 86_400_000).toISOString(),
    )) {
      typologies.add(contribution.typology, contribution.subject, {
        ruleId: contribution.ruleId,
        eventId: contribution.eventId,
        points: contribution.points,
        reason: contribution.reason,
        timeMs: Date.parse(contribution.time),
      });
    }
    const openCases = new Set(
      (await store.cases.list({ limit: 1_000_000 }))
        .filter((item) => item.status !== 'closed')
        .map((item) => item.subject),
    );
    const state: ProcessorState = {
      registry: config.registry,
      features,
      featureSpecs: config.features,
      rules,
      typologies,
      labels,
      // Nothing processed yet (a fresh log, or a replay): every link will be seen again in order.
      links: new LinkGraph({
        complete: saved.processedSeq === 0,
        ...(options.linkCacheEntities === undefined ? {} : { maxEntities: options.linkCacheEntities }),
      }),
      openCases,
    };
    // Re-apply events between the snapshot and the watermark to the features only. An event
    // that failed there failed when it was processed too (it is a dead letter): skip it.
    for (let after = replayFrom; after < saved.processedSeq; ) {
      const events = await store.events.readAfter(after, 5000);
      if (events.length === 0) break;
      for (const event of events) {
        if (event.seq > saved.processedSeq) break;
        try {
          features.apply(event);
        } catch {
          // recorded as a dead letter when it was processed
        }
        after = event.seq;
      }
    }
    const replaying = saved.replayUntilSeq > saved.processedSeq;
    const replayClosed = replaying
      ? new Set(
          (await store.cases.list({ status: 'closed', limit: 1_000_000 }))
            .map((item) => item.subject)
            .filter((subject) => !openCases.has(subject)),
        )
      : new Set<string>();
    // A replay sees the cases open again as a first run did, when their events come; the open
    // cases that no replayed event touches are known again once the replay is through.
    const replayOpen = replaying ? new Set(openCases) : new Set<string>();
    if (replaying) openCases.clear();
    const engine = new SignalsEngine(store, config, state, saved.processedSeq, options, {
      until: saved.replayUntilSeq,
      closed: replayClosed,
      open: replayOpen,
      deadLetters: await store.deadLetterCount(),
    });
    await engine.drain();
    return engine;
  }

  get config(): EngineConfig {
    return this.#config;
  }

  /** The last event processed. */
  get processedSeq(): number {
    return this.#processedSeq;
  }

  /**
   * Every (typology, subject) that reached its alert threshold since the engine opened, with the
   * reasons for its highest score: what a batch screening reports. Not persisted: the durable
   * record is the stored typology contributions and the cases they opened.
   */
  typologyAlerts(): TypologyAlert[] {
    return this.#state.typologies.alerts();
  }

  get features(): FeatureStore {
    return this.#state.features;
  }

  /** Where processing stands: dead letters and store failures (exported on `/metrics`). */
  health(): EngineHealth {
    return {
      processedSeq: this.#processedSeq,
      deadLetters: this.#deadLetters,
      storeFailures: this.#storeFailures,
      storeError: this.#storeError,
    };
  }

  /**
   * Validates and stores events; resolves once every accepted event is durable. With
   * `wait: true` it also waits until they are processed and returns each one's verdict.
   * Invalid events are rejected with the paths of their bad fields; the others go on.
   */
  async ingest(inputs: readonly unknown[], options: { wait?: boolean } = {}): Promise<IngestResult[]> {
    const results: IngestResult[] = [];
    const valid: { index: number; event: Omit<LoggedEvent, 'seq'> }[] = [];
    inputs.forEach((input, index) => {
      const check = this.#config.registry.check(input);
      if (check.ok) valid.push({ index, event: check.event });
      else results.push({ index, status: 'rejected', code: 'EVENT_INVALID', problems: check.problems });
    });
    const outcomes = await this.#store.events.append(valid.map((item) => item.event));
    const waits: Promise<Verdict | undefined>[] = [];
    valid.forEach((item, position) => {
      const outcome = outcomes[position];
      if (outcome === undefined) return;
      if (!outcome.stored) {
        results.push({ index: item.index, status: 'duplicate', id: item.event.id, seq: outcome.seq });
        return;
      }
      results.push({ index: item.index, status: 'accepted', id: item.event.id, seq: outcome.seq });
      if (outcome.seq > this.#processedSeq) this.#fresh.set(outcome.seq, { ...item.event, seq: outcome.seq });
      if (options.wait) waits.push(this.#verdictOf(outcome.seq));
    });
    this.#kick();
    if (options.wait) {
      const verdicts = await Promise.all(waits);
      let next = 0;
      for (let i = 0; i < results.length; i++) {
        const result = results[i];
        if (result?.status !== 'accepted') continue;
        const verdict = verdicts[next++];
        if (verdict !== undefined) results[i] = { ...result, verdict };
      }
    }
    return results.sort((a, b) => a.index - b.index);
  }

  /**
   * Processes every logged event not processed yet; concurrent calls share one run. An event
   * whose processing throws, or whose writes the store refuses, becomes a dead letter (stored
   * with the watermark) and the next event goes on. A failing store is retried with backoff;
   * after `storeRetry.attempts` failures this rejects with `STORAGE_UNAVAILABLE` (nothing is
   * lost: what was processed but not committed is kept and committed first next time).
   */
  drain(): Promise<void> {
    this.#draining ??= this.#drainLoop().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  /** Starts draining in the background; a failure is reported and retried later, never thrown. */
  #kick(): void {
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
        this.#kick();
      },
      retryDelayMs(this.#retry, Number.POSITIVE_INFINITY),
    );
    this.#retryTimer.unref();
  }

  async #drainLoop(): Promise<void> {
    await this.#commitUncommitted();
    for (;;) {
      const events = await this.#withRetry(() => this.#nextEvents());
      if (events.length === 0) return;
      await this.#withRetry(() => this.#loadLinks(events));
      this.#uncommitted = events.map((event) => this.#process(event));
      this.#sinceSnapshot += events.length;
      await this.#commitUncommitted();
    }
  }

  /** Processes one event into its own writes, so that a failure drops its writes only. */
  #process(event: LoggedEvent): EventOutcome {
    if (event.seq > this.#replayUntil) this.#replayDone();
    const writes = emptyWrites();
    let verdict: Verdict;
    try {
      verdict = processEvent(this.#state, event, writes);
    } catch (error) {
      return failedOutcome(event, deadLetterOf(event, error));
    }
    if (event.seq <= this.#replayUntil) {
      // Replayed: its links were counted when it was first processed, and a case a person closed
      // is not opened again by the events it was opened for.
      writes.links = [];
      if (this.#replayClosed.size > 0) {
        writes.cases = writes.cases.filter((update) => {
          if (!this.#replayClosed.has(update.subject)) return true;
          this.#state.openCases.delete(update.subject);
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
        }
      }
      this.#committed(1);
      progress = true;
    }
    return progress;
  }

  async #tryCommit(batch: EngineBatch): Promise<boolean> {
    try {
      await this.#store.commit(batch);
      return true;
    } catch {
      return false;
    }
  }

  /** The first `count` uncommitted outcomes are durable: advance the watermark, report, settle waiters. */
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
      if (outcome.verdict !== undefined && this.#waiters.some((waiter) => waiter.seq === outcome.event.seq))
        this.#recent.set(outcome.event.seq, outcome.verdict);
    }
    this.#settleWaiters();
  }

  /** Once a replay is through, the cases that were open before it are open to the processor again. */
  #replayDone(): void {
    if (this.#replayOpen.size === 0) return;
    for (const subject of this.#replayOpen) this.#state.openCases.add(subject);
    this.#replayOpen.clear();
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

  /** Loads from the store the links of the run's entities that the in-memory graph does not hold. */
  async #loadLinks(events: readonly LoggedEvent[]): Promise<void> {
    const keys: string[] = [];
    for (const event of events) {
      for (const [role, id] of Object.entries(event.entities))
        keys.push(entityKey(this.#config.registry.entityType(event.type, role), id));
    }
    const missing = this.#state.links.missing(keys);
    if (missing.length === 0) return;
    const found = await this.#store.linkNeighbours(missing, 64);
    for (const entity of missing) this.#state.links.load(entity, found.get(entity) ?? []);
  }

  /** Dead letters in seq order (after `afterSeq`, at most `limit`). */
  deadLetters(afterSeq = 0, limit = 100): Promise<DeadLetter[]> {
    return this.#store.deadLetters(afterSeq, limit);
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

  #verdictOf(seq: number): Promise<Verdict | undefined> {
    return new Promise((resolve) => {
      this.#waiters.push({ seq, resolve });
    });
  }

  #settleWaiters(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i] as Waiter;
      if (waiter.seq > this.#processedSeq) continue;
      this.#waiters.splice(i, 1);
      waiter.resolve(this.#recent.get(waiter.seq));
      this.#recent.delete(waiter.seq);
    }
  }

  /**
   * Adds or removes a label on an entity on a person's say (rules set labels through effects).
   * Rules see the change from the next event on.
   *
   * @throws EngineError `LABEL_UNKNOWN` for a label the policy does not declare (the caller's
   *   mistake, not the server's: HTTP 400).
   */
  async setLabel(change: {
    entity: string;
    label: string;
    action: 'add' | 'remove';
    expiresAt?: string | null;
    actor: string;
    reason: string;
  }): Promise<void> {
    if (!this.#config.labels.includes(change.label)) {
      throw new EngineError(
        'LABEL_UNKNOWN',
        `unknown label "${change.label}"; the policy declares: ${this.#config.labels.join(', ') || '(none)'}`,
      );
    }
    if (change.action === 'add') {
      const expiresAt = change.expiresAt ?? null;
      this.#state.labels.add(change.entity, change.label, expiresAt === null ? null : Date.parse(expiresAt));
      await this.#store.saveLabels(
        [
          {
            entity: change.entity,
            label: change.label,
            addedAt: new Date().toISOString(),
            expiresAt,
            source: `person:${change.actor}`,
            reason: change.reason,
          },
        ],
        [],
      );
      await this.#propagate(change.entity, change.label, change.actor, change.reason);
    } else {
      this.#state.labels.remove(change.entity, change.label);
      await this.#store.saveLabels([], [{ entity: change.entity, label: change.label }]);
    }
  }

  /** Applies the packs' propagations of `label` from `entity` (see `LabelPropagation`). */
  async #propagate(entity: string, label: string, actor: string, reason: string): Promise<void> {
    for (const propagation of this.#config.propagations) {
      if (propagation.label !== label) continue;
      const added = await propagateLabel(entity, propagation.steps, (from) => this.#store.links(from), {
        nowMs: Date.now(),
        source: `propagation:${label}`,
        reason: `${label} on ${entity} (by ${actor}: ${reason})`,
      });
      for (const record of added) {
        this.#state.labels.add(
          record.entity,
          record.label,
          record.expiresAt === null ? null : Date.parse(record.expiresAt),
        );
      }
      if (added.length > 0) await this.#store.saveLabels(added, []);
    }
  }

  /** The labels on an entity now. */
  labelsOf(entity: string): string[] {
    return this.#state.labels.labelsOf(entity, Date.now());
  }

  /** Writes a feature snapshot now (on shutdown, so that the next start replays nothing). */
  async checkpoint(): Promise<void> {
    await this.drain();
    const batch: EngineBatch = {
      processedSeq: this.#processedSeq,
      ...emptyWrites(),
      snapshot: { seq: this.#processedSeq, json: JSON.stringify(this.#state.features.snapshot()) },
    };
    await this.#store.commit(batch);
    this.#sinceSnapshot = 0;
  }

  /**
   * Stops retrying in the background and writes a last snapshot (see `checkpoint`). Events not
   * processed yet stay in the log for the next start.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    await this.checkpoint();
  }
}
