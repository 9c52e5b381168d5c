import type { LoggedEvent } from '../events/index.js';
import type { EngineLag, EngineObserver, ProcessedEvent } from './engine-observer.js';
import type { EventOutcome } from './processing-run.js';

/**
 * Events whose ingest time is kept for the verdict latency and the watermark's age. Past this
 * many waiting events (a store down for long) newer ones are not timed, so memory stays bounded;
 * the oldest, which the age is read from, are kept.
 */
const maxTimedEvents = 100_000;

/**
 * The engine's side of `EngineObserver`: the observers, when each waiting event was ingested,
 * and the newest logged seq. Every call is memory only (a map entry per waiting event), so it
 * costs the hot path nothing measurable.
 */
export class EngineWatch {
  readonly #observers: EngineObserver[] = [];
  /** `performance.now()` of the ingest call that logged each waiting event, in seq order. */
  readonly #ingestedAt = new Map<number, number>();
  #loggedSeq: number;

  constructor(processedSeq: number) {
    this.#loggedSeq = processedSeq;
  }

  add(observer: EngineObserver): void {
    this.#observers.push(observer);
  }

  /** An event the `ingest` call started at `startedAt` (`performance.now()`) logged as `seq`. */
  logged(seq: number, startedAt: number): void {
    if (seq > this.#loggedSeq) this.#loggedSeq = seq;
    if (this.#ingestedAt.size < maxTimedEvents) this.#ingestedAt.set(seq, startedAt);
  }

  /**
   * Tells the observers what one `ingest` call did: `outcomes[i]` is the log's answer for
   * `logged[i]` (the events sent to the log, derived ones included).
   */
  ingested(
    logged: readonly Omit<LoggedEvent, 'seq'>[],
    outcomes: readonly { stored: boolean }[],
    rejected: number,
  ): void {
    if (this.#observers.length === 0) return;
    const accepted: string[] = [];
    const duplicates: string[] = [];
    logged.forEach((event, position) => {
      const outcome = outcomes[position];
      if (outcome !== undefined) (outcome.stored ? accepted : duplicates).push(event.type);
    });
    this.#tell((observer) => observer.ingested?.({ accepted, duplicates, rejected }));
  }

  /** Takes each committed outcome's ingest time off the clock; tells the observers what was committed. */
  committed(outcomes: readonly EventOutcome[]): void {
    const now = performance.now();
    const processed: ProcessedEvent[] | undefined = this.#observers.length > 0 ? [] : undefined;
    for (const outcome of outcomes) {
      const seq = outcome.event.seq;
      const at = this.#ingestedAt.get(seq);
      if (at !== undefined) this.#ingestedAt.delete(seq);
      if (processed === undefined) continue;
      const verdict = outcome.verdict;
      processed.push({
        type: outcome.event.type,
        hits: verdict?.hits ?? [],
        ...(verdict === undefined || outcome.failure !== undefined ? {} : { verdict: verdict.verdict }),
        ...(outcome.failure === undefined ? {} : { deadLetterCode: outcome.failure.code }),
        ...(at === undefined ? {} : { latencyMs: now - at }),
      });
    }
    if (processed !== undefined) this.#tell((observer) => observer.processed?.(processed));
  }

  /** How far processing (at `processedSeq`) is behind logging now. */
  lag(processedSeq: number): EngineLag {
    const loggedSeq = Math.max(this.#loggedSeq, processedSeq);
    let oldestWaitingMs = 0;
    for (const [seq, at] of this.#ingestedAt) {
      if (seq <= processedSeq) continue;
      oldestWaitingMs = Math.max(0, performance.now() - at);
      break;
    }
    return { loggedSeq, processedSeq, waiting: loggedSeq - processedSeq, oldestWaitingMs };
  }

  /** Calls every observer; a throwing one is ignored (see `EngineObserver`). */
  #tell(call: (observer: EngineObserver) => void): void {
    for (const observer of this.#observers) {
      try {
        call(observer);
      } catch {
        // ignored on purpose: an observer never stops processing
      }
    }
  }
}
