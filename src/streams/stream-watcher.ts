import { startEgressProxy } from '../content/index.js';
import { EngineError, toEngineError } from '../core/index.js';
import type { EvidenceVault } from '../evidence/index.js';
import type { Logger } from '../logging/index.js';
import type { Match } from '../matching/index.js';
import { pdqQualityThreshold } from '../signals/index.js';
import type { VideoFrame } from '../video/index.js';
import { preserveMatchedFrame } from './frame-evidence.js';
import { hashVideoFrame } from './frame-hash.js';
import { MatchCooldown } from './match-cooldown.js';
import { mediaMatchedEvent } from './match-events.js';
import { ReconnectBackoff, type ReconnectPolicy, reconnectPolicy } from './reconnect-backoff.js';
import { type CheckedSource, redactUrl } from './source-policy.js';
import type {
  FrameHasher,
  FrameMatch,
  FrameMatcher,
  FrameSource,
  MatchEventSink,
  StreamEntities,
  StreamState,
  StreamStatus,
  StreamWatchEvent,
} from './stream-types.js';

/** What a watcher watches and where its results go. */
export interface StreamWatcherOptions {
  /** The watcher's id (also the `stream` entity unless `entities.stream` is given). */
  readonly id: string;
  /** The checked source (see `checkStreamSource`). */
  readonly source: CheckedSource;
  /** Frames per second to sample (default 1). */
  readonly fps?: number;
  readonly matcher: FrameMatcher;
  /** Only these banks (default every bank). */
  readonly banks?: readonly string[];
  /** Where `media.matched` events go (absent: matches are only reported to listeners). */
  readonly sink?: MatchEventSink;
  /** Where a `media.matched` event the sink refused or failed to take is reported. */
  readonly logger?: Logger;
  readonly entities?: StreamEntities;
  /** One `media.matched` event per banked item per this many milliseconds (default 60 s). */
  readonly cooldownMs?: number;
  readonly reconnect?: Partial<ReconnectPolicy>;
  /** ffmpeg is stopped (and the source reconnected) after this long without a frame (default max(10, 3/fps) s). */
  readonly stallTimeoutSeconds?: number;
  /**
   * A sampled frame that arrives more than this many seconds later than its place in the stream's
   * timeline (measured against the earliest-arriving frame so far) is dropped unhashed so that the
   * watcher catches up with the live edge instead of falling further behind (default 5 s). Not
   * applied to files read faster than real time.
   */
  readonly maxLagSeconds?: number;
  /** Read files at their native speed (`-re`), as if live. */
  readonly realtime?: boolean;
  /** The frame reader: `readFrames` of `src/video` (a fake in unit tests). */
  readonly readFrames: FrameSource;
  readonly hashFrame?: FrameHasher;
  /**
   * Evidence preservation, off unless given: each frame that sends a `media.matched` event (once
   * per banked item per cooldown) is kept encrypted in this vault, audited. Otherwise frames are
   * never stored.
   */
  readonly evidence?: EvidenceVault;
  /** Clock and randomness, injectable for tests. */
  readonly now?: () => number;
  readonly random?: () => number;
}

/** Errors that no reconnect can fix. */
const permanentCodes = new Set(['VIDEO_DECODER_MISSING', 'CONFIG_INVALID', 'URL_INVALID', 'URL_HOST_NOT_ALLOWED']);

/**
 * Watches one source: samples frames with ffmpeg (`readFrames`, N fps), hashes each with PDQ,
 * looks frames of quality ≥ 50 up in the banks, and reports every frame, match, reconnect and
 * the end to its listeners. A frame that matches sends one `media.matched` event into the signals
 * engine at once — at most one per banked item per cooldown window, so a scene that stays on
 * screen does not flood the engine (or trip the matcher's flood protection, which counts such an
 * item once per window too).
 *
 * Frames are never stored: each is hashed from ffmpeg's pipe buffer and forgotten; only hashes
 * and match results leave the watcher. (Evidence preservation of stream frames is not built.)
 *
 * Life: `connecting` → `running` ⇄ `reconnecting` → `ended` | `failed` | `stopped`. Live sources
 * that drop or stall are reopened with exponential backoff (`ReconnectPolicy`). Invariant: once
 * `finished` resolves, ffmpeg is gone.
 *
 * @example
 * const watcher = new StreamWatcher({ id, source, matcher, sink, readFrames });
 * watcher.subscribe((event) => console.log(event));
 * watcher.start();
 * await watcher.finished;
 */
export class StreamWatcher {
  readonly id: string;
  readonly #options: StreamWatcherOptions;
  readonly #policy: ReconnectPolicy;
  readonly #cooldown: MatchCooldown;
  readonly #listeners = new Set<(event: StreamWatchEvent) => void>();
  readonly #now: () => number;
  readonly #hash: FrameHasher;
  readonly #requestedFps: number;
  readonly #entities: { stream: string; user?: string };
  readonly #startedAt: string;
  #fps: number;
  #state: StreamState = 'connecting';
  #endedAt: string | null = null;
  #framesReceived = 0;
  #framesSampled = 0;
  #framesDropped = 0;
  #lastFrameAt: string | null = null;
  #matches = 0;
  #events = 0;
  #preserved = 0;
  #reconnects = 0;
  #lastError: string | null = null;
  /** Stream time of the last frame received, and the offset added to the reader's timestamps. */
  #lastT = 0;
  #offset = 0;
  #nextDueT = 0;
  #started = false;
  #stopReason: string | undefined;
  #session: AbortController | undefined;
  /** The first hop the checked proxy refused: the watcher fails with it (a policy breach is not retried). */
  #refusal: EngineError | undefined;
  #wake: (() => void) | undefined;
  readonly #finished: Promise<StreamStatus>;
  #finish: (status: StreamStatus) => void = () => {};

  constructor(options: StreamWatcherOptions) {
    const fps = options.fps ?? 1;
    if (!Number.isFinite(fps) || fps <= 0 || fps > 30) {
      throw new EngineError('REQUEST_INVALID', `fps must be a number in (0, 30], got ${fps}`);
    }
    this.id = options.id;
    this.#options = options;
    this.#requestedFps = fps;
    this.#fps = fps;
    this.#policy = reconnectPolicy(options.reconnect);
    this.#cooldown = new MatchCooldown(options.cooldownMs ?? 60_000);
    this.#now = options.now ?? Date.now;
    this.#hash = options.hashFrame ?? hashVideoFrame;
    this.#entities = {
      stream: options.entities?.stream ?? options.id,
      ...(options.entities?.user !== undefined ? { user: options.entities.user } : {}),
    };
    this.#startedAt = new Date(this.#now()).toISOString();
    this.#finished = new Promise((resolve) => {
      this.#finish = resolve;
    });
  }

  /** Resolves with the final status once the watcher has finished and ffmpeg is gone. */
  get finished(): Promise<StreamStatus> {
    return this.#finished;
  }

  /** Frames per second asked for when the watcher was started. */
  get requestedFps(): number {
    return this.#requestedFps;
  }

  get state(): StreamState {
    return this.#state;
  }

  /** Starts watching (once; later calls do nothing). */
  start(): this {
    if (this.#started) return this;
    this.#started = true;
    void this.#run().then(
      () => this.#finish(this.status()),
      (error: unknown) => {
        this.#lastError = describeError(error);
        this.#end('failed', `internal error: ${describeError(error)}`);
        this.#finish(this.status());
      },
    );
    return this;
  }

  /**
   * Stops watching: kills ffmpeg, cancels a pending reconnect, and resolves with the final status
   * once ffmpeg is gone. Stopping a finished watcher returns its final status unchanged.
   */
  async stop(reason = 'stopped'): Promise<StreamStatus> {
    if (!this.#started) {
      this.#started = true;
      this.#stopReason = reason;
      this.#end('stopped', reason);
      this.#finish(this.status());
      return this.#finished;
    }
    this.#stopReason ??= reason;
    this.#session?.abort();
    this.#wake?.();
    return this.#finished;
  }

  /**
   * Sets the frames per second actually hashed (the CPU budget lowers it under overload, and
   * restores it). ffmpeg keeps sampling at the requested rate; the watcher hashes a subset.
   */
  setFps(fps: number): void {
    this.#fps = Math.min(this.#requestedFps, Math.max(fps, Number.MIN_VALUE));
  }

  /** Registers a listener for every event; returns the function that removes it. */
  subscribe(listener: (event: StreamWatchEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  status(): StreamStatus {
    return {
      id: this.id,
      url: redactUrl(this.#options.source.source),
      kind: this.#options.source.kind,
      state: this.#state,
      requestedFps: this.#requestedFps,
      fps: round(this.#fps),
      degraded: this.#fps < this.#requestedFps,
      entities: this.#entities,
      startedAt: this.#startedAt,
      endedAt: this.#endedAt,
      framesSampled: this.#framesSampled,
      framesDropped: this.#framesDropped,
      lastFrameAt: this.#lastFrameAt,
      matches: this.#matches,
      events: this.#events,
      framesPreserved: this.#preserved,
      reconnects: this.#reconnects,
      lastError: this.#lastError,
    };
  }

  /**
   * Runs the watch; a network source is read through a checked proxy (`startEgressProxy`) for the
   * watcher's whole life, so that every redirect, playlist and segment ffmpeg fetches passes the
   * source policy. A refused hop stops ffmpeg at once and fails the watcher with that error.
   */
  async #run(): Promise<void> {
    const { egress } = this.#options.source;
    if (egress === undefined) return this.#watch(undefined);
    const proxy = await startEgressProxy(egress, {
      onRefused: (error) => {
        this.#refusal ??= error;
        this.#session?.abort();
      },
    });
    try {
      await this.#watch(proxy.url);
    } finally {
      await proxy.close();
    }
  }

  async #watch(httpProxy: string | undefined): Promise<void> {
    const { source } = this.#options;
    const backoff = new ReconnectBackoff(this.#policy, this.#options.random);
    const stallTimeoutSeconds = this.#options.stallTimeoutSeconds ?? Math.max(10, 3 / this.#requestedFps);
    for (;;) {
      const session = new AbortController();
      this.#session = session;
      const clock = { anchor: Number.POSITIVE_INFINITY, firstFrameAt: 0, frames: 0 };
      let failure: EngineError | undefined;
      try {
        if (this.#stopReason !== undefined) break;
        const frames = this.#options.readFrames(source.source, {
          fps: this.#requestedFps,
          signal: session.signal,
          inputOptions: source.inputOptions,
          stallTimeoutSeconds,
          lowLatency: true,
          ...(httpProxy !== undefined ? { httpProxy } : {}),
          ...(this.#options.realtime === true ? { realtime: true } : {}),
        });
        for await (const frame of frames) {
          if (this.#stopReason !== undefined) break;
          const nowMs = this.#now();
          if (clock.frames === 0) {
            clock.firstFrameAt = nowMs;
            this.#setState('running');
          }
          clock.frames += 1;
          await this.#onFrame(frame, nowMs, clock);
          backoff.healthySince(clock.firstFrameAt, this.#now());
        }
      } catch (error) {
        failure = toEngineError(error);
        this.#lastError = describeError(failure);
      }
      if (this.#refusal !== undefined) {
        this.#lastError = describeError(this.#refusal);
        this.#end('failed', describeError(this.#refusal));
        return;
      }
      if (this.#stopReason !== undefined) break;
      if (clock.frames > 0) this.#offset = this.#lastT + 1 / this.#requestedFps;
      const cleanEnd = failure === undefined;
      if (cleanEnd && source.kind !== 'live') {
        this.#end('ended', source.kind === 'file' ? 'end of file' : 'end of playlist');
        return;
      }
      if (failure !== undefined && (source.kind === 'file' || permanentCodes.has(failure.code))) {
        this.#end('failed', describeError(failure));
        return;
      }
      const why = failure === undefined ? 'the stream ended' : describeError(failure);
      if (backoff.exhausted) {
        const attempts = `after ${this.#policy.maxReconnects} reconnect attempt${this.#policy.maxReconnects === 1 ? '' : 's'}`;
        if (this.#framesReceived > 0)
          this.#end('ended', `the stream stopped (${why}) and did not come back ${attempts}`);
        else this.#end('failed', `no frame received ${attempts}: ${why}`);
        return;
      }
      const delayMs = backoff.nextDelay();
      this.#reconnects += 1;
      this.#setState('reconnecting');
      this.#emit({ type: 'reconnect', t: round(this.#lastT), attempt: backoff.attempts, delayMs, reason: why });
      await this.#sleep(delayMs);
      if (this.#stopReason !== undefined) break;
    }
    this.#end('stopped', this.#stopReason ?? 'stopped');
  }

  async #onFrame(
    frame: VideoFrame,
    nowMs: number,
    clock: { anchor: number; firstFrameAt: number; frames: number },
  ): Promise<void> {
    this.#framesReceived += 1;
    const t = this.#offset + frame.timestamp;
    this.#lastT = t;
    const paced = this.#options.source.kind !== 'file' || this.#options.realtime === true;
    if (paced) {
      // How much later than the earliest-arriving frame (relative to its timestamp) this one came.
      clock.anchor = Math.min(clock.anchor, nowMs - frame.timestamp * 1000);
      const lagMs = nowMs - frame.timestamp * 1000 - clock.anchor;
      if (lagMs > (this.#options.maxLagSeconds ?? 5) * 1000) {
        this.#framesDropped += 1;
        return;
      }
    }
    if (this.#fps < this.#requestedFps) {
      // Degraded: hash only every (requested / allowed)-th sampled frame, by stream time.
      if (t + 0.5 / this.#requestedFps < this.#nextDueT) return;
      this.#nextDueT = t + 1 / this.#fps;
    }
    const { hash, quality } = this.#hash(frame);
    this.#framesSampled += 1;
    this.#lastFrameAt = new Date(nowMs).toISOString();
    if (quality < pdqQualityThreshold) {
      this.#emit({ type: 'frame', t: round(t), index: frame.index, quality, pdq: hash, matched: false });
      return;
    }
    let matches: readonly Match[];
    try {
      matches = await this.#lookUp(hash, quality, nowMs);
    } catch (error) {
      this.#lastError = describeError(error);
      this.#emit({ type: 'frame', t: round(t), index: frame.index, quality, pdq: hash, matched: false });
      return;
    }
    this.#emit({ type: 'frame', t: round(t), index: frame.index, quality, pdq: hash, matched: matches.length > 0 });
    if (matches.length === 0) return;
    this.#matches += 1;
    const frameMatches = matches.map(frameMatch);
    const fresh = frameMatches.filter((match) => this.#cooldown.admit(match.contentId, nowMs));
    let eventId: string | null = null;
    if (fresh.length > 0 && this.#options.sink !== undefined) {
      const event = mediaMatchedEvent({
        entities: this.#entities,
        matches: fresh,
        pdq: hash,
        frameTimestamp: t,
        time: new Date(nowMs),
      });
      try {
        const result = await this.#options.sink(event);
        if (result?.status === 'rejected') {
          this.#lastError = `EVENT_INVALID: ${result.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`;
          this.#options.logger?.error({ eventId: event.id, problems: result.problems }, 'media.matched event refused');
        } else {
          eventId = event.id;
          this.#events += 1;
        }
      } catch (error) {
        this.#lastError = describeError(error);
        this.#options.logger?.error({ err: error, eventId: event.id }, 'media.matched event not delivered');
      }
    }
    if (fresh.length > 0 && this.#options.evidence !== undefined) {
      try {
        await preserveMatchedFrame(this.#options.evidence, frame, {
          streamEntity: this.#entities.stream,
          t: round(t),
          matches: fresh,
          eventId,
        });
        this.#preserved += 1;
      } catch (error) {
        this.#lastError = describeError(error);
      }
    }
    this.#emit({
      type: 'match',
      t: round(t),
      at: new Date(nowMs).toISOString(),
      index: frame.index,
      quality,
      pdq: hash,
      matches: frameMatches,
      event: eventId,
    });
  }

  /**
   * Looks the hash up without counting it for flood protection; when an item is outside its
   * cooldown window, looks it up once more, counted, so that flood protection sees each banked
   * item once per window per stream (a scene on screen for minutes is one sighting, not hundreds).
   */
  async #lookUp(hash: string, quality: number, nowMs: number): Promise<readonly Match[]> {
    const query = { signals: { pdq: hash }, pdqQuality: quality };
    const banks = this.#options.banks !== undefined ? { banks: this.#options.banks } : {};
    const outcome = await this.#options.matcher.match(query, { ...banks, countForFlood: false });
    if (!outcome.matches.some((match) => !this.#cooldown.isCooling(match.contentId, nowMs))) return outcome.matches;
    return (await this.#options.matcher.match(query, banks)).matches;
  }

  #setState(state: StreamState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#emit({ type: 'state', t: round(this.#lastT), state });
  }

  #end(state: 'ended' | 'failed' | 'stopped', reason: string): void {
    this.#endedAt = new Date(this.#now()).toISOString();
    this.#setState(state);
    this.#emit({
      type: 'ended',
      t: round(this.#lastT),
      state,
      reason,
      frames: this.#framesSampled,
      dropped: this.#framesDropped,
      matches: this.#matches,
      reconnects: this.#reconnects,
    });
  }

  #emit(event: StreamWatchEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not stop the watcher.
      }
    }
  }

  /** Waits `ms`, or less when `stop()` is called. */
  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    }).finally(() => {
      this.#wake = undefined;
    });
  }
}

function frameMatch(match: Match): FrameMatch {
  return {
    bank: match.bank,
    contentId: match.contentId,
    signalType: match.signalType,
    distance: match.distance,
    matchedValue: match.matchedValue,
    category: match.provenance.category,
    source: match.provenance.source,
    externalId: match.provenance.externalId,
  };
}

function describeError(error: unknown): string {
  const engineError = toEngineError(error);
  return `${engineError.code}: ${engineError.message}`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
