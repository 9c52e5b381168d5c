import type { BankChangeListener, BankRecord, BankRepository, ContentRecord } from '../banks/index.js';
import { isContentEnabled } from '../banks/index.js';
import { EngineError } from '../core/index.js';
import type { IndexHit, SignalIndex } from '../indexes/index.js';
import {
  type DihedralName,
  defaultVpdqMatchPercent,
  isVpdqHit,
  isVpdqMatch,
  pdqQualityThreshold,
  TmkIndex,
  tmkPdqfSignal,
  VpdqIndex,
} from '../signals/index.js';
import { FloodGuard } from './flood-guard.js';
import type { FloodReport, Match, MatchOptions, MatchOutcome, MatchQuery, SuppressedMatch } from './match-types.js';

/** Builds an empty index for one signal type. */
export type IndexFactory = () => SignalIndex;

/**
 * PDQ lookups answered elsewhere (`PdqLookupPool`: worker threads over the matcher's own shared
 * PDQ index, and over the frames of its video indexes built with shared frames), a batch per
 * call; each answer must equal the PDQ index's `query`, or the video index's `queryFrame`.
 */
export interface PdqLookups {
  queryMany(values: readonly string[], maxDistance: number): Promise<IndexHit[][]>;
  /** Whether `queryGroupedMany(signalType, …)` answers the frame lookups of that video index. */
  hasGrouped(signalType: string): boolean;
  /** Each value's hits among the banked videos of `signalType`, as its index's `queryFrame`. */
  queryGroupedMany(signalType: string, values: readonly string[], maxDistance: number): Promise<IndexHit[][]>;
}

/** Progress of loading the indexes from storage. */
export interface IndexStatus {
  readonly signalType: string;
  readonly ready: boolean;
  readonly size: number;
  /** When loading finished (ISO), or null while loading. */
  readonly loadedAt: string | null;
  /** Time of the last change applied (ISO), or null. */
  readonly updatedAt: string | null;
}

interface Candidate {
  readonly hit: IndexHit;
  readonly signalType: string;
  readonly queryValue: string;
  readonly variant: DihedralName;
}

/**
 * The matcher: one in-memory index per signal type, loaded from storage at start and kept in
 * step with every bank change: its own process's at once (it listens to the BankService), other
 * processes' through the `BankFollower` (the store's change feed), so that an added hash matches
 * and a deleted one stops matching as soon as the change is committed (here) or within the
 * follower's wake-up (elsewhere) — no rebuilds, no staleness.
 *
 * A lookup queries the indexes at the widest threshold of the banks involved, then reads the
 * content rows of the hits (a few at most), which is where per-bank thresholds, per-item
 * disabling, bank filters, negative banks and flood protection are applied. Reading the rows
 * keeps disabling exact and immediate without mirroring state in memory.
 */
export class Matcher implements BankChangeListener {
  readonly #repository: BankRepository;
  readonly #indexes = new Map<string, SignalIndex>();
  readonly #status = new Map<string, { ready: boolean; loadedAt: string | null; updatedAt: string | null }>();
  readonly #flood: FloodGuard;
  readonly #onFlood: (report: FloodReport) => Promise<void>;
  #banks: Map<number, BankRecord> | undefined;
  readonly #outcomeListeners: ((outcome: MatchOutcome) => void)[] = [];
  readonly #pdqLookups: PdqLookups | undefined;

  constructor(options: {
    repository: BankRepository;
    indexFactories: Readonly<Record<string, IndexFactory>>;
    floodGuard?: FloodGuard;
    /** Called once per item when flood protection quarantines it (store the quarantine, report it). */
    onFlood?: (report: FloodReport) => Promise<void>;
    /**
     * Where an upload's (or a stream frame's) PDQ hash and its variants are looked up, in one
     * batch per index (absent: the indexes, on this thread). It must serve the index
     * `indexFactories.pdq` built, and the frames of each video index it says it serves.
     */
    pdqLookups?: PdqLookups;
  }) {
    this.#repository = options.repository;
    this.#pdqLookups = options.pdqLookups;
    for (const [signalType, factory] of Object.entries(options.indexFactories)) {
      this.#indexes.set(signalType, factory());
      this.#status.set(signalType, { ready: false, loadedAt: null, updatedAt: null });
    }
    this.#flood = options.floodGuard ?? new FloodGuard();
    this.#onFlood = options.onFlood ?? (async () => {});
  }

  /** Signal types this matcher indexes. */
  get signalTypes(): string[] {
    return [...this.#indexes.keys()];
  }

  /**
   * Loads every stored value into the indexes, streaming from storage in batches.
   * `onProgress` receives the running count per signal type.
   */
  async load(onProgress?: (signalType: string, loaded: number) => void): Promise<void> {
    for (const [signalType, index] of this.#indexes) {
      let loaded = 0;
      for await (const batch of this.#repository.streamSignals(signalType)) {
        for (const signal of batch) index.add(signal.contentId, signal.value);
        loaded += batch.length;
        onProgress?.(signalType, loaded);
      }
      // Build the static tables now rather than on the first query after a bulk load (off this
      // thread when the index can: a 10M-entry PDQ build takes seconds).
      if ('rebuildInBackground' in index && typeof index.rebuildInBackground === 'function') {
        await index.rebuildInBackground();
      } else if ('rebuild' in index && typeof index.rebuild === 'function') index.rebuild();
      const now = new Date().toISOString();
      this.#status.set(signalType, { ready: true, loadedAt: now, updatedAt: now });
    }
  }

  /**
   * Whether any bank item holds a value of `signalType` (its index is not empty). A lookup
   * computes a costly optional signal (`tmk_pdqf`: one more ffmpeg pass per video) only when
   * this says something could match it: `/v1/match` does so for every uploaded video.
   */
  holdsAny(signalType: string): boolean {
    return (this.#indexes.get(signalType)?.size ?? 0) > 0;
  }

  /** Whether every index has finished loading. */
  get ready(): boolean {
    return [...this.#status.values()].every((status) => status.ready);
  }

  status(): IndexStatus[] {
    return [...this.#indexes].map(([signalType, index]) => {
      const status = this.#status.get(signalType);
      return {
        signalType,
        ready: status?.ready ?? false,
        size: index.size,
        loadedAt: status?.loadedAt ?? null,
        updatedAt: status?.updatedAt ?? null,
      };
    });
  }

  /**
   * Indexes the contents' signals. An id already indexed is replaced, not added twice: the same
   * change may be told by the bank service and again by the `BankFollower` (content ids are never
   * reused and an item's signals never change, so replacing is a no-op in effect).
   */
  contentAdded(contents: readonly ContentRecord[]): void {
    for (const content of contents) {
      for (const [signalType, value] of Object.entries(content.signals)) {
        const index = this.#indexes.get(signalType);
        if (index === undefined) continue;
        index.remove(content.id);
        index.add(content.id, value);
        this.#touch(signalType);
      }
    }
  }

  contentRemoved(contentIds: readonly number[]): void {
    for (const [signalType, index] of this.#indexes) {
      for (const id of contentIds) index.remove(id);
      this.#touch(signalType);
    }
  }

  banksChanged(): void {
    this.#banks = undefined;
  }

  /**
   * Index hits only, as content ids with distances: HMA's raw lookup. Ignores enablement, ratios
   * and per-bank thresholds; `maxDistance` defaults to the signal type's default threshold.
   * PDQ goes to the lookup threads when there are (`pdqLookups`), as `match` does.
   */
  async rawLookup(signalType: string, value: string, maxDistance: number): Promise<IndexHit[]> {
    const index = this.#index(signalType);
    if (signalType !== 'pdq' || this.#pdqLookups === undefined) return index.query(value, maxDistance);
    const [hits = []] = await this.#pdqLookups.queryMany([value], maxDistance);
    return hits;
  }

  /** Registers a listener told of every lookup's outcome (metrics). */
  onOutcome(listener: (outcome: MatchOutcome) => void): void {
    this.#outcomeListeners.push(listener);
  }

  /** Looks up every signal of the query in every (selected) bank. */
  async match(query: MatchQuery, options: MatchOptions = {}): Promise<MatchOutcome> {
    const outcome = await this.#match(query, options);
    for (const listener of this.#outcomeListeners) listener(outcome);
    return outcome;
  }

  async #match(query: MatchQuery, options: MatchOptions): Promise<MatchOutcome> {
    const banks = await this.#bankCache();
    const selected = [...banks.values()].filter(
      (bank) =>
        (options.banks === undefined || options.banks.includes(bank.name)) &&
        (options.coinflip === undefined || bank.enabledRatio >= options.coinflip),
    );
    const warnings: string[] = [];
    if (selected.length === 0) return { matches: [], suppressed: [], quarantined: [], negative: [], warnings };
    const candidates = await this.#candidates(query, selected, options, warnings);
    if (candidates.size === 0) return { matches: [], suppressed: [], quarantined: [], negative: [], warnings };

    const contents = await this.#repository.getContents([...candidates.keys()]);
    const selectedIds = new Set(selected.map((bank) => bank.id));
    const positive: Match[] = [];
    const negative: Match[] = [];
    const quarantined: Match[] = [];
    for (const content of contents) {
      const bank = banks.get(content.bankId);
      const candidate = candidates.get(content.id);
      if (bank === undefined || candidate === undefined || !selectedIds.has(bank.id)) continue;
      if (
        (candidate.signalType === 'pdq' || candidate.signalType === 'vpdq_frame') &&
        candidate.hit.distance > bank.pdqThreshold
      )
        continue;
      if (!options.includeDisabled && !isContentEnabled(content.disableUntil)) continue;
      const match = toMatch(bank, content, candidate);
      if (content.quarantinedAt !== null) quarantined.push(match);
      else if (bank.negative) negative.push(match);
      else if (options.countForFlood !== false && this.#flood.record(content.id)) {
        quarantined.push(match);
        await this.#quarantine(bank, content.id);
      } else positive.push(match);
    }
    const strongestNegative = negative[0];
    if (strongestNegative === undefined) return { matches: positive, suppressed: [], quarantined, negative, warnings };
    const suppressed: SuppressedMatch[] = positive.map((match) => ({
      ...match,
      suppressedBy: { bank: strongestNegative.bank, contentId: strongestNegative.contentId },
    }));
    warnings.push(
      `matched negative bank ${strongestNegative.bank} (content ${strongestNegative.contentId}); ${suppressed.length} match(es) suppressed`,
    );
    return { matches: [], suppressed, quarantined, negative, warnings };
  }

  /** Best hit per content id over every signal (and PDQ variant) of the query. */
  async #candidates(
    query: MatchQuery,
    banks: readonly BankRecord[],
    options: MatchOptions,
    warnings: string[],
  ): Promise<Map<number, Candidate>> {
    const best = new Map<number, Candidate>();
    const consider = (candidate: Candidate): void => {
      const previous = best.get(candidate.hit.owner);
      if (previous === undefined || candidate.hit.distance < previous.hit.distance)
        best.set(candidate.hit.owner, candidate);
    };
    for (const [signalType, value] of Object.entries(query.signals)) {
      if (value === undefined || value === '') continue;
      const index = this.#indexes.get(signalType);
      if (index === undefined) continue;
      if (index instanceof VpdqIndex) {
        const thresholds = {
          queryMatchPercent: options.videoThresholds?.queryMatchPercent ?? defaultVpdqMatchPercent,
          comparedMatchPercent: options.videoThresholds?.comparedMatchPercent ?? defaultVpdqMatchPercent,
        };
        const radius = 100 - Math.min(thresholds.queryMatchPercent, thresholds.comparedMatchPercent);
        for (const hit of index.query(value, radius)) {
          if (!isVpdqHit(hit) || !isVpdqMatch(hit, thresholds)) continue;
          consider({ hit, signalType, queryValue: hit.queryFrame, variant: 'original' });
        }
        continue;
      }
      if (index instanceof TmkIndex) {
        // A whole-video summary (351 KB of text): answered with a short description, not the value.
        const { queryLabel, hits } = index.lookup(value, tmkPdqfSignal.defaultThreshold);
        for (const hit of hits) consider({ hit, signalType, queryValue: queryLabel, variant: 'original' });
        continue;
      }
      if (signalType !== 'pdq') {
        for (const hit of index.query(value, 0)) consider({ hit, signalType, queryValue: value, variant: 'original' });
        continue;
      }
      if (query.pdqQuality !== undefined && query.pdqQuality < pdqQualityThreshold) {
        warnings.push(`pdq quality ${query.pdqQuality} is below ${pdqQualityThreshold}: not looked up`);
        continue;
      }
      const radius = Math.max(...banks.map((bank) => bank.pdqThreshold));
      const variants: [DihedralName, string][] = [['original', value]];
      for (const [name, variantValue] of Object.entries(query.pdqVariants ?? {})) {
        if (variantValue !== undefined && name !== 'original') variants.push([name as DihedralName, variantValue]);
      }
      // A PDQ hash (an image, a live-stream frame) also matches a banked video holding that frame:
      // its 1-per-second frames (`vpdq`) and, when Prevail banked it, all its distinct frames (`vpdq_dense`).
      // Every index's batch goes out at once, so that the lookup threads share them.
      const lookups = this.#pdqLookups;
      const values = variants.map(([, variantValue]) => variantValue);
      const videoFrames = [...this.#indexes].filter(
        (entry): entry is [string, VpdqIndex] => entry[1] instanceof VpdqIndex,
      );
      const [variantHits, ...frameHits] = await Promise.all([
        lookups === undefined
          ? values.map((variantValue) => index.query(variantValue, radius))
          : lookups.queryMany(values, radius),
        ...videoFrames.map(([frameType, frames]) =>
          lookups?.hasGrouped(frameType)
            ? lookups.queryGroupedMany(frameType, values, radius)
            : values.map((variantValue) => frames.queryFrame(variantValue, radius)),
        ),
      ]);
      for (const [position, [variant, variantValue]] of variants.entries()) {
        for (const hit of variantHits?.[position] ?? [])
          consider({ hit, signalType, queryValue: variantValue, variant });
        for (const hits of frameHits) {
          for (const hit of hits[position] ?? []) {
            consider({ hit, signalType: 'vpdq_frame', queryValue: variantValue, variant });
          }
        }
      }
    }
    return best;
  }

  async #quarantine(bank: BankRecord, contentId: number): Promise<void> {
    const quarantinedAt = new Date().toISOString();
    await this.#onFlood({
      contentId,
      bank: bank.name,
      matchesInWindow: this.#flood.countOf(contentId),
      windowMs: this.#flood.policy.windowMs,
      quarantinedAt,
    });
  }

  async #bankCache(): Promise<Map<number, BankRecord>> {
    if (this.#banks === undefined) {
      const banks = await this.#repository.listBanks();
      this.#banks = new Map(banks.map((bank) => [bank.id, bank]));
    }
    return this.#banks;
  }

  #index(signalType: string): SignalIndex {
    const index = this.#indexes.get(signalType);
    if (index === undefined) throw new EngineError('SIGNAL_UNKNOWN', `No such SignalType '${signalType}'`);
    if (!this.#status.get(signalType)?.ready) throw new EngineError('INDEX_NOT_READY', 'index not yet ready');
    return index;
  }

  #touch(signalType: string): void {
    const status = this.#status.get(signalType);
    if (status !== undefined) status.updatedAt = new Date().toISOString();
  }
}

function toMatch(bank: BankRecord, content: ContentRecord, candidate: Candidate): Match {
  return {
    bank: bank.name,
    bankId: bank.id,
    contentId: content.id,
    signalType: candidate.signalType,
    distance: candidate.hit.distance,
    matchedValue: candidate.hit.value,
    queryValue: candidate.queryValue,
    variant: candidate.variant,
    ...(isVpdqHit(candidate.hit)
      ? { queryMatchPercent: candidate.hit.queryMatchPercent, comparedMatchPercent: candidate.hit.comparedMatchPercent }
      : {}),
    provenance: {
      source: content.source,
      externalId: content.externalId,
      category: content.category,
      note: content.note,
      contentUri: content.contentUri,
      addedAt: content.addedAt,
      ...(content.upstream !== undefined ? { upstream: content.upstream } : {}),
    },
  };
}
