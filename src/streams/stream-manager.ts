import { randomUUID } from 'node:crypto';
import { EngineError } from '../core/index.js';
import type { EvidenceVault } from '../evidence/index.js';
import type { Logger } from '../logging/index.js';
import { readFrames } from '../video/index.js';
import {
  allocateFps,
  estimateFramesPerSecond,
  type FrameBudget,
  measureFrameCost,
  measureViewsCost,
} from './frame-budget.js';
import { defaultFrameHashWorkers, FrameHashPool, type FrameHashPoolStats } from './frame-hash-pool.js';
import {
  checkExtraFrameViews,
  type ExtraFrameView,
  type FrameViewOptions,
  frameHasher,
  frameViewsWith,
} from './frame-views.js';
import type { ReconnectPolicy } from './reconnect-backoff.js';
import { checkStreamSource, defaultStreamSourcePolicy, type StreamSourcePolicy } from './source-policy.js';
import {
  type FrameHasher,
  type FrameMatcher,
  type FrameSource,
  isFinalState,
  type MatchEventSink,
  type StreamEntities,
  type StreamStatus,
  type StreamWatchEvent,
} from './stream-types.js';
import { StreamWatcher } from './stream-watcher.js';

/** Settings of stream watching that an operator chooses (all optional). */
export interface StreamSettings {
  /** Which URLs may be watched (see `StreamSourcePolicy`); default: network streams on public hosts. */
  readonly policy?: Partial<StreamSourcePolicy>;
  /** Hashed frames per second across all streams; default estimated on this machine (see `FrameBudget`). */
  readonly maxFramesPerSecond?: number;
  /** What to do when a new stream does not fit the budget (default `refuse`). */
  readonly overload?: 'refuse' | 'degrade';
  /** Lowest rate `degrade` lowers a stream to (default 0.2 frames/s). */
  readonly minimumFps?: number;
  /**
   * Worker threads hashing the streams' frames (`FrameHashPool`; default one per core,
   * `defaultFrameHashWorkers`); 0 hashes on the main thread, as before the pool.
   */
  readonly hashWorkers?: number;
  /**
   * Views off by default that every watched stream hashes too (`extraFrameViews`: `small-insets`,
   * `off-centre`, `corners`; default none). `corners` is what a bank created with
   * `videoViews: ["corners"]` needs to find a stream scaled down under an overlay. Each costs CPU
   * per sampled frame, and the budget measured here counts it.
   */
  readonly extraViews?: readonly ExtraFrameView[];
  /** One `media.matched` event per banked item per stream per this many milliseconds (default 60 s). */
  readonly cooldownMs?: number;
  readonly reconnect?: Partial<ReconnectPolicy>;
  readonly stallTimeoutSeconds?: number;
  /** ffmpeg input options of every stream's decoder (default `streamDecoderOptions`; see `StreamWatcherOptions.decoderOptions`). */
  readonly decoderOptions?: readonly string[];
  /** Finished streams kept for `GET /v1/streams` (default 100, newest kept). */
  readonly keepFinished?: number;
  /** Evidence preservation of matched frames; absent (the default): frames are never stored. */
  readonly evidence?: EvidenceVault;
  /** Where reconnects, ended streams and lost match events are reported (absent: nowhere). */
  readonly logger?: Logger;
}

/** What the manager needs from the rest of Prevail, plus its settings. */
export interface StreamManagerOptions extends StreamSettings {
  readonly matcher: FrameMatcher;
  /** Where `media.matched` events go (the signals engine; absent: none are sent). */
  readonly sink?: MatchEventSink;
  /** Injectable for tests: the frame reader (default `readFrames` of `src/video`) and hasher. */
  readonly readFrames?: FrameSource;
  readonly hashFrame?: FrameHasher;
}

/** What `POST /v1/streams` asks for. */
export interface StartStreamRequest {
  readonly url: string;
  /** Frames per second to sample (default 1, at most 30). */
  readonly fps?: number;
  readonly entities?: StreamEntities;
  /** Only these banks (default every bank). */
  readonly banks?: readonly string[];
}

/** The budget and how much of it is in use. */
export interface StreamBudgetStatus extends FrameBudget {
  /** Frames per second the active streams asked for. */
  readonly requestedFps: number;
  /** Frames per second the active streams are given (below `requestedFps` only when degraded). */
  readonly allocatedFps: number;
  readonly activeStreams: number;
  /**
   * The views every stream hashes besides the defaults (`StreamManagerOptions.extraViews`, in the
   * order given, each once), which the measured budget counts: empty when none were turned on.
   */
  readonly extraViews: readonly ExtraFrameView[];
}

const entityIdPattern = /^[^\s:][^\s]{0,199}$/;

/**
 * Starts, stops and lists stream watchers under one CPU budget (see `FrameBudget` for the policy).
 * Every watcher hashes its frames in one shared `FrameHashPool` (worker threads, one per core by
 * default, each stream's frames in order, streams served round robin; `hashWorkers: 0`: on the
 * main thread), every stream with the same views (the defaults and `extraViews`, which the
 * measured budget counts), and sends matches to the same signals engine.
 *
 * Invariants: the sum of the rates given to active watchers never exceeds the budget; a refused
 * stream changes nothing; after `close()` resolves, no watcher runs and no ffmpeg or hashing worker
 * is left.
 *
 * @example
 * const streams = new StreamManager({ matcher, sink: engineMatchSink(engine) });
 * const status = await streams.start({ url: 'rtmp://media.example.org/live/abc', fps: 1 });
 * await streams.stop(status.id);
 */
export class StreamManager {
  readonly #options: StreamManagerOptions;
  readonly #policy: StreamSourcePolicy;
  readonly #watchers = new Map<string, StreamWatcher>();
  readonly #listeners = new Set<(id: string, event: StreamWatchEvent) => void>();
  #budget: FrameBudget | undefined;
  /** Where frames are hashed: absent when `hashWorkers` is 0 or a `hashFrame` was given. */
  readonly #pool: FrameHashPool | undefined;
  /** The views every stream hashes: the defaults and `extraViews`. */
  readonly #views: FrameViewOptions;
  /** `extraViews` as checked: each once, in the order given. */
  readonly #extraViews: readonly ExtraFrameView[];
  #closing = false;

  constructor(options: StreamManagerOptions) {
    this.#options = options;
    this.#policy = { ...defaultStreamSourcePolicy, ...definedOnly(options.policy ?? {}) };
    const { maxFramesPerSecond, minimumFps } = options;
    if (maxFramesPerSecond !== undefined && !(maxFramesPerSecond > 0)) {
      throw new EngineError(
        'CONFIG_INVALID',
        `maxFramesPerSecond must be a positive number, got ${maxFramesPerSecond}`,
      );
    }
    if (minimumFps !== undefined && !(minimumFps > 0)) {
      throw new EngineError('CONFIG_INVALID', `minimumFps must be a positive number, got ${minimumFps}`);
    }
    this.#extraViews = checkExtraFrameViews(options.extraViews ?? [], 'extraViews');
    this.#views = frameViewsWith(this.#extraViews);
    const workers = options.hashWorkers ?? defaultFrameHashWorkers();
    if (!Number.isSafeInteger(workers) || workers < 0) {
      throw new EngineError('CONFIG_INVALID', `hashWorkers must be an integer ≥ 0, got ${workers}`);
    }
    // Workers start on demand: a manager that never watches starts no thread.
    this.#pool =
      workers > 0 && options.hashFrame === undefined
        ? new FrameHashPool({
            workers,
            views: this.#views,
            ...(options.logger !== undefined ? { logger: options.logger } : {}),
          })
        : undefined;
  }

  /** The frame hashing pool's figures, or `undefined` when frames are hashed on the main thread. */
  hashPool(): FrameHashPoolStats | undefined {
    return this.#pool?.stats();
  }

  /** The source policy in force. */
  get policy(): StreamSourcePolicy {
    return this.#policy;
  }

  /** The budget (measured on first use when not configured) and its use. */
  budget(): StreamBudgetStatus {
    const budget = this.#frameBudget();
    const active = this.#active();
    return {
      ...budget,
      requestedFps: round(active.reduce((sum, watcher) => sum + watcher.requestedFps, 0)),
      allocatedFps: round(active.reduce((sum, watcher) => sum + watcher.status().fps, 0)),
      activeStreams: active.length,
      extraViews: [...this.#extraViews],
    };
  }

  /**
   * Starts watching a stream and returns its first status.
   *
   * @throws EngineError `REQUEST_INVALID` (bad fps or entity id), `URL_INVALID` /
   *   `URL_HOST_NOT_ALLOWED` / `URL_FETCH_FAILED` (the source policy), `STREAM_BUDGET_EXCEEDED`
   *   (the stream does not fit the CPU budget, or the manager is shutting down).
   */
  async start(request: StartStreamRequest): Promise<StreamStatus> {
    const fps = request.fps ?? 1;
    if (typeof fps !== 'number' || !Number.isFinite(fps) || fps <= 0 || fps > 30) {
      throw new EngineError('REQUEST_INVALID', `fps must be a number in (0, 30], got ${String(fps)}`);
    }
    for (const [role, id] of Object.entries(request.entities ?? {})) {
      if (typeof id !== 'string' || !entityIdPattern.test(id)) {
        throw new EngineError(
          'REQUEST_INVALID',
          `entities.${role}: entity ids are 1-200 characters without spaces, not starting with ":"`,
        );
      }
    }
    const source = await checkStreamSource(request.url, this.#policy);
    // Checked after the (asynchronous) source check, so that concurrent starts cannot both fit.
    if (this.#closing) throw new EngineError('STREAM_BUDGET_EXCEEDED', 'stream watching is shutting down');
    const allocation = this.#fit(fps);
    const id = randomUUID();
    const watcher = new StreamWatcher({
      id,
      source,
      fps,
      matcher: this.#options.matcher,
      readFrames: this.#options.readFrames ?? readFrames,
      // One hasher per stream: the moving region keeps state.
      hashFrame: this.#options.hashFrame ?? this.#pool?.hasherFor(id) ?? frameHasher(this.#views),
      ...(this.#options.sink !== undefined ? { sink: this.#options.sink } : {}),
      ...(this.#options.evidence !== undefined ? { evidence: this.#options.evidence } : {}),
      ...(this.#options.logger !== undefined ? { logger: this.#options.logger.child({ stream: id }) } : {}),
      ...(request.entities !== undefined ? { entities: request.entities } : {}),
      ...(request.banks !== undefined ? { banks: request.banks } : {}),
      ...(this.#options.cooldownMs !== undefined ? { cooldownMs: this.#options.cooldownMs } : {}),
      ...(this.#options.reconnect !== undefined ? { reconnect: this.#options.reconnect } : {}),
      ...(this.#options.stallTimeoutSeconds !== undefined
        ? { stallTimeoutSeconds: this.#options.stallTimeoutSeconds }
        : {}),
      ...(this.#options.decoderOptions !== undefined ? { decoderOptions: this.#options.decoderOptions } : {}),
    });
    const active = this.#active();
    this.#watchers.set(id, watcher);
    active.forEach((other, index) => {
      other.setFps(allocation[index] ?? other.requestedFps);
    });
    watcher.setFps(allocation[active.length] ?? fps);
    watcher.subscribe((event) => {
      if (event.type === 'reconnect') this.#options.logger?.warn({ stream: id, ...event }, 'stream reconnecting');
      if (event.type === 'ended') {
        const { lastError } = watcher.status();
        const level = event.state === 'failed' ? 'warn' : 'info';
        this.#options.logger?.[level]({ stream: id, ...event, lastError }, 'stream ended');
      }
      for (const listener of this.#listeners) listener(id, event);
      if (event.type === 'ended') this.#rebalance();
    });
    watcher.start();
    this.#prune();
    return watcher.status();
  }

  /**
   * Stops a stream (ffmpeg is gone when this resolves) and returns its final status. Stopping a
   * finished stream returns its status unchanged.
   *
   * @throws EngineError `STREAM_NOT_FOUND`.
   */
  async stop(id: string): Promise<StreamStatus> {
    return this.#watcher(id).stop('stopped by request');
  }

  /** @throws EngineError `STREAM_NOT_FOUND`. */
  get(id: string): StreamStatus {
    return this.#watcher(id).status();
  }

  /** Every known stream: active ones first, then finished ones, each oldest first. */
  list(): StreamStatus[] {
    const statuses = [...this.#watchers.values()].map((watcher) => watcher.status());
    return [
      ...statuses.filter((status) => !isFinalState(status.state)),
      ...statuses.filter((status) => isFinalState(status.state)),
    ];
  }

  /** Registers a listener for every watcher's events; returns the function that removes it. */
  subscribe(listener: (id: string, event: StreamWatchEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops every watcher and refuses new ones; resolves once every ffmpeg and hashing worker is gone. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#watchers.values()].map((watcher) => watcher.stop('shutdown')));
    await this.#pool?.close();
  }

  /** The rates every active stream gets with one more stream at `fps`, new stream last. */
  #fit(fps: number): number[] {
    const budget = this.#frameBudget();
    const requested = [...this.#active().map((watcher) => watcher.requestedFps), fps];
    const total = requested.reduce((sum, value) => sum + value, 0);
    if (total <= budget.maxFramesPerSecond + 1e-9) return requested;
    const inUse = round(total - fps);
    const advice =
      budget.overload === 'refuse'
        ? "stop a stream, ask for fewer frames per second, raise maxFramesPerSecond, or choose overload 'degrade'"
        : `even at ${budget.minimumFps} frames/s per stream the streams do not fit; stop a stream or raise maxFramesPerSecond`;
    const refusal = new EngineError(
      'STREAM_BUDGET_EXCEEDED',
      `the stream needs ${fps} frames/s but ${inUse} of the budget of ${budget.maxFramesPerSecond} frames/s are in use by ${requested.length - 1} stream(s): ${advice}`,
    );
    if (budget.overload === 'refuse') throw refusal;
    const allocation = allocateFps(requested, budget.maxFramesPerSecond, budget.minimumFps);
    if (allocation === undefined) throw refusal;
    return allocation;
  }

  /** Gives the active streams their fair rates again (after one ended: the others may get more). */
  #rebalance(): void {
    const active = this.#active();
    const budget = this.#frameBudget();
    const allocation =
      allocateFps(
        active.map((watcher) => watcher.requestedFps),
        budget.maxFramesPerSecond,
        budget.minimumFps,
      ) ?? [];
    active.forEach((watcher, index) => {
      watcher.setFps(allocation[index] ?? watcher.requestedFps);
    });
  }

  #frameBudget(): FrameBudget {
    this.#budget ??= {
      maxFramesPerSecond:
        this.#options.maxFramesPerSecond ??
        // A sampled frame costs its views (every watcher and pool worker hashes the same views: the
        // defaults and the extra views turned on), decoding is counted in single hashes.
        estimateFramesPerSecond(
          measureFrameCost(),
          undefined,
          this.#pool?.workers ?? 0,
          measureViewsCost(this.#views).milliseconds,
        ),
      overload: this.#options.overload ?? 'refuse',
      minimumFps: this.#options.minimumFps ?? 0.2,
    };
    return this.#budget;
  }

  #active(): StreamWatcher[] {
    return [...this.#watchers.values()].filter((watcher) => !isFinalState(watcher.state));
  }

  /** Forgets the oldest finished watchers beyond `keepFinished`. */
  #prune(): void {
    const finished = [...this.#watchers.values()].filter((watcher) => isFinalState(watcher.state));
    const excess = finished.length - (this.#options.keepFinished ?? 100);
    for (const watcher of finished.slice(0, Math.max(0, excess))) this.#watchers.delete(watcher.id);
  }

  #watcher(id: string): StreamWatcher {
    const watcher = this.#watchers.get(id);
    if (watcher === undefined) throw new EngineError('STREAM_NOT_FOUND', `no stream has the id ${id}`);
    return watcher;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
