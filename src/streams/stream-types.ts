import type { IngestResult } from '../engine/index.js';
import type { MatchJson, MatchOptions, MatchOutcome, MatchQuery, MediaMatchedEvent } from '../matching/index.js';
import type { DihedralName } from '../signals/index.js';
import type { FrameReaderOptions, VideoFrame } from '../video/index.js';

/**
 * Where a watcher is in its life:
 * - `connecting`: ffmpeg is opening the source, no frame yet;
 * - `running`: frames are arriving;
 * - `reconnecting`: the source dropped or stalled; waiting out the backoff or opening it again;
 * - `ended`: the source finished (end of a file or an HLS playlist, or a live stream that went
 *   away after it had sent frames and did not come back within the reconnect attempts);
 * - `failed`: the source never sent a frame within the reconnect attempts, or a permanent error
 *   (no ffmpeg, an unreadable file);
 * - `stopped`: someone stopped it (`stop()`, `DELETE /v1/streams/:id`, shutdown, `--duration`).
 *
 * `ended`, `failed` and `stopped` are final: ffmpeg is gone and nothing more happens.
 */
export type StreamState = 'connecting' | 'running' | 'reconnecting' | 'ended' | 'failed' | 'stopped';

/** The final states. */
export const finalStreamStates: readonly StreamState[] = ['ended', 'failed', 'stopped'];

/** True once the watcher has finished (ffmpeg is gone). */
export function isFinalState(state: StreamState): boolean {
  return finalStreamStates.includes(state);
}

/**
 * How a source behaves at its end, guessed from the URL (see `classifySource`):
 * - `file`: a local file or a video file over HTTP; the end of input is the end;
 * - `hls`: an HLS playlist (`.m3u8`); ffmpeg ends only when the playlist says `#EXT-X-ENDLIST`,
 *   which is the end;
 * - `live`: RTMP, RTSP, HTTP-FLV and other live URLs; the end of input is treated as a drop
 *   (a media server that goes away ends ffmpeg's input cleanly) and reconnected.
 */
export type SourceKind = 'file' | 'hls' | 'live';

/** Entities the stream's events are about: `stream` (default: the watcher id) and its host `user`. */
export interface StreamEntities {
  readonly stream?: string;
  readonly user?: string;
}

/**
 * The public status of one watcher. `url` never shows credentials or query values. Counters:
 * `framesSampled` frames hashed; `framesDropped` sampled frames lost (arriving too late to be
 * useful, or missing from the stream's timeline); `matches` hashed frames with at least one bank
 * match; `events` `media.matched` events sent to the signals engine (at most one per bank item
 * per cooldown window); `reconnects` reconnect attempts so far.
 */
export interface StreamStatus {
  readonly id: string;
  readonly url: string;
  readonly kind: SourceKind;
  readonly state: StreamState;
  /** Frames per second asked for. */
  readonly requestedFps: number;
  /** Frames per second hashed now: lower than `requestedFps` when the CPU budget degraded it. */
  readonly fps: number;
  /** True while `fps` is below `requestedFps` because of the CPU budget. */
  readonly degraded: boolean;
  readonly entities: { readonly stream: string; readonly user?: string };
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly framesSampled: number;
  readonly framesDropped: number;
  readonly lastFrameAt: string | null;
  readonly matches: number;
  readonly events: number;
  /** Matched frames kept as evidence (0 unless evidence preservation is on). */
  readonly framesPreserved: number;
  readonly reconnects: number;
  /** The last error (`CODE: message`), or null. */
  readonly lastError: string | null;
}

/**
 * What a watcher reports, in order. `t` is stream time in seconds: the sampled frame's timestamp,
 * continued across reconnects (the reader restarts at 0 on every connection).
 * - `frame`: one hashed frame (`matched`: whether it matched);
 * - `match`: a hashed frame that matched; `event` is the id of the `media.matched` event sent for
 *   it, or null when every matched item was in its cooldown window (or no engine is attached);
 * - `reconnect`: the source dropped or stalled; the next attempt starts after `delayMs`;
 * - `state`: the state changed;
 * - `ended`: the watcher finished (state `ended`, `failed` or `stopped`), with its final counts.
 */
export type StreamWatchEvent =
  | {
      readonly type: 'frame';
      readonly t: number;
      readonly index: number;
      readonly quality: number;
      readonly pdq: string;
      readonly matched: boolean;
    }
  | {
      readonly type: 'match';
      readonly t: number;
      /** Wall-clock time the match was found (ISO, milliseconds). */
      readonly at: string;
      readonly index: number;
      readonly quality: number;
      readonly pdq: string;
      /** Every match of the frame, in the one JSON shape of a match (`matchJson`). */
      readonly matches: readonly MatchJson[];
      readonly event: string | null;
    }
  | {
      readonly type: 'reconnect';
      readonly t: number;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | { readonly type: 'state'; readonly t: number; readonly state: StreamState }
  | {
      readonly type: 'ended';
      readonly t: number;
      readonly state: StreamState;
      readonly reason: string;
      readonly frames: number;
      readonly dropped: number;
      readonly matches: number;
      readonly reconnects: number;
    };

/** Reads frames from a source: `readFrames` of `src/video`, or a fake in tests. */
export type FrameSource = (source: string, options: FrameReaderOptions) => AsyncIterable<VideoFrame>;

/**
 * One hashed view of a frame: the whole frame, the picture inside its uniform borders
 * (`unboxed`, see `contentBox`), the region that moves (`moving`, see `MovingRegion`), the middle
 * 60 % (`inner`) and where a cropped stream shows it (`zoomed`, `corner`: see `croppedInnerBox`),
 * an inset (`inset`, see `insetBox`), or one of the picture's four corners (`quarter`, see
 * `FrameViewOptions.corners`), with the dihedral variants of its hash to look up as well
 * (absent: the hash alone).
 */
export interface FrameView {
  readonly view: 'frame' | 'unboxed' | 'moving' | 'inner' | 'zoomed' | 'corner' | 'inset' | 'quarter';
  readonly hash: string;
  readonly quality: number;
  readonly variants?: Readonly<Partial<Record<DihedralName, string>>>;
}

/**
 * A hashed frame: the PDQ hash and quality of the whole frame (what is reported), the variants
 * of that hash to look up as well, and other `views` of the frame looked up as well.
 */
export interface FrameHashes {
  readonly hash: string;
  readonly quality: number;
  readonly variants?: Readonly<Partial<Record<DihedralName, string>>>;
  readonly views?: readonly FrameView[];
}

/**
 * Hashes one frame with PDQ: `frameHasher` on the main thread (`hashVideoFrame` for the whole frame
 * alone), or a stream's lane of the `FrameHashPool` (asynchronous, the default views; `undefined`
 * when the pool dropped the frame unhashed). A hasher that throws loses that frame only: the
 * watcher records the error and goes on.
 */
export type FrameHasher = (frame: VideoFrame) => FrameHashes | undefined | Promise<FrameHashes | undefined>;

/** The part of the matcher a watcher uses. */
export interface FrameMatcher {
  match(query: MatchQuery, options?: MatchOptions): Promise<MatchOutcome>;
}

/**
 * Receives one `media.matched` event (shaped by `mediaMatchedEvent` of `matching/`) and makes it
 * durable in the signals engine; resolves to the engine's verdict of the submission. See
 * `engineMatchSink`.
 */
export type MatchEventSink = (event: MediaMatchedEvent) => Promise<IngestResult | undefined>;
