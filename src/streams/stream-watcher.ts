import { startEgressProxy } from '../content/index.js';
import { EngineError, toEngineError } from '../core/index.js';
import type { EvidenceVault } from '../evidence/index.js';
import type { Logger } from '../logging/index.js';
import { FramePipeline } from './frame-pipeline.js';
import { defaultFrameViews, frameHasher } from './frame-views.js';
import { ReconnectBackoff, type ReconnectPolicy, reconnectPolicy } from './reconnect-backoff.js';
import { type CheckedSource, fastStartOptions, redactUrl } from './source-policy.js';
import type {
  FrameHasher,
  FrameMatcher,
  FrameSource,
  MatchEventSink,
  StreamEntities,
  StreamState,
  StreamStatus,
  StreamWatchEvent,
} from './stream-types.js';
import { describeError, roundToMs } from './watch-values.js';

/**
 * The default ffmpeg input options of a watched stream's decoder (`StreamWatcherOptions.decoderOptions`
 * replaces them):
 *
 * - `-threads 1`: one decoding thread. A watcher decodes its stream and a server runs many
 *   streams, so the parallelism is in the streams, one ffmpeg each; ffmpeg's default frame
 *   threading spends more CPU on the same frames and holds frames back by one per thread (64 ms of
 *   ffmpeg CPU per stream-second against 66 ms, every sampled frame bit-identical).
 * - `-skip_frame noref`: frames that no other frame is predicted from (the non-reference B-frames
 *   of an H.264 or HEVC stream, which OBS and most RTMP encoders send, 2 between reference
 *   frames) are not decoded at all. Every frame still decoded is bit-identical to a full decode,
 *   since no kept frame depends on a skipped one; what changes is which frame of each second the
 *   1 fps sampler takes: the first decoded frame of the second, a reference frame at most a few
 *   frame intervals later, with its own presentation timestamp (stream time stays true). A stream
 *   without B-frames (`-tune zerolatency`, video calls) has no non-reference frames and is decoded
 *   as before. Measured (`npm run bench -- stream-cost`, docs/streams.md "Cost per stream"):
 *   ffmpeg's CPU for a 720p25 stream with 2 B-frames 63 → 43 ms per stream-second (1.47×; the
 *   shared vPDQ samples 1.0–1.6×), every sampled frame a frame of a full decode, bit for bit; banks
 *   keep every distinct frame (`vpdq_dense`), so any frame of the second matches, and
 *   `stream-quality` on B-frame streams matched 49 of 56 either way.
 *
 * Not adopted, measured in the same bench: skipping the deblocking filter (`-skip_loop_filter`,
 * 0–10 % less CPU, but the pixels of later frames drift until the next keyframe: sampled frames
 * up to 4–10 PDQ bits from a full decode), `-skip_frame bidir` (also skips B-frames that others
 * may reference: what is predicted from them then decodes wrong), `-flags2 fast` and `-skip_idct`
 * (nothing measurable for H.264), gray or scaled output from ffmpeg (not the same pixels, no
 * saving in ffmpeg).
 */
export const streamDecoderOptions: readonly string[] = ['-threads', '1', '-skip_frame', 'noref'];

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
  /**
   * ffmpeg input options of the stream's decoder, before the source's own (default
   * `streamDecoderOptions`: one decoding thread, non-reference frames skipped). Give `['-threads',
   * '1']` to decode every frame, for instance for a source whose encoder marks all but its
   * keyframes as non-reference frames, so that the 1 fps sampler would see only the keyframes.
   */
  readonly decoderOptions?: readonly string[];
  /** Read files at their native speed (`-re`), as if live. */
  readonly realtime?: boolean;
  /** The frame reader: `readFrames` of `src/video` (a fake in unit tests). */
  readonly readFrames: FrameSource;
  /**
   * How frames are hashed (default `frameHasher(defaultFrameViews)`, one per watcher: the whole
   * frame, the picture inside its uniform borders and the region that moves, each with its
   * dihedral variants; `hashVideoFrame` for the whole frame alone).
   */
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
 * Watches one source — its lifecycle: opens it with ffmpeg (`readFrames`, N fps), through the
 * checked egress proxy for a network source; keeps the stream clock (`t`, continued across
 * reconnects); reconnects a live source that drops or stalls, with exponential backoff
 * (`ReconnectPolicy`); stops on request; and reports every state change, reconnect and the end to
 * its listeners. What happens to each frame — hashing, matching, the cooldown, the
 * `media.matched` event, evidence — is the `FramePipeline`'s (see there); its `frame` and `match`
 * events reach the same listeners.
 *
 * Frames are never stored unless evidence preservation is on (`evidence`): then each frame that
 * sends a `media.matched` event is kept encrypted in the vault, audited.
 *
 * Life: `connecting` → `running` ⇄ `reconnecting` → `ended` | `failed` | `stopped`. Invariant: once
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
  readonly #listeners = new Set<(event: StreamWatchEvent) => void>();
  readonly #now: () => number;
  readonly #requestedFps: number;
  readonly #entities: { stream: string; user?: string };
  readonly #startedAt: string;
  readonly #pipeline: FramePipeline;
  #state: StreamState = 'connecting';
  #endedAt: string | null = null;
  #framesReceived = 0;
  #reconnects = 0;
  #lastError: string | null = null;
  /**
   * Stream time of the last frame received, and the offset added to this connection's
   * presentation timestamps. The first connection's timestamps are stream time as they are; a
   * reconnection's first frame is placed one sampling period after the last frame before it
   * (`#resumeAt`), whatever the new connection's clock starts at (0 for most servers).
   */
  #lastT = 0;
  #offset = 0;
  #resumeAt: number | undefined;
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
    this.#policy = reconnectPolicy(options.reconnect);
    this.#now = options.now ?? Date.now;
    this.#entities = {
      stream: options.entities?.stream ?? options.id,
      ...(options.entities?.user !== undefined ? { user: options.entities.user } : {}),
    };
    this.#pipeline = new FramePipeline({
      kind: options.source.kind,
      realtime: options.realtime === true,
      requestedFps: fps,
      matcher: options.matcher,
      ...(options.banks !== undefined ? { banks: options.banks } : {}),
      ...(options.sink !== undefined ? { sink: options.sink } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      entities: this.#entities,
      cooldownMs: options.cooldownMs ?? 60_000,
      maxLagSeconds: options.maxLagSeconds ?? 5,
      hashFrame: options.hashFrame ?? frameHasher(defaultFrameViews),
      ...(options.evidence !== undefined ? { evidence: options.evidence } : {}),
      emit: (event) => this.#emit(event),
      onError: (description) => {
        this.#lastError = description;
      },
    });
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
   * restores it). ffmpeg keeps sampling at the requested rate; the pipeline hashes a subset.
   */
  setFps(fps: number): void {
    this.#pipeline.setFps(fps);
  }

  /** Registers a listener for every event; returns the function that removes it. */
  subscribe(listener: (event: StreamWatchEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  status(): StreamStatus {
    const counts = this.#pipeline.counts;
    const fps = this.#pipeline.fps;
    return {
      id: this.id,
      url: redactUrl(this.#options.source.source),
      kind: this.#options.source.kind,
      state: this.#state,
      requestedFps: this.#requestedFps,
      fps: roundToMs(fps),
      degraded: fps < this.#requestedFps,
      entities: this.#entities,
      startedAt: this.#startedAt,
      endedAt: this.#endedAt,
      framesSampled: counts.framesSampled,
      framesDropped: counts.framesDropped,
      lastFrameAt: counts.lastFrameAt,
      matches: counts.matches,
      events: counts.events,
      framesPreserved: counts.framesPreserved,
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
    const decoderOptions = this.#options.decoderOptions ?? streamDecoderOptions;
    for (;;) {
      const session = new AbortController();
      this.#session = session;
      const clock = { firstFrameAt: 0, frames: 0, lastTimestamp: 0 };
      this.#pipeline.startSession();
      let failure: EngineError | undefined;
      try {
        if (this.#stopReason !== undefined) break;
        const frames = this.#options.readFrames(source.source, {
          fps: this.#requestedFps,
          signal: session.signal,
          inputOptions: [...decoderOptions, ...fastStartOptions(source.source), ...source.inputOptions],
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
            if (this.#resumeAt !== undefined) this.#offset = this.#resumeAt - frame.timestamp;
            this.#setState('running');
          } else if (frame.timestamp < clock.lastTimestamp) {
            // The source's clock went back (a publisher restarted behind the same connection):
            // stream time goes on from the last frame, and lateness is measured afresh.
            this.#offset = this.#lastT + 1 / this.#requestedFps - frame.timestamp;
            this.#pipeline.startSession();
          }
          clock.lastTimestamp = frame.timestamp;
          clock.frames += 1;
          this.#framesReceived += 1;
          const t = this.#offset + frame.timestamp;
          this.#lastT = t;
          await this.#pipeline.process(frame, t, nowMs);
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
      if (clock.frames > 0) this.#resumeAt = this.#lastT + 1 / this.#requestedFps;
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
      this.#emit({ type: 'reconnect', t: roundToMs(this.#lastT), attempt: backoff.attempts, delayMs, reason: why });
      await this.#sleep(delayMs);
      if (this.#stopReason !== undefined) break;
    }
    this.#end('stopped', this.#stopReason ?? 'stopped');
  }

  #setState(state: StreamState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#emit({ type: 'state', t: roundToMs(this.#lastT), state });
  }

  #end(state: 'ended' | 'failed' | 'stopped', reason: string): void {
    this.#endedAt = new Date(this.#now()).toISOString();
    this.#setState(state);
    const counts = this.#pipeline.counts;
    this.#emit({
      type: 'ended',
      t: roundToMs(this.#lastT),
      state,
      reason,
      frames: counts.framesSampled,
      dropped: counts.framesDropped,
      matches: counts.matches,
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
