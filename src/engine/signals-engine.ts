import { isActive, OpenCases } from '../cases/index.js';
import { EngineError } from '../core/index.js';
import type { EventCheck, EventProblem } from '../events/index.js';
import { FeatureStore } from '../features/index.js';
import type { Logger } from '../logging/index.js';
import type { RuleSet } from '../rules/index.js';
import type { CaseRecord, EngineStore, LoggedEvent } from '../storage/index.js';
import { type TypologyAlert, TypologyScores } from '../typologies/index.js';
import type { EngineConfig } from './engine-config.js';
import { LinkGraph } from './entity-links.js';
import { emptyWrites, type ProcessorState, processEvent } from './event-processor.js';
import { LabelCache } from './label-cache.js';
import { propagateLabel } from './label-propagation.js';
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
    }
  | { readonly index: number; readonly status: 'duplicate'; readonly id: string; readonly seq: number }
  | { readonly index: number; readonly status: 'rejected'; readonly problems: readonly EventProblem[] };

export interface EngineOptions {
  /** Events read and committed per transaction (default 500). */
  readonly batchSize?: number;
  /** A feature snapshot is written every this many processed events (default 100,000). */
  readonly snapshotEvery?: number;
  /** Where the engine reports what it recovered from (absent: nowhere). */
  readonly logger?: Logger;
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
  #processedSeq: number;
  #sinceSnapshot = 0;
  #draining: Promise<void> | undefined;
  readonly #waiters: Waiter[] = [];
  readonly #recent = new Map<number, Verdict>();
  /** Subjects whose case the cases service changed since the last run (see `caseChanged`). */
  readonly #changedCases = new Set<string>();
  /** Events just appended, by seq: processed from memory instead of read back from the log. */
  readonly #fresh = new Map<number, LoggedEvent>();

  private constructor(
    store: EngineStore,
    config: EngineConfig,
    state: ProcessorState,
    processedSeq: number,
    options: EngineOptions,
  ) {
    this.#store = store;
    this.#config = config;
    this.#state = state;
    this.#processedSeq = processedSeq;
    this.#batchSize = options.batchSize ?? 500;
    this.#snapshotEvery = options.snapshotEvery ?? 100_000;
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
    const openCases = new OpenCases(await store.cases.openSubjects());
    const state: ProcessorState = {
      registry: config.registry,
      features,
      featureSpecs: config.features,
      rules,
      typologies,
      labels,
      links: new LinkGraph(),
      openCases,
    };
    // Re-apply events between the snapshot and the watermark to the features only.
    for (let after = replayFrom; after < saved.processedSeq; ) {
      const events = await store.events.readAfter(after, 5000);
      if (events.length === 0) break;
      for (const event of events) {
        if (event.seq > saved.processedSeq) break;
        features.apply(event);
        after = event.seq;
      }
    }
    const engine = new SignalsEngine(store, config, state, saved.processedSeq, options);
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
    const results: IngestResult[] = [];
    const valid: { index: number; event: Omit<LoggedEvent, 'seq'> }[] = [];
    inputs.forEach((input, index) => {
      const check = this.check(input);
      if (check.ok) valid.push({ index, event: check.event });
      else results.push({ index, status: 'rejected', problems: check.problems });
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
    void this.drain();
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

  /** Processes every logged event not processed yet; concurrent calls share one run. */
  drain(): Promise<void> {
    this.#draining ??= this.#drainLoop().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  async #drainLoop(): Promise<void> {
    for (;;) {
      const events = await this.#nextEvents();
      if (events.length === 0) return;
      await this.#syncChangedCases();
      const writes = emptyWrites();
      const verdicts: Verdict[] = [];
      for (const event of events) verdicts.push(processEvent(this.#state, event, writes));
      const last = events[events.length - 1] as LoggedEvent;
      this.#sinceSnapshot += events.length;
      const snapshotDue = this.#sinceSnapshot >= this.#snapshotEvery;
      await this.#store.commit({
        processedSeq: last.seq,
        ...writes,
        ...(snapshotDue ? { snapshot: { seq: last.seq, json: JSON.stringify(this.#state.features.snapshot()) } } : {}),
      });
      if (snapshotDue) this.#sinceSnapshot = 0;
      this.#processedSeq = last.seq;
      events.forEach((event, index) => {
        const verdict = verdicts[index];
        if (verdict !== undefined && this.#waiters.some((waiter) => waiter.seq === event.seq))
          this.#recent.set(event.seq, verdict);
      });
      this.#settleWaiters();
    }
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
   * @throws EngineError `CONFIG_INVALID` for a label the policy does not declare.
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
        'CONFIG_INVALID',
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
    this.#changedCases.add(record.subject);
  }

  /** Re-reads from the store whether each changed subject still has a case that is not closed. */
  async #syncChangedCases(): Promise<void> {
    if (this.#changedCases.size === 0) return;
    const subjects = [...this.#changedCases];
    this.#changedCases.clear();
    for (const subject of subjects) {
      const [newest] = await this.#store.cases.list({ subject, limit: 1 });
      this.#state.openCases.set(subject, newest !== undefined && isActive(newest.status));
    }
  }

  /** The labels on an entity now. */
  labelsOf(entity: string): string[] {
    return this.#state.labels.labelsOf(entity, Date.now());
  }

  /** Writes a feature snapshot now (on shutdown, so that the next start replays nothing). */
  async checkpoint(): Promise<void> {
    await this.drain();
    await this.#store.commit({
      processedSeq: this.#processedSeq,
      hits: [],
      labelsAdded: [],
      labelsRemoved: [],
      links: [],
      contributions: [],
      cases: [],
      snapshot: { seq: this.#processedSeq, json: JSON.stringify(this.#state.features.snapshot()) },
    });
    this.#sinceSnapshot = 0;
  }
}
