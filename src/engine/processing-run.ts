import { EngineError, isEngineError } from '../core/index.js';
import type { LoggedEvent } from '../events/index.js';
import type { DeadLetter, EngineBatch } from './engine-store.js';
import { emptyWrites, type PendingWrites } from './event-processor.js';
import type { Verdict } from './verdict.js';

/** What processing one event gave: its writes and verdict, or why it failed. */
export interface EventOutcome {
  readonly event: LoggedEvent;
  readonly writes: PendingWrites;
  readonly verdict?: Verdict;
  /**
   * Set when the event is dead-lettered: its writes are then empty, except for a derivation
   * failure (`EVENT_DERIVATION_FAILED`), recorded beside an event processed as usual.
   */
  readonly failure?: DeadLetter;
}

/** How the engine retries a store that fails (reading the log, loading links, committing). */
export interface StoreRetryPolicy {
  /** Attempts before `drain()` gives up with `STORAGE_UNAVAILABLE` (default 8; the engine tries again later). */
  readonly attempts?: number;
  /** First delay between attempts, doubled each time (default 100 ms). */
  readonly initialDelayMs?: number;
  /** Longest delay between attempts, and between a given-up drain and the next try (default 10 s). */
  readonly maxDelayMs?: number;
}

/** Something the engine reports instead of throwing: a dead-lettered event or a store failure. */
export type EngineProblem =
  | { readonly kind: 'dead_letter'; readonly deadLetter: DeadLetter }
  | { readonly kind: 'store'; readonly attempt: number; readonly error: EngineError };

const maxMessageLength = 2000;

/** The dead letter of an event whose processing (or whose writes) failed. */
export function deadLetterOf(event: LoggedEvent, error: unknown, code?: string): DeadLetter {
  const engineError = isEngineError(error) ? error : undefined;
  const message =
    engineError !== undefined
      ? engineError.message
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return {
    eventSeq: event.seq,
    eventId: event.id,
    code: code ?? engineError?.code ?? 'INTERNAL',
    message: message.slice(0, maxMessageLength),
    failedAt: new Date().toISOString(),
  };
}

/** A failed outcome: the event is recorded as a dead letter and none of its writes are kept. */
export function failedOutcome(event: LoggedEvent, failure: DeadLetter): EventOutcome {
  return { event, writes: emptyWrites(), failure };
}

/**
 * One transaction's worth: the outcomes' writes together, their dead letters, and the watermark
 * at the last of them.
 */
export function batchOf(outcomes: readonly EventOutcome[], snapshot?: EngineBatch['snapshot']): EngineBatch {
  const last = outcomes[outcomes.length - 1];
  if (last === undefined) throw new EngineError('INTERNAL', 'an empty run has no batch');
  if (outcomes.length === 1) {
    return {
      processedSeq: last.event.seq,
      ...last.writes,
      deadLetters: last.failure === undefined ? [] : [last.failure],
      ...(snapshot === undefined ? {} : { snapshot }),
    };
  }
  const writes = emptyWrites();
  const deadLetters: DeadLetter[] = [];
  for (const outcome of outcomes) {
    const part = outcome.writes;
    if (part.hits.length > 0) writes.hits.push(...part.hits);
    if (part.labelsAdded.length > 0) writes.labelsAdded.push(...part.labelsAdded);
    if (part.labelsRemoved.length > 0) writes.labelsRemoved.push(...part.labelsRemoved);
    if (part.links.length > 0) writes.links.push(...part.links);
    if (part.contributions.length > 0) writes.contributions.push(...part.contributions);
    if (part.cases.length > 0) writes.cases.push(...part.cases);
    if (part.actions.length > 0) writes.actions.push(...part.actions);
    if (outcome.failure !== undefined) deadLetters.push(outcome.failure);
  }
  return { processedSeq: last.event.seq, ...writes, deadLetters, ...(snapshot === undefined ? {} : { snapshot }) };
}

/** The delay before retry number `attempt` (1-based): doubling from the initial delay, capped. */
export function retryDelayMs(policy: StoreRetryPolicy, attempt: number): number {
  const initial = policy.initialDelayMs ?? 100;
  const max = policy.maxDelayMs ?? 10_000;
  return Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
}

/** Waits `ms` (keeping the process alive: someone is waiting for the drain). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The error of a failed store operation, as the engine reports it. */
export function storeError(error: unknown): EngineError {
  if (isEngineError(error) && error.code === 'STORAGE_UNAVAILABLE') return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError('STORAGE_UNAVAILABLE', `the engine's store failed: ${message}`, { cause: error });
}
