import type { ActionPlanner } from '../actions/index.js';
import { type CaseRecord, OpenCases } from '../cases/index.js';
import { EngineError } from '../core/index.js';
import {
  type AppendOutcome,
  type EngineEvent,
  type EventCheck,
  type EventProblem,
  type LoggedEvent,
  withSeq,
} from '../events/index.js';
import { FeatureStore } from '../features/index.js';
import type { Logger } from '../logging/index.js';
import type { RuleSet } from '../rules/index.js';
import { type Contribution, type TypologyAlert, type TypologyDefinition, TypologyScores } from '../typologies/index.js';
import {
  type BusEvent,
  type DeliveredOptions,
  type DeliveredResult,
  type EngineBus,
  prepareDelivered,
} from './bus-delivery.js';
import { type DrainStart, drainStart } from './drain-start.js';
import type { EngineConfig } from './engine-config.js';
import type { EngineLag, EngineObserver } from './engine-observer.js';
import type { CommittedVerdict, DeadLetter, EngineBatch, EngineStore } from './engine-store.js';
import { EngineWatch } from './engine-watch.js';
import { LinkGraph } from './entity-links.js';
import { type DerivationFailure, type DerivedBatch, deriveFrom, derivers } from './event-derivation.js';
import { type EngineHealth, EventDrain } from './event-drain.js';
import { type EventKeys, emptyWrites, eventKeys, type ProcessorState, processEvent } from './event-processor.js';
import {
  answerForPartition,
  askFeatureHomes,
  type BatchFeatureHomes,
  type FeatureValues,
  ForeignFeatures,
  type PartitionPeers,
} from './feature-homes.js';
import { LabelCache } from './label-cache.js';
import { propagateLabel } from './label-propagation.js';
import {
  batchOf,
  deadLetterOf,
  type EngineProblem,
  type EventOutcome,
  failedOutcome,
  type StoreRetryPolicy,
} from './processing-run.js';
import { strongerVerdict, type Verdict } from './verdict.js';

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
  logger: Logger | undefined,
): { features: FeatureStore; replayFrom: number } {
  if (snapshot === null) return { features: new FeatureStore(config.features), replayFrom: 0 };
  try {
    return { features: FeatureStore.restore(config.features, JSON.parse(snapshot)), replayFrom: snapshotSeq };
  } catch (error) {
    logger?.warn({ err: error }, 'feature snapshot not used; rebuilding features from the event log');
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
      /**
       * Multi-node mode only: `VERDICT_TIMEOUT` when a verdict was asked for and no worker had
       * committed one within the wait (`EngineBus.verdictWaitMs`). The event is accepted all the
       * same: sending it again is answered `duplicate`.
       */
      readonly code?: 'VERDICT_TIMEOUT';
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
  /** Events read and committed per transaction (default 2,000; see `EventDrain`). */
  readonly batchSize?: number;
  /** A feature snapshot is written every this many processed events (default 100,000). */
  readonly snapshotEvery?: number;
  /** Where the engine reports what it recovered from (absent: nowhere). */
  readonly logger?: Logger;
  /** How a failing store is retried while processing (see `StoreRetryPolicy`). */
  readonly storeRetry?: StoreRetryPolicy;
  /** Entities whose links the engine keeps in memory (default 200,000; see `LinkGraph`). */
  readonly linkCacheEntities?: number;
  /**
   * Told of every dead-lettered event and every store failure while processing (they never
   * become exceptions: processing goes on). Default: a process warning.
   */
  readonly onProblem?: (problem: EngineProblem) => void;
  /**
   * The policy's actions (`actions.yaml`, see src/actions): rule effects and typology alerts
   * become outbox rows committed with their event. Absent: no action.
   */
  readonly actions?: ActionPlanner;
  /**
   * Multi-node mode (see `EngineBus`): the engine reads no log on its own; an API node's `ingest`
   * publishes, a worker processes what it is delivered (`processDelivered`). Absent: one process
   * logs and processes everything (the embedded mode).
   */
  readonly bus?: EngineBus;
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
  readonly #drain: EventDrain;
  readonly #waiters: Waiter[] = [];
  readonly #recent = new Map<number, Verdict>();
  readonly #actionListeners: (() => void)[] = [];
  readonly #derivers: ReturnType<typeof derivers>;
  readonly #onProblem: (problem: EngineProblem) => void;
  readonly #watch: EngineWatch;
  readonly #bus: EngineBus | undefined;
  /**
   * Bus mode, partitioned: the state of each partition this worker holds, its own feature store
   * over the engine's shared views (labels, links, open cases, typology scores). Absent: not
   * adopted yet, released, or dropped after a failed commit (rebuilt before the next batch).
   */
  readonly #partitions = new Map<number, ProcessorState>();
  /** Partitioned, features of every role: how to reach the other partitions (`usePartitionPeers`). */
  #peers: PartitionPeers | undefined;
  /** Per partition held: the epoch of its features, raised by `adoptPartition`. */
  readonly #epochs = new Map<number, number>();
  /** Per partition held: the answers given to other partitions, by event id (`answerForPartition`). */
  readonly #answered = new Map<number, Map<string, Readonly<Record<string, FeatureValues>>>>();

  private constructor(
    store: EngineStore,
    config: EngineConfig,
    state: ProcessorState,
    start: DrainStart,
    options: EngineOptions,
  ) {
    this.#store = store;
    this.#config = config;
    this.#state = state;
    this.#drain = new EventDrain(store, state, start, options, (outcomes) => this.#settle(outcomes));
    this.#derivers = derivers(config.packs);
    this.#onProblem =
      options.onProblem ??
      ((problem) => {
        if (problem.kind === 'dead_letter')
          process.emitWarning(
            `${problem.deadLetter.eventId}: ${problem.deadLetter.code}: ${problem.deadLetter.message}`,
          );
      });
    this.#watch = new EngineWatch(start.processedSeq);
    this.#bus = options.bus;
  }

  /** Opens the engine on a store: restores state, catches up, and is ready to ingest. */
  static async open(
    store: EngineStore,
    config: EngineConfig,
    rules: () => RuleSet,
    options: EngineOptions = {},
  ): Promise<SignalsEngine> {
    const saved = await store.loadState();
    const { features, replayFrom } = restoreFeatures(config, saved.snapshot, saved.snapshotSeq, options.logger);
    const labels = new LabelCache();
    labels.load(await store.activeLabels(new Date(0).toISOString()));
    const typologies = new TypologyScores(config.typologies);
    const longestWindow = typologies.longestWindowMs();
    // A replay rebuilds the scores from its events (the stored points are kept, not counted twice).
    const replaying = saved.replayUntilSeq > saved.processedSeq;
    const since = new Date(Date.now() - longestWindow - 86_400_000).toISOString();
    for (const contribution of replaying ? [] : await store.contributionsSince(since)) {
      typologies.restore(contribution);
    }
    const openCases = new OpenCases(await store.cases.openSubjects());
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
        openCases,
        ...(options.linkCacheEntities === undefined ? {} : { maxEntities: options.linkCacheEntities }),
      }),
      openCases,
      ...(options.actions === undefined ? {} : { actions: options.actions }),
    };
    // Re-apply events between the snapshot and the watermark to the features only. An event
    // that failed there failed when it was processed too (it is a dead letter): skip it. In bus
    // mode the log is the workers' (no watermark, no snapshot): nothing is read back.
    for (let after = replayFrom; options.bus === undefined && after < saved.processedSeq; ) {
      const events = await store.events.readAfter(after, 5000);
      if (events.length === 0) break;
      for (const event of events) {
        if (event.seq > saved.processedSeq) break;
        after = event.seq;
        if (event.unreadable !== undefined) continue; // a dead letter since it was processed
        try {
          features.apply(event);
        } catch {
          // recorded as a dead letter when it was processed
        }
      }
    }
    const start = await drainStart(store, saved, openCases);
    const engine = new SignalsEngine(store, config, state, start, options);
    if (options.bus === undefined) await engine.drain();
    return engine;
  }

  get config(): EngineConfig {
    return this.#config;
  }

  /** The last event processed. */
  get processedSeq(): number {
    return this.#drain.processedSeq;
  }

  /**
   * Every (typology, subject) that reached its alert threshold since the engine opened, with the
   * reasons for its highest score: what a batch screening reports. Not persisted: the durable
   * record is the stored typology contributions and the cases they opened.
   */
  typologyAlerts(): TypologyAlert[] {
    return this.#state.typologies.alerts();
  }

  /** The rule set running now (the loader's current set, or the fixed one without a rules directory). */
  get ruleSet(): RuleSet {
    return this.#state.rules();
  }

  /**
   * A subject's score in every typology it has points in, as of its latest contribution (so that a
   * case read later still shows the score that raised it), with the contributions that explain it.
   */
  typologiesOf(
    subject: string,
  ): { typology: TypologyDefinition; score: number; contributions: readonly Contribution[] }[] {
    const scores = this.#state.typologies;
    const result: { typology: TypologyDefinition; score: number; contributions: readonly Contribution[] }[] = [];
    for (const name of scores.names()) {
      const contributions = scores.contributionsOf(name, subject);
      const definition = scores.definition(name);
      const last = contributions[contributions.length - 1];
      if (definition === undefined || last === undefined) continue;
      result.push({ typology: definition, score: scores.score(name, subject, last.timeMs), contributions });
    }
    return result;
  }

  get features(): FeatureStore {
    return this.#state.features;
  }

  /** Where processing stands: dead letters and store failures (exported on `/metrics`). */
  health(): EngineHealth {
    return this.#drain.health();
  }

  /**
   * Tells `observer` of every ingest and every committed run from now on (see `EngineObserver`:
   * the server's counters). Observers cannot be removed; they live as long as the engine.
   */
  observe(observer: EngineObserver): void {
    this.#watch.add(observer);
  }

  /** How far processing is behind logging now (see `EngineLag`); reads memory only. */
  lag(): EngineLag {
    return this.#watch.lag(this.#drain.processedSeq);
  }

  /**
   * Dead letters stored, counted in the store: in bus mode the workers record them in the shared
   * store, so `health().deadLetters` (this process's own count) does not see them.
   */
  deadLetterCount(): Promise<number> {
    return this.#store.deadLetterCount();
  }

  /** Dead letters in seq order (after `afterSeq`, at most `limit`). */
  deadLetters(afterSeq = 0, limit = 100): Promise<DeadLetter[]> {
    return this.#store.deadLetters(afterSeq, limit);
  }

  /**
   * Processes every logged event not processed yet; concurrent calls share one run. An event
   * whose processing throws, or whose writes the store refuses, becomes a dead letter (stored
   * with the watermark) and the next event goes on. A failing store is retried with backoff;
   * after `storeRetry.attempts` failures this rejects with `STORAGE_UNAVAILABLE` (nothing is
   * lost: what was processed but not committed is kept and committed first next time).
   */
  drain(): Promise<void> {
    if (this.#bus !== undefined) return Promise.resolve();
    return this.#drain.drain();
  }

  /**
   * Every check `ingest` applies to an event before storing it, without storing anything: for
   * callers that must refuse a whole batch (a payments message) when any of it would be refused.
   * `ingest` calls this too, so the two never disagree.
   */
  check(input: unknown): EventCheck {
    return this.#config.registry.check(input);
  }

  /**
   * Validates and stores events; resolves once every accepted event is durable. With
   * `wait: true` it also waits until they are processed and returns each one's verdict.
   * Invalid events are rejected with the paths of their bad fields; the others go on.
   */
  async ingest(inputs: readonly unknown[], options: { wait?: boolean } = {}): Promise<IngestResult[]> {
    const bus = this.#bus;
    if (bus?.publish !== undefined) return this.#publish(inputs, bus, bus.publish, options.wait === true);
    const startedAt = performance.now();
    const results: IngestResult[] = [];
    const valid: { index: number; batch: DerivedBatch }[] = [];
    inputs.forEach((input, index) => {
      const check = this.check(input);
      if (!check.ok) {
        results.push({ index, status: 'rejected', code: 'EVENT_INVALID', problems: check.problems });
        return;
      }
      const batch =
        this.#derivers.length === 0
          ? { source: check.event, derived: [], failures: [] }
          : deriveFrom(check.event, this.#derivers, this.#config.registry);
      valid.push({ index, batch });
    });
    // Each source is logged with its derived events right after it, in one append.
    const toLog: Omit<LoggedEvent, 'seq'>[] = [];
    for (const item of valid) toLog.push(item.batch.source, ...item.batch.derived);
    const outcomes = await this.#store.events.append(toLog);
    const waits: Promise<Verdict | undefined>[] = [];
    let position = 0;
    for (const item of valid) {
      const { source, derived, failures } = item.batch;
      const outcome = outcomes[position++];
      const derivedSeqs: number[] = [];
      for (const event of derived) {
        const logged = outcomes[position++];
        if (logged?.stored === true) {
          this.#watch.logged(logged.seq, startedAt);
          this.#drain.offer(withSeq(event, logged.seq));
          derivedSeqs.push(logged.seq);
        }
      }
      if (outcome === undefined) continue;
      for (const failed of failures) this.#derivationFailed(source, outcome, failed);
      if (!outcome.stored) {
        results.push({ index: item.index, status: 'duplicate', id: source.id, seq: outcome.seq });
        continue;
      }
      results.push({ index: item.index, status: 'accepted', id: source.id, seq: outcome.seq });
      this.#watch.logged(outcome.seq, startedAt);
      this.#drain.offer(withSeq(source, outcome.seq));
      if (options.wait) waits.push(this.#verdictWithDerived(outcome.seq, derivedSeqs));
    }
    this.#watch.ingested(toLog, outcomes, inputs.length - valid.length);
    this.#drain.kick();
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
   * Bus mode, an API node: validates events and hands the valid ones to the bus, resolving once
   * the bus acknowledged them (`accepted`, or `duplicate` when it already held the id; `seq` is
   * the bus's). Nothing is derived or processed here: the worker that is delivered an event
   * derives from it and processes it. With `wait` (and a bus that can tell of commits), each
   * accepted event's answer is what the worker committed, read from the store
   * (`#awaitCommitted`).
   */
  async #publish(
    inputs: readonly unknown[],
    bus: EngineBus,
    publish: NonNullable<EngineBus['publish']>,
    wait: boolean,
  ): Promise<IngestResult[]> {
    const results: IngestResult[] = [];
    const valid: { index: number; event: BusEvent }[] = [];
    inputs.forEach((input, index) => {
      const check = this.check(input);
      if (check.ok) valid.push({ index, event: check.event });
      else results.push({ index, status: 'rejected', code: 'EVENT_INVALID', problems: check.problems });
    });
    const toPublish = valid.map((item) => item.event);
    const take = this.#store.takeCommittedVerdicts?.bind(this.#store);
    const watching = wait && toPublish.length > 0 && bus.watchCommits !== undefined && take !== undefined;
    // Watch before publishing: a worker may commit before the publish is even acknowledged.
    const notices = new CommitNotices();
    const unwatch = watching
      ? bus.watchCommits?.(
          toPublish.map((event) => event.id),
          () => notices.notice(),
        )
      : undefined;
    try {
      const outcomes = toPublish.length === 0 ? [] : await publish(toPublish, { notify: watching });
      valid.forEach((item, position) => {
        const outcome = outcomes[position];
        if (outcome === undefined) throw new EngineError('INTERNAL', 'the bus answered fewer events than it was sent');
        results.push({
          index: item.index,
          status: outcome.stored ? 'accepted' : 'duplicate',
          id: item.event.id,
          seq: outcome.seq,
        });
      });
      this.#watch.ingested(toPublish, outcomes, inputs.length - valid.length);
      if (watching && take !== undefined)
        await this.#awaitCommitted(results, take, notices, bus.verdictWaitMs ?? defaultVerdictWaitMs);
    } finally {
      unwatch?.();
    }
    return results.sort((a, b) => a.index - b.index);
  }

  /**
   * Bus mode, an API node: waits until a worker committed each `accepted` result's event, and
   * answers with what it committed: the verdict (none when its processing was dead-lettered, as
   * in the embedded mode), or `duplicate` when the log held the id before (sent again after the
   * bus's de-duplication window). The store is read once at once (the commit may have come
   * before the watch), then on each notice and at least every second (a notice may be lost);
   * results still uncommitted after `waitMs` keep `accepted` and get `code: VERDICT_TIMEOUT`.
   */
  async #awaitCommitted(
    results: IngestResult[],
    take: NonNullable<EngineStore['takeCommittedVerdicts']>,
    notices: CommitNotices,
    waitMs: number,
  ): Promise<void> {
    const pending = new Map<string, number>();
    results.forEach((result, position) => {
      if (result.status === 'accepted') pending.set(result.id, position);
    });
    const deadline = performance.now() + waitMs;
    for (;;) {
      notices.reset();
      const committed = await take([...pending.keys()]);
      for (const [id, outcome] of committed) {
        const position = pending.get(id);
        const result = position === undefined ? undefined : results[position];
        if (position === undefined || result?.status !== 'accepted') continue;
        pending.delete(id);
        if (outcome.status === 'duplicate')
          results[position] = { index: result.index, status: 'duplicate', id, seq: outcome.seq };
        else if (outcome.verdict !== null) results[position] = { ...result, verdict: outcome.verdict };
      }
      const left = deadline - performance.now();
      if (pending.size === 0 || left <= 0) break;
      await notices.next(Math.min(left, verdictRecheckMs));
    }
    for (const position of pending.values()) {
      const result = results[position];
      if (result?.status === 'accepted') results[position] = { ...result, code: 'VERDICT_TIMEOUT' };
    }
  }

  /**
   * Bus mode, a worker: validates the events its bus delivered, derives from them as `ingest`
   * would, and logs and processes them in ONE store transaction (`EngineStore.commitDelivered`):
   * an event the log already holds (a redelivery after a commit whose acknowledgement was lost, a
   * second worker racing on a redelivery) is a `duplicate` with no effect. Calls must not overlap
   * (one worker loop). When the commit fails nothing is stored, and the bus redelivers; the
   * features of this process then hold the failed events once more than the log (see
   * docs/scaling.md: feature state is per worker in this slice).
   *
   * @throws EngineError `INTERNAL` when the store cannot take delivered events (no `commitDelivered`).
   */
  async processDelivered(inputs: readonly unknown[], options: DeliveredOptions = {}): Promise<DeliveredResult[]> {
    const claim = options.claim;
    const store = this.#store;
    if (store.commitDelivered === undefined)
      throw new EngineError('INTERNAL', 'this store cannot be shared by workers (bus mode needs PostgreSQL)');
    let state = this.#state;
    if (claim !== undefined) {
      if (!this.#partitions.has(claim.partition)) await this.adoptPartition(claim.partition, claim.owner);
      state = this.#partitions.get(claim.partition) as ProcessorState;
    }
    const results: (DeliveredResult | undefined)[] = [];
    const sources: { index: number; id: string }[] = [];
    const toLog: BusEvent[] = [];
    const derivationFailures = new Map<string, readonly DerivationFailure[]>();
    const verdictsFor = options.verdictsFor;
    /** Ids of the events derived from each source whose verdict is waited for. */
    const derivedOf = new Map<string, readonly string[]>();
    inputs.forEach((input, index) => {
      const check = this.check(input);
      if (!check.ok) {
        results[index] = { status: 'rejected', problems: check.problems };
        return;
      }
      const batch =
        this.#derivers.length === 0
          ? { source: check.event, derived: [], failures: [] }
          : deriveFrom(check.event, this.#derivers, this.#config.registry);
      sources.push({ index, id: check.event.id });
      toLog.push(batch.source, ...batch.derived);
      if (batch.failures.length > 0) derivationFailures.set(check.event.id, batch.failures);
      if (verdictsFor?.has(check.event.id) === true)
        derivedOf.set(
          check.event.id,
          batch.derived.map((event) => event.id),
        );
    });
    const keys = toLog.map((event) => eventKeys(state.registry, event));
    const keysOf = new Map(toLog.map((event, index) => [event.id, keys[index] as EventKeys]));
    await prepareDelivered(state, store, toLog, keys);
    let homes: BatchFeatureHomes | undefined;
    const peers = this.#peers;
    if (claim !== undefined && peers !== undefined && toLog.length > 0) {
      const loggedIds = store.loggedIds?.bind(store);
      if (loggedIds === undefined)
        throw new EngineError('INTERNAL', 'this store cannot share features across partitions');
      const asked = await askFeatureHomes(state, claim.partition, toLog, peers, loggedIds);
      state = { ...state, foreign: asked.foreign };
      homes = asked.homes;
    }
    const batchState = state;
    let outcomes: EventOutcome[] = [];
    let logged: readonly LoggedEvent[];
    let applied = false;
    try {
      logged = await store.commitDelivered(
        toLog,
        (fresh) => {
          applied = true;
          outcomes = fresh.map((event) =>
            this.#processDeliveredOne(batchState, event, derivationFailures.get(event.id), keysOf.get(event.id)),
          );
          const batch = outcomes.length === 0 ? { processedSeq: 0, ...emptyWrites() } : batchOf(outcomes);
          const verdicts = committedVerdicts(outcomes, derivedOf);
          return verdicts.length === 0 ? batch : { ...batch, verdicts };
        },
        claim,
        homes,
      );
    } catch (error) {
      // The partition's features now hold events the log does not: rebuild them from the log
      // before its next batch (without a partition the worker's memory stays ahead: scaling.md).
      // A commit refused before processing (a fence) changed nothing in memory.
      if (claim !== undefined && applied) this.#forgetPartition(claim.partition);
      throw error;
    }
    this.#state.links.trim();
    this.#settle(outcomes);
    const byId = new Map(outcomes.map((outcome) => [outcome.event.id, outcome]));
    for (const source of sources) {
      const outcome = byId.get(source.id);
      results[source.index] =
        outcome === undefined
          ? { status: 'duplicate', id: source.id }
          : {
              status: 'processed',
              id: source.id,
              seq: outcome.event.seq,
              ...(outcome.verdict === undefined ? {} : { verdict: outcome.verdict }),
            };
    }
    if (logged.length !== outcomes.length)
      throw new EngineError('INTERNAL', 'the store logged events it did not process');
    return results as DeliveredResult[];
  }

  /**
   * Bus mode, partitioned: builds the feature state of `partition` from the event log, replaying
   * (features only; their effects are stored) the events logged under it in log order, from the
   * longest feature window before its newest event on (its whole history when a feature has no
   * window: first_seen, last_seen). Replaces any state held for it. A worker calls this when it
   * takes the partition, before processing any delivery of it; `processDelivered` calls it again
   * after a failed commit. Resolves with how many events were replayed.
   *
   * @throws EngineError `INTERNAL` when the store cannot read partitions (it needs PostgreSQL).
   */
  async adoptPartition(partition: number, owner?: string): Promise<number> {
    const store = this.#store;
    if (store.readPartition === undefined || store.newestInPartition === undefined)
      throw new EngineError('INTERNAL', 'this store cannot hold bus partitions (bus mode needs PostgreSQL)');
    this.#forgetPartition(partition);
    const peers = this.#peers;
    let epoch = 0;
    if (peers !== undefined) {
      const leases = store.partitionLeases;
      if (leases === undefined || owner === undefined)
        throw new EngineError('INTERNAL', 'features of every role need the partition leases and the owner');
      // Raised before the log is read: commits that used the old features are in it, later ones fail.
      epoch = await leases.raiseStateEpoch(owner, partition);
    }
    const own = peers === undefined ? undefined : new ForeignFeatures(partition, (key) => peers.homeOf(key));
    const features = new FeatureStore(this.#config.features);
    const newest = await store.newestInPartition(partition);
    let replayed = 0;
    if (newest !== null) {
      const windows = this.#config.features.map((feature) => feature.windowMs);
      // A read at t aggregates the buckets overlapping (t − W, t]: one bucket (W / 60) more than W.
      const sinceMs = windows.some((windowMs) => windowMs === null)
        ? Number.NEGATIVE_INFINITY
        : newest - Math.max(0, ...windows.map((windowMs) => ((windowMs as number) * 61) / 60)) - 1;
      for (let after = 0; ; ) {
        const events = await store.readPartition(partition, after, sinceMs, 5000);
        for (const event of events) {
          after = event.seq;
          if (event.unreadable !== undefined) continue; // dead-lettered when it was processed
          try {
            features.apply(event, own?.isOwn);
            replayed++;
          } catch {
            // recorded as a dead letter when it was processed
          }
        }
        if (events.length < 5000) break;
      }
    }
    this.#partitions.set(partition, { ...this.#state, features });
    this.#epochs.set(partition, epoch);
    this.#answered.set(partition, new Map());
    return replayed;
  }

  /** Bus mode, partitioned: forgets the state of `partition` (its lease went to another worker). */
  releasePartition(partition: number): void {
    this.#forgetPartition(partition);
  }

  #forgetPartition(partition: number): void {
    this.#partitions.delete(partition);
    this.#epochs.delete(partition);
    this.#answered.delete(partition);
  }

  /**
   * Bus mode, partitioned: keep every entity's features in its home partition
   * (`PartitionPeers.homeOf`) and ask the other partitions' owners for theirs (docs/scaling.md,
   * "Features of every role"). Call before the worker takes any partition.
   */
  usePartitionPeers(peers: PartitionPeers): void {
    this.#peers = peers;
  }

  /**
   * Bus mode, partitioned: another partition's batch asks for the features of the entities homed
   * in `partition` (`PartitionPeers.ask`): each event is checked as `processDelivered` checks it,
   * applied once to those entities' features, and answered with their values as of the event, in
   * order, with the epoch of the partition's features.
   *
   * @throws EngineError `BUS_PEER_UNAVAILABLE` when this worker does not hold the partition's
   *   features now (not adopted, being rebuilt, released), or without `usePartitionPeers`;
   *   `EVENT_INVALID` when an event is not one the engine accepts (nothing was applied).
   */
  answerPeers(
    partition: number,
    inputs: readonly unknown[],
  ): { epoch: number; values: Readonly<Record<string, FeatureValues>>[] } {
    const peers = this.#peers;
    const state = this.#partitions.get(partition);
    const epoch = this.#epochs.get(partition);
    const answered = this.#answered.get(partition);
    if (peers === undefined || state === undefined || epoch === undefined || answered === undefined)
      throw new EngineError(
        'BUS_PEER_UNAVAILABLE',
        `this worker does not hold the features of bus partition ${partition} now`,
      );
    const events: EngineEvent[] = [];
    for (const input of inputs) {
      const check = this.check(input);
      if (!check.ok)
        throw new EngineError(
          'EVENT_INVALID',
          `a peer asked about an event the engine refuses: ${check.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`,
        );
      events.push(check.event);
    }
    const values = answerForPartition(partition, events, {
      state,
      homeOf: (key) => peers.homeOf(key),
      answered,
      answeredCap: answeredPerPartition,
    });
    return { epoch, values };
  }

  /**
   * One delivered event, just logged: processed into its writes (a throw dead-letters it), with
   * its `eventKeys` as `prepareDelivered` used them.
   */
  #processDeliveredOne(
    state: ProcessorState,
    event: LoggedEvent,
    failures: readonly DerivationFailure[] | undefined,
    keys: EventKeys | undefined,
  ): EventOutcome {
    const writes = emptyWrites();
    let verdict: Verdict;
    try {
      verdict = processEvent(state, event, writes, keys);
    } catch (error) {
      return failedOutcome(event, deadLetterOf(event, error));
    }
    const failed = failures?.[0];
    if (failed === undefined) return { event, writes, verdict };
    const failure = deadLetterOf({ ...event, id: `${event.id}#derive` }, failed.error, 'EVENT_DERIVATION_FAILED');
    return { event, writes, verdict, failure };
  }

  /**
   * A derivation failed: a source logged now carries it as its dead letter (committed when the
   * source is processed); one already logged before (a re-sent event) is only reported.
   */
  #derivationFailed(source: Omit<LoggedEvent, 'seq'>, outcome: AppendOutcome, failed: DerivationFailure): void {
    const letter = deadLetterOf(
      { ...source, id: `${source.id}#derive`, seq: outcome.seq },
      failed.error,
      'EVENT_DERIVATION_FAILED',
    );
    if (outcome.stored) this.#drain.derivationFailed(letter);
    else this.#onProblem({ kind: 'dead_letter', deadLetter: letter });
  }

  /** The verdict of `seq` once it and the events derived from it are processed: theirs folded into it. */
  async #verdictWithDerived(seq: number, derivedSeqs: readonly number[]): Promise<Verdict | undefined> {
    const [own, ...others] = await Promise.all([seq, ...derivedSeqs].map((item) => this.#verdictOf(item)));
    return foldDerived(own, others);
  }

  #verdictOf(seq: number): Promise<Verdict | undefined> {
    return new Promise((resolve) => {
      this.#waiters.push({ seq, resolve });
    });
  }

  /**
   * Calls `listener` after every commit that wrote outbox rows (actions), synchronously, once per
   * commit: the server wakes the outbox dispatcher with it, so an action is sent as soon as it is
   * committed instead of on the dispatcher's next poll. A throwing listener is ignored (the
   * commit is done; the poll still finds the rows).
   */
  onActionsCommitted(listener: () => void): void {
    this.#actionListeners.push(listener);
  }

  /** Committed outcomes: keep the verdicts someone waits for, settle the waiters, tell of actions. */
  #settle(outcomes: readonly EventOutcome[]): void {
    this.#watch.committed(outcomes);
    if (this.#actionListeners.length > 0 && outcomes.some((outcome) => outcome.writes.actions.length > 0)) {
      for (const listener of this.#actionListeners) {
        try {
          listener();
        } catch {
          // ignored on purpose: see onActionsCommitted
        }
      }
    }
    for (const outcome of outcomes) {
      if (outcome.verdict !== undefined && this.#waiters.some((waiter) => waiter.seq === outcome.event.seq))
        this.#recent.set(outcome.event.seq, outcome.verdict);
    }
    const processedSeq = this.#drain.processedSeq;
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i] as Waiter;
      if (waiter.seq > processedSeq) continue;
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

  /**
   * Follows a change the cases service stored (it calls this for every change). The subject's
   * entry in the engine's view of open cases is read again from the store before the next run of
   * events is processed — between two commits, so the store is the whole truth then (a case
   * effect committed in the same instant may have opened a new case). A closed case thus joins
   * nothing from the next event on, exactly as after a restart, which loads the view from the store.
   */
  caseChanged(record: CaseRecord): void {
    this.#drain.caseChanged(record.subject);
  }

  /** The labels on an entity now. */
  labelsOf(entity: string): string[] {
    return this.#state.labels.labelsOf(entity, Date.now());
  }

  /** Writes a feature snapshot now (on shutdown, so that the next start replays nothing). */
  async checkpoint(): Promise<void> {
    // In bus mode the log is the workers' and features are per process: no snapshot.
    if (this.#bus !== undefined) return;
    await this.drain();
    const seq = this.#drain.processedSeq;
    const batch: EngineBatch = {
      processedSeq: seq,
      ...emptyWrites(),
      snapshot: { seq, json: JSON.stringify(this.#state.features.snapshot()) },
    };
    await this.#store.commit(batch);
    this.#drain.snapshotWritten();
  }

  /**
   * Stops retrying in the background and writes a last snapshot (see `checkpoint`). Events not
   * processed yet stay in the log for the next start.
   */
  async close(): Promise<void> {
    this.#drain.stop();
    await this.checkpoint();
  }
}

/**
 * Answers kept per partition for events other partitions asked about (their batches may be tried
 * again before they commit: the same event must not be applied twice). Far more than the events of
 * a few batches in flight; an answer older than that is applied again if asked (docs/scaling.md).
 */
const answeredPerPartition = 50_000;
/** How long an API node waits for the workers' verdicts by default (`EngineBus.verdictWaitMs`). */
const defaultVerdictWaitMs = 10_000;
/** An API node waiting for verdicts reads the store at least this often (a commit notice may be lost). */
const verdictRecheckMs = 1000;

/** A source's verdict with those of the events derived from it folded in (none: it has none). */
function foldDerived(own: Verdict | undefined, others: readonly (Verdict | undefined)[]): Verdict | undefined {
  if (own === undefined) return undefined;
  let merged: Verdict = own;
  for (const other of others) {
    if (other === undefined) continue;
    merged = {
      eventId: merged.eventId,
      verdict: strongerVerdict(merged.verdict, other.verdict),
      score: Math.max(merged.score, other.score),
      reasons: [...merged.reasons, ...other.reasons],
      hits: [...merged.hits, ...other.hits],
    };
  }
  return merged;
}

/**
 * The verdicts to commit with a worker's run: each waited-for source processed in it (`derivedOf`
 * names them, with their derived events' ids), its derived events' verdicts folded in as the
 * embedded `ingest` does; null when its processing was dead-lettered.
 */
function committedVerdicts(
  outcomes: readonly EventOutcome[],
  derivedOf: ReadonlyMap<string, readonly string[]>,
): CommittedVerdict[] {
  if (derivedOf.size === 0) return [];
  const byId = new Map(outcomes.map((outcome) => [outcome.event.id, outcome]));
  const verdicts: CommittedVerdict[] = [];
  for (const [eventId, derived] of derivedOf) {
    const own = byId.get(eventId);
    if (own === undefined) continue;
    const folded = foldDerived(
      own.verdict,
      derived.map((id) => byId.get(id)?.verdict),
    );
    verdicts.push({ eventId, verdict: folded ?? null });
  }
  return verdicts;
}

/** Wakes an API node waiting for verdicts when its bus tells of a commit (`EngineBus.watchCommits`). */
class CommitNotices {
  #noticed = false;
  #wake: (() => void) | undefined;

  notice(): void {
    this.#noticed = true;
    this.#wake?.();
  }

  /** Forgets earlier notices: called right before the store is read. */
  reset(): void {
    this.#noticed = false;
  }

  /** Resolves at the next notice (at once if one came since `reset`), or after `ms`. */
  async next(ms: number): Promise<void> {
    if (this.#noticed) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.#wake = undefined;
  }
}
