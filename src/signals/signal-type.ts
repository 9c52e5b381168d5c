/**
 * What every signal type declares: one descriptor object per type, in its own folder, listed
 * once in `registry.ts`. A descriptor's `name` is a storage key (bank rows, API fields, exchange
 * files use it): lowercase with underscores, unique, and never renamed once released.
 *
 * `compare` is the brute-force reference every fast index is held to.
 */
export interface SignalType<Hash extends string = string> {
  /** Stable name, e.g. `pdq`. */
  readonly name: string;
  /** What kinds of content the signal is computed from. */
  readonly contentTypes: readonly ContentKind[];
  /** One line for `--help` and docs. */
  readonly description: string;
  /** Validates and normalises a hash string; throws `SIGNAL_INVALID_HASH`. */
  parse(text: string): Hash;
  /** Distance between two hashes: 0 for identical; for exact signals 0 or 1. */
  distance(a: Hash, b: Hash): number;
  /** Largest distance that still counts as a match by default. */
  readonly defaultThreshold: number;
}

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
