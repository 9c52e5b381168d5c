import type { VerdictKind } from './verdict.js';

/** What one `ingest` call did, as an observer sees it. */
export interface IngestObservation {
  /** The type of each event accepted into the log (registered types only: a bounded set). */
  readonly accepted: readonly string[];
  /** The type of each event refused as a duplicate of one already in the log. */
  readonly duplicates: readonly string[];
  /** Events refused as invalid (their type is not trusted, so only counted). */
  readonly rejected: number;
}

/** One event whose processing was just committed (or dead-lettered) with the watermark. */
export interface ProcessedEvent {
  readonly type: string;
  /** Absent when the event was dead-lettered. */
  readonly verdict?: VerdictKind;
  /** Every rule that fired on it, active or shadow. */
  readonly hits: readonly { readonly ruleId: string; readonly mode: 'active' | 'shadow' }[];
  /** The dead letter's code when processing or its writes failed. */
  readonly deadLetterCode?: string;
  /**
   * Milliseconds from the `ingest` call that logged the event in this process to the commit of
   * its verdict (durable append, the wait behind earlier events, processing, commit). Absent for
   * events this process did not ingest (a replay after a restart).
   */
  readonly latencyMs?: number;
}

/**
 * What the engine tells of its work as it happens, for counters (the server's `/metrics`). The
 * engine calls it synchronously on its own path, so an implementation must be cheap (increment
 * a counter) and must not throw; a throwing observer is ignored. The engine defines this seam so
 * that it never imports the HTTP layer that turns it into Prometheus metrics.
 */
export interface EngineObserver {
  /** After every `ingest` call whose events reached the log (durable). */
  ingested?(observation: IngestObservation): void;
  /** After every commit of processed events, in log order. */
  processed?(events: readonly ProcessedEvent[]): void;
}

/** How far processing is behind logging, read on demand (cheap: no store access). */
export interface EngineLag {
  /** The newest event this engine logged (or found logged when it opened). */
  readonly loggedSeq: number;
  /** The last event processed and committed. */
  readonly processedSeq: number;
  /** Events logged but not processed yet: `loggedSeq - processedSeq`. */
  readonly waiting: number;
  /**
   * Age in milliseconds of the oldest event ingested here and not processed yet (0 when none
   * waits): how stale the watermark is.
   */
  readonly oldestWaitingMs: number;
}
