import type { SharedGroupedPdqIndex, SignalIndex } from '../indexes/index.js';
import type { ExtraVideoView } from './extra-video-views.js';
import type { PixelBuffer } from './pdq/luma.js';

/**
 * What every signal type declares: one descriptor object per type, in its own folder, listed
 * once in `registry.ts`. A new signal type is that folder plus one line in the registry: the
 * hasher computes it through `hash`, indexes and the matcher hold it through `createIndex`, banks
 * validate it through `parse`, and nothing else names it. A descriptor's `name` is a storage key
 * (bank rows, API fields, exchange files use it): lowercase with underscores, unique, and never
 * renamed once released.
 *
 * `compare` is the brute-force reference every fast index (`createIndex`) is held to by the
 * conformance test.
 */
export interface SignalType<Hash extends string = string> {
  /** Stable name, e.g. `pdq`. */
  readonly name: string;
  /** What kinds of content the signal is computed from (`hash` is given only these). */
  readonly contentTypes: readonly ContentKind[];
  /** One line for `--help` and docs. */
  readonly description: string;
  /** Validates and normalises a hash string; throws `SIGNAL_INVALID_HASH`. */
  parse(text: string): Hash;
  /**
   * How content of one of `contentTypes` becomes this signal. Photos come decoded, videos as
   * their decoded frames (from `video/`: signals never start a process), every kind with its raw
   * bytes. Resolves to the value as stored, with its quality when the signal has one.
   */
  hash(content: SignalContent): Promise<HashedSignal<Hash>>;
  /** Distance between two hashes: 0 for identical; for exact signals 0 or 1. */
  compare(a: Hash, b: Hash): number;
  /**
   * Which frames of a video `hash` is given: `sampled` (the default) at the caller's rate (one per
   * second unless told otherwise), or `every` decoded frame whatever the caller asked.
   */
  readonly videoFrames?: 'sampled' | 'every';
  /**
   * Frames read another way than at native size (`tmk_pdqf`: 64×64 at a constant 15 fps, with the
   * file's rotation applied): the hasher reads the video once more for this signal, as told, and
   * the caller's sampling rate is ignored. Absent: as `videoFrames` says.
   */
  readonly videoReading?: VideoFrameReading;
  /** Largest distance that still counts as a match by default. */
  readonly defaultThreshold: number;
  /** A new, empty index for values of this signal (see `SignalIndex`). */
  createIndex(): SignalIndex;
  /**
   * Video signals made of PDQ frames (`vpdq`, `vpdq_dense`): as `createIndex`, with the frames
   * kept in `frames` (empty; a `PdqLookupPool` holds it too, and answers the index's per-frame
   * lookups in its worker threads with the same answers).
   */
  createSharedFrameIndex?(frames: SharedGroupedPdqIndex): SignalIndex;
}

/** How a signal's video frames are read when not at native size (the options of `video/`'s `readFrames` of the same names). */
export interface VideoFrameReading {
  /** Frames scaled to this size by ffmpeg. */
  readonly scale: { readonly width: number; readonly height: number };
  /** Frames resampled to this constant rate (frames per second). */
  readonly outputRate: number;
  /** Apply the rotation in the file's metadata. */
  readonly autorotate: boolean;
}

/** A computed signal: the value as stored, and its quality (0–100) when the signal has one. */
export interface HashedSignal<Hash extends string = string> {
  readonly value: Hash;
  readonly quality?: number;
}

/**
 * Content as signals read it, by kind: a photo decoded to pixels, a video as its decoded frames
 * (read once, in order), any other file as bytes; every kind carries its raw bytes.
 */
export type SignalContent =
  | { readonly kind: 'photo'; readonly bytes: Uint8Array; readonly pixels: PixelBuffer }
  | {
      readonly kind: 'video';
      readonly bytes: Uint8Array;
      readonly frames: AsyncIterable<FramePixels>;
      /** Views beyond a signal's own that the caller (a bank's `videoViews`) asks for; signals without such views ignore it. Absent: none. */
      readonly extraViews?: readonly ExtraVideoView[];
    }
  | { readonly kind: 'file'; readonly bytes: Uint8Array };

/**
 * One decoded video frame as signals read it: RGB24 pixels, row-major, with its place in the
 * video. Signals never decode video (no processes start here); `video/`'s `readFrames` yields
 * frames of this shape, and the hasher hands them over.
 */
export interface FramePixels {
  /** 0 for the first frame read, then +1 per (sampled) frame. */
  readonly index: number;
  /** Seconds from the start of the video. */
  readonly timestamp: number;
  readonly width: number;
  readonly height: number;
  /** width × height × 3 bytes. */
  readonly rgb: Uint8Array;
}

/** Content kinds a signal can be computed from. */
export type ContentKind = 'photo' | 'video' | 'file';

/** A signal type that hashes raw bytes (exact-match signals). */
export interface BytesSignalType<Hash extends string = string> extends SignalType<Hash> {
  hashBytes(bytes: Uint8Array): Hash;
}
