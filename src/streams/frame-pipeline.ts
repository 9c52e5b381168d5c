import type { EvidenceVault } from '../evidence/index.js';
import type { Logger } from '../logging/index.js';
import { type Match, type MatchJson, type MediaMatchedEvent, matchJson, mediaMatchedEvent } from '../matching/index.js';
import { pdqQualityThreshold } from '../signals/index.js';
import type { VideoFrame } from '../video/index.js';
import { preserveMatchedFrame } from './frame-evidence.js';
import { MatchCooldown } from './match-cooldown.js';
import type {
  FrameHasher,
  FrameHashes,
  FrameMatcher,
  FrameView,
  MatchEventSink,
  SourceKind,
  StreamWatchEvent,
} from './stream-types.js';
import { describeError, roundToMs } from './watch-values.js';

/** What a frame pipeline needs: the watcher's settings that concern frames, and where to report. */
export interface FramePipelineOptions {
  /** How the source paces its frames: a file read faster than real time is never lag-dropped. */
  readonly kind: SourceKind;
  readonly realtime: boolean;
  /** Frames per second sampled by ffmpeg; the pipeline may hash fewer (`setFps`). */
  readonly requestedFps: number;
  readonly matcher: FrameMatcher;
  /** Only these banks (default every bank). */
  readonly banks?: readonly string[];
  /** Where `media.matched` events go (absent: matches are only reported to listeners). */
  readonly sink?: MatchEventSink;
  /** Where a `media.matched` event the sink refused or failed to take is reported. */
  readonly logger?: Logger;
  /** Whom the events are about: the stream, and its host user when known. */
  readonly entities: { readonly stream: string; readonly user?: string };
  /** One `media.matched` event per banked item per this many milliseconds. */
  readonly cooldownMs: number;
  /** A frame later than this (seconds) against the stream's timeline is dropped unhashed. */
  readonly maxLagSeconds: number;
  readonly hashFrame: FrameHasher;
  /** Evidence preservation, off unless given (see `StreamWatcherOptions.evidence`). */
  readonly evidence?: EvidenceVault;
  /** Receives the pipeline's `frame` and `match` events, in order. */
  readonly emit: (event: StreamWatchEvent) => void;
  /** Receives every error the pipeline survives (`CODE: message`): the watcher's `lastError`. */
  readonly onError: (description: string) => void;
}

/** The pipeline's counters, for the watcher's status. */
export interface FramePipelineCounts {
  readonly framesSampled: number;
  readonly framesDropped: number;
  readonly lastFrameAt: string | null;
  readonly matches: number;
  readonly events: number;
  readonly framesPreserved: number;
}

/**
 * What happens to one sampled frame of a watched stream, in order: drop it when it came too late
 * to be useful (catching up with the live edge), skip it when the CPU budget lowered the rate, hash
 * it with PDQ, look it up when its quality reaches 50, keep only the items outside their cooldown
 * window, keep the frame as evidence when preservation is on, send those as one `media.matched`
 * event (built by `mediaMatchedEvent` of `matching/`; naming the kept frame in `data.media`), and
 * report the frame and the match.
 *
 * Frames are never stored unless `evidence` is given: each is hashed from ffmpeg's buffer and
 * forgotten. With `evidence`, each frame that sends an event (so once per banked item per cooldown
 * window) is kept encrypted and audited in the vault. A failure of the hasher (a crashed worker of
 * the frame pool), the matcher, the sink or the vault is reported (`onError`) and the pipeline goes
 * on with the next frame; a frame the hasher failed or dropped counts in `framesDropped`.
 *
 * The watcher owns the connection and the stream clock; the pipeline owns everything after a frame
 * arrives, and is told when a new connection starts (`startSession`).
 */
export class FramePipeline {
  readonly #options: FramePipelineOptions;
  readonly #cooldown: MatchCooldown;
  #fps: number;
  #nextDueT = 0;
  /** The earliest arrival (ms) of a frame relative to its timestamp, this connection. */
  #anchor = Number.POSITIVE_INFINITY;
  #framesSampled = 0;
  #framesDropped = 0;
  #lastFrameAt: string | null = null;
  #matches = 0;
  #events = 0;
  #preserved = 0;

  constructor(options: FramePipelineOptions) {
    this.#options = options;
    this.#fps = options.requestedFps;
    this.#cooldown = new MatchCooldown(options.cooldownMs);
  }

  /** Frames per second hashed now (at most the requested rate). */
  get fps(): number {
    return this.#fps;
  }

  /**
   * Sets the frames per second actually hashed (the CPU budget lowers it under overload, and
   * restores it). ffmpeg keeps sampling at the requested rate; the pipeline hashes a subset.
   */
  setFps(fps: number): void {
    this.#fps = Math.min(this.#options.requestedFps, Math.max(fps, Number.MIN_VALUE));
  }

  get counts(): FramePipelineCounts {
    return {
      framesSampled: this.#framesSampled,
      framesDropped: this.#framesDropped,
      lastFrameAt: this.#lastFrameAt,
      matches: this.#matches,
      events: this.#events,
      framesPreserved: this.#preserved,
    };
  }

  /** A new connection starts: its frames' lateness is measured afresh (the reader restarts at 0). */
  startSession(): void {
    this.#anchor = Number.POSITIVE_INFINITY;
  }

  /** Processes one frame that arrived at `nowMs`, at `t` seconds of stream time. */
  async process(frame: VideoFrame, t: number, nowMs: number): Promise<void> {
    if (this.#isLate(frame, nowMs) || this.#isSkipped(t)) return;
    const hashed = await this.#hash(frame);
    if (hashed === undefined) {
      this.#framesDropped += 1;
      return;
    }
    const { hash, quality } = hashed;
    this.#framesSampled += 1;
    this.#lastFrameAt = new Date(nowMs).toISOString();
    const reported = { t: roundToMs(t), index: frame.index, quality, pdq: hash };
    const lookups = [hashed, ...(hashed.views ?? [])].filter((view) => view.quality >= pdqQualityThreshold);
    if (lookups.length === 0) {
      this.#options.emit({ type: 'frame', ...reported, matched: false });
      return;
    }
    let matches: readonly Match[];
    try {
      matches = await this.#lookUp(lookups, nowMs);
    } catch (error) {
      this.#options.onError(describeError(error));
      this.#options.emit({ type: 'frame', ...reported, matched: false });
      return;
    }
    this.#options.emit({ type: 'frame', ...reported, matched: matches.length > 0 });
    if (matches.length === 0) return;
    this.#matches += 1;
    const frameMatches = matches.map(matchJson);
    const fresh = frameMatches.filter((match) => this.#cooldown.admit(match.contentId, nowMs));
    let eventId: string | null = null;
    if (fresh.length > 0) {
      const event = mediaMatchedEvent({
        entities: this.#options.entities,
        matches: fresh,
        signals: { pdq: hash },
        source: { kind: 'stream', frameTimestamp: t },
        time: new Date(nowMs),
      });
      // Kept first, so that the event names its evidence item (`data.media`) and a reviewer can
      // see the frame the case is about; the record names the event it was kept for.
      const kept = await this.#preserve(frame, t, fresh, this.#options.sink === undefined ? null : event.id);
      eventId = await this.#sendEvent(
        kept === undefined ? event : { ...event, data: { ...event.data, media: { evidenceId: kept, kind: 'image' } } },
      );
    }
    this.#options.emit({
      type: 'match',
      t: reported.t,
      at: new Date(nowMs).toISOString(),
      index: frame.index,
      quality,
      pdq: hash,
      matches: frameMatches,
      event: eventId,
    });
  }

  /**
   * The frame's hash, or `undefined` when it was not hashed: the frame pool dropped it (a newer
   * frame of the stream replaced it while it waited), or the hasher failed (a worker crash: the
   * error is recorded and the stream goes on with its next frame).
   */
  async #hash(frame: VideoFrame): Promise<FrameHashes | undefined> {
    try {
      return await this.#options.hashFrame(frame);
    } catch (error) {
      this.#options.onError(describeError(error));
      return undefined;
    }
  }

  /**
   * True (and counted as dropped) when a paced source's frame arrived more than `maxLagSeconds`
   * later than its place in the timeline, measured against the earliest-arriving frame so far.
   */
  #isLate(frame: VideoFrame, nowMs: number): boolean {
    const paced = this.#options.kind !== 'file' || this.#options.realtime;
    if (!paced) return false;
    this.#anchor = Math.min(this.#anchor, nowMs - frame.timestamp * 1000);
    const lagMs = nowMs - frame.timestamp * 1000 - this.#anchor;
    if (lagMs <= this.#options.maxLagSeconds * 1000) return false;
    this.#framesDropped += 1;
    return true;
  }

  /** Degraded: only every (requested / allowed)-th sampled frame is hashed, by stream time. */
  #isSkipped(t: number): boolean {
    const requested = this.#options.requestedFps;
    if (this.#fps >= requested) return false;
    if (t + 0.5 / requested < this.#nextDueT) return true;
    this.#nextDueT = t + 1 / this.#fps;
    return false;
  }

  /**
   * Looks the frame's views up (each hash with its variants) without counting them for flood
   * protection, keeping each banked item's closest match; when an item is outside its cooldown
   * window, looks up once more, counted, the first view that found it, so that flood protection sees
   * each banked item once per window per stream (a scene on screen for minutes is one sighting,
   * not hundreds).
   */
  async #lookUp(lookups: readonly Omit<FrameView, 'view'>[], nowMs: number): Promise<readonly Match[]> {
    const banks = this.#options.banks !== undefined ? { banks: this.#options.banks } : {};
    const query = (lookup: Omit<FrameView, 'view'>) => ({
      signals: { pdq: lookup.hash },
      pdqQuality: lookup.quality,
      ...(lookup.variants !== undefined ? { pdqVariants: lookup.variants } : {}),
    });
    const closest = new Map<number, { match: Match; lookup: number }>();
    for (const [position, lookup] of lookups.entries()) {
      const outcome = await this.#options.matcher.match(query(lookup), { ...banks, countForFlood: false });
      for (const match of outcome.matches) {
        const previous = closest.get(match.contentId);
        if (previous === undefined || match.distance < previous.match.distance)
          closest.set(match.contentId, { match, lookup: position });
      }
    }
    const fresh = [...closest.values()].filter(({ match }) => !this.#cooldown.isCooling(match.contentId, nowMs));
    if (fresh.length === 0) return [...closest.values()].map(({ match }) => match);
    // Items found only by views not looked up again keep their uncounted match (they are cooling).
    const recounted = new Set(fresh.map(({ lookup }) => lookup));
    const counted = new Map<number, Match>();
    for (const { match, lookup } of closest.values()) if (!recounted.has(lookup)) counted.set(match.contentId, match);
    for (const position of recounted) {
      const lookup = lookups[position] as Omit<FrameView, 'view'>;
      for (const match of (await this.#options.matcher.match(query(lookup), banks)).matches) {
        const previous = counted.get(match.contentId);
        if (previous === undefined || match.distance < previous.distance) counted.set(match.contentId, match);
      }
    }
    return [...counted.values()];
  }

  /** Sends the fresh matches' event; returns its id, or null when there is no sink or it was not taken. */
  async #sendEvent(event: MediaMatchedEvent<Readonly<Record<string, string>>>): Promise<string | null> {
    const { sink, logger } = this.#options;
    if (sink === undefined) return null;
    try {
      const result = await sink(event);
      if (result?.status === 'rejected') {
        this.#options.onError(
          `EVENT_INVALID: ${result.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`,
        );
        logger?.error({ eventId: event.id, problems: result.problems }, 'media.matched event refused');
        return null;
      }
      this.#events += 1;
      return event.id;
    } catch (error) {
      this.#options.onError(describeError(error));
      logger?.error({ err: error, eventId: event.id }, 'media.matched event not delivered');
      return null;
    }
  }

  /** Keeps the frame as evidence when preservation is on; returns the evidence item's id (undefined: not kept). */
  async #preserve(
    frame: VideoFrame,
    t: number,
    fresh: readonly MatchJson[],
    eventId: string | null,
  ): Promise<string | undefined> {
    const { evidence } = this.#options;
    if (evidence === undefined) return undefined;
    try {
      const record = await preserveMatchedFrame(evidence, frame, {
        streamEntity: this.#options.entities.stream,
        t: roundToMs(t),
        matches: fresh,
        eventId,
      });
      this.#preserved += 1;
      return record.id;
    } catch (error) {
      this.#options.onError(describeError(error));
      return undefined;
    }
  }
}
