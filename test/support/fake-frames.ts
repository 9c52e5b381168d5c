import { EngineError, type ErrorCode } from '../../src/core/index.js';
import type { Match, MatchOptions, MatchOutcome, MatchQuery } from '../../src/matching/index.js';
import type { FrameHasher, FrameMatcher, FrameSource } from '../../src/streams/index.js';
import type { FrameReaderOptions, VideoFrame } from '../../src/video/index.js';

/**
 * Fakes for testing stream watching without ffmpeg: scripted frame sources, a hasher that reads a
 * scene code from the first byte of each frame, and a matcher that knows one banked hash.
 *
 * Scene codes (first byte of a frame): 0 test pattern, 1 the banked scene, 2 a flat (low quality)
 * frame.
 */
export const scene = { pattern: 0, banked: 1, flat: 2 } as const;

export const bankedHash = 'f'.repeat(64);
const patternHash = 'a5'.repeat(32);

/** One connection of a scripted source: its frames' scene codes, then how it ends. */
export interface ScriptedSession {
  readonly scenes: readonly number[];
  /** An error code to fail with after the frames; absent: a clean end. */
  readonly failWith?: ErrorCode;
  /** Wait after the frames until aborted (a live stream that goes on). */
  readonly hang?: boolean;
  /** Presentation timestamp of the session's first frame (default 0): a server whose clock does not restart. */
  readonly startAt?: number;
  /** Presentation timestamp of each frame, instead of `startAt + index / fps`. */
  readonly times?: readonly number[];
}

/** What a scripted source saw: the options of each connection, and whether each was aborted. */
export interface SourceLog {
  readonly connections: FrameReaderOptions[];
  readonly aborted: boolean[];
}

/**
 * A frame source that plays `sessions` in turn, one per connection (the last one repeats), at
 * `fps`. `onFrame` runs before each frame is yielded (tests move a fake clock there).
 */
export function scriptedSource(
  sessions: readonly ScriptedSession[],
  options: { fps?: number; onFrame?: (frame: VideoFrame) => void } = {},
): { source: FrameSource; log: SourceLog } {
  const log: SourceLog = { connections: [], aborted: [] };
  const source: FrameSource = (_url, readerOptions) => {
    const connection = log.connections.length;
    log.connections.push(readerOptions);
    log.aborted.push(false);
    const session = sessions[Math.min(connection, sessions.length - 1)] as ScriptedSession;
    const fps = readerOptions.fps ?? options.fps ?? 1;
    const signal = readerOptions.signal;
    signal?.addEventListener('abort', () => {
      log.aborted[connection] = true;
    });
    return (async function* frames(): AsyncGenerator<VideoFrame> {
      for (const [index, code] of session.scenes.entries()) {
        if (signal?.aborted) return;
        const rgb = new Uint8Array(4 * 4 * 3);
        rgb[0] = code;
        const frame = {
          index,
          timestamp: session.times?.[index] ?? (session.startAt ?? 0) + index / fps,
          width: 4,
          height: 4,
          rgb,
        };
        options.onFrame?.(frame);
        yield frame;
      }
      if (session.hang === true) {
        await new Promise<void>((resolve) => {
          if (signal?.aborted) resolve();
          signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        return;
      }
      if (session.failWith !== undefined) throw new EngineError(session.failWith, `scripted ${session.failWith}`);
    })();
  };
  return { source, log };
}

/** Hashes a fake frame by its scene code. */
export const sceneHasher: FrameHasher = (frame) => {
  const code = frame.rgb[0];
  if (code === scene.banked) return { hash: bankedHash, quality: 100 };
  if (code === scene.flat) return { hash: '0'.repeat(64), quality: 0 };
  return { hash: patternHash, quality: 90 };
};

/** A matcher that matches `bankedHash` as content 7 of bank TEST_BANK, and records its calls. */
export function fakeMatcher(): FrameMatcher & { calls: { query: MatchQuery; options: MatchOptions }[] } {
  const calls: { query: MatchQuery; options: MatchOptions }[] = [];
  return {
    calls,
    async match(query, options = {}) {
      calls.push({ query, options });
      const matches: Match[] =
        query.signals.pdq === bankedHash
          ? [
              {
                bank: 'TEST_BANK',
                bankId: 1,
                contentId: 7,
                signalType: 'pdq',
                distance: 0,
                matchedValue: bankedHash,
                queryValue: bankedHash,
                variant: 'original',
                provenance: {
                  source: 'test',
                  externalId: 'scene-1',
                  category: 'test',
                  note: null,
                  contentUri: null,
                  addedAt: '2026-01-01T00:00:00.000Z',
                },
              },
            ]
          : [];
      const outcome: MatchOutcome = { matches, suppressed: [], quarantined: [], negative: [], warnings: [] };
      return outcome;
    },
  };
}
