import type { OpenCases } from '../cases/index.js';
import type { EngineState, EngineStore } from './engine-store.js';

/** Where a drain starts, and what a replay (`prevail events replay`) must keep. */
export interface DrainStart {
  readonly processedSeq: number;
  /** Events up to this seq were processed before a replay: their links are already counted. */
  readonly replayUntil: number;
  /** Subjects whose cases people closed before a replay: replayed events do not open new cases for them. */
  readonly replayClosed: ReadonlySet<string>;
  /** Subjects with a case open before a replay, known to the processor again once the replay is through. */
  readonly replayOpen: Set<string>;
  /** Dead letters already in the store. */
  readonly deadLetters: number;
}

/**
 * Where the drain starts from the stored state. In a replay (`prevail events replay` set the
 * watermark back), the processor starts with no open case: it sees cases open again as a first
 * run did, when their events come, and the cases open before the replay that no replayed event
 * touches are known again once the replay is through (`openCases` is emptied here for that).
 */
export async function drainStart(store: EngineStore, saved: EngineState, openCases: OpenCases): Promise<DrainStart> {
  const replaying = saved.replayUntilSeq > saved.processedSeq;
  const replayClosed = replaying
    ? new Set(
        (await store.cases.list({ status: 'closed', limit: 1_000_000 }))
          .map((item) => item.subject)
          .filter((subject) => !openCases.has(subject)),
      )
    : new Set<string>();
  const replayOpen = replaying ? new Set(openCases.subjects()) : new Set<string>();
  if (replaying) openCases.clear();
  return {
    processedSeq: saved.processedSeq,
    replayUntil: saved.replayUntilSeq,
    replayClosed,
    replayOpen,
    deadLetters: await store.deadLetterCount(),
  };
}
