import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { EngineError, type ErrorCode, errorCodes } from '../core/index.js';
import { readPdqWords } from './input.js';
import type { LookupReply, LookupRequest } from './pdq-lookup-protocol.js';
import type { SharedGroupedPdqIndex } from './shared-grouped-pdq-index.js';
import type { SharedPdqIndex } from './shared-pdq-index.js';
import type { IndexHit } from './signal-index.js';
import { workerEntry } from './worker-entry.js';

interface Pending {
  resolve(results: IndexHit[][]): void;
  reject(error: Error): void;
}

interface PoolWorker {
  readonly worker: Worker;
  /** The PDQ index's generation last posted to it (0: none yet). */
  generation: number;
  /** Each grouped index's generation last posted to it. */
  readonly groupedGenerations: Map<string, number>;
  inFlight: number;
  readonly pending: Map<number, Pending>;
}

function replyError(error: { readonly code: string; readonly message: string }): EngineError {
  const code = (error.code in errorCodes ? error.code : 'INTERNAL') as ErrorCode;
  return new EngineError(code, error.message);
}

/** Tuning of a `PdqLookupPool`. */
export interface PdqLookupPoolOptions {
  /** Threads to start (default: the machine's available parallelism). */
  readonly workers?: number;
  /**
   * Grouped indexes the workers also answer from, by a name the caller chooses (the matcher's:
   * the signal type whose frames they hold, `vpdq` and `vpdq_dense`); see `queryGroupedMany`.
   */
  readonly grouped?: Readonly<Record<string, SharedGroupedPdqIndex>>;
  /** The workers' script (tests: one that crashes); default `pdq-lookup-worker`. */
  readonly entry?: { readonly script: string | URL; readonly eval: boolean };
}

/**
 * Worker threads answering PDQ lookups from one `SharedPdqIndex`'s shared memory, and from any
 * `SharedGroupedPdqIndex` given (a banked video's frames), so that lookups use every core. Each
 * lookup batch goes to the worker with the fewest batches in flight. Before a worker's next
 * batch, the pool posts it the searched index's current generation if it has an older one; a
 * worker's messages are handled in order, so every change the index published before the lookup
 * was called is visible to that lookup.
 *
 * Hashes are checked here, so a malformed one is refused (`SIGNAL_INVALID_HASH`) without a
 * round trip. A worker that dies fails its batches with `INTERNAL` and is not replaced.
 */
export class PdqLookupPool {
  readonly #index: SharedPdqIndex;
  readonly #grouped: ReadonlyMap<string, SharedGroupedPdqIndex>;
  readonly #workers: PoolWorker[] = [];
  readonly #words = new Uint32Array(8);
  #nextId = 1;
  #closed = false;

  constructor(index: SharedPdqIndex, options: PdqLookupPoolOptions = {}) {
    this.#index = index;
    this.#grouped = new Map(Object.entries(options.grouped ?? {}));
    const count = Math.max(1, options.workers ?? availableParallelism());
    const entry = options.entry ?? workerEntry('pdq-lookup-worker');
    for (let i = 0; i < count; i++) {
      const worker = new Worker(entry.script, { eval: entry.eval, execArgv: [] });
      // Idle workers never keep the process alive (a service that is not closed still exits).
      worker.unref();
      const state: PoolWorker = {
        worker,
        generation: 0,
        groupedGenerations: new Map(),
        inFlight: 0,
        pending: new Map(),
      };
      worker.on('message', (reply: LookupReply) => {
        const pending = state.pending.get(reply.id);
        if (pending === undefined) return;
        state.pending.delete(reply.id);
        state.inFlight--;
        if ('error' in reply) pending.reject(replyError(reply.error));
        else pending.resolve(reply.results);
      });
      const fail = (why: string) => {
        for (const pending of state.pending.values())
          pending.reject(new EngineError('INTERNAL', `a PDQ lookup worker stopped: ${why}`));
        state.pending.clear();
        state.inFlight = 0;
        const index = this.#workers.indexOf(state);
        if (index >= 0) this.#workers.splice(index, 1);
      };
      worker.on('error', (error) => fail(error.message));
      worker.on('exit', (code) => fail(`exit code ${code}`));
      this.#workers.push(state);
    }
  }

  /** Worker threads running. */
  get size(): number {
    return this.#workers.length;
  }

  /** Whether the grouped index `name` was given (`queryGroupedMany` answers from it). */
  hasGrouped(name: string): boolean {
    return this.#grouped.has(name);
  }

  /** As `SignalIndex.query`, answered by a worker. */
  async query(value: string, maxDistance: number): Promise<IndexHit[]> {
    const [hits] = await this.queryMany([value], maxDistance);
    return hits ?? [];
  }

  /**
   * The hits of each value (in order), answered by one worker: a batch costs one message round
   * trip, so an upload's PDQ variants go together.
   *
   * @throws EngineError `SIGNAL_INVALID_HASH` for a malformed hash, `INTERNAL` when the pool is
   *   closed or the worker died.
   */
  queryMany(values: readonly string[], maxDistance: number): Promise<IndexHit[][]> {
    const refused = this.#check(values);
    if (refused !== undefined) return Promise.reject(refused);
    const target = this.#leastBusy();
    if (target === undefined) return Promise.reject(this.#closedError());
    if (target.generation !== this.#index.generation) {
      const attach: LookupRequest = { kind: 'attach', parts: this.#index.parts() };
      target.worker.postMessage(attach);
      target.generation = this.#index.generation;
    }
    return this.#send(target, { kind: 'lookup', id: this.#nextId++, values, maxDistance });
  }

  /**
   * As `SharedGroupedPdqIndex.query` of the grouped index `name` for each value (in order),
   * answered by one worker: a live stream's frame and its views go together.
   *
   * @throws EngineError `SIGNAL_INVALID_HASH` for a malformed hash, `INTERNAL` for a name the
   *   pool was not given, when the pool is closed or the worker died.
   */
  queryGroupedMany(name: string, values: readonly string[], maxDistance: number): Promise<IndexHit[][]> {
    const index = this.#grouped.get(name);
    if (index === undefined) {
      return Promise.reject(new EngineError('INTERNAL', `the PDQ lookup pool holds no grouped index ${name}`));
    }
    const refused = this.#check(values);
    if (refused !== undefined) return Promise.reject(refused);
    const target = this.#leastBusy();
    if (target === undefined) return Promise.reject(this.#closedError());
    const generation = index.generation;
    if (target.groupedGenerations.get(name) !== generation) {
      const attach: LookupRequest = { kind: 'attach-grouped', name, parts: index.parts() };
      target.worker.postMessage(attach);
      target.groupedGenerations.set(name, generation);
    }
    return this.#send(target, { kind: 'lookup', id: this.#nextId++, grouped: name, values, maxDistance });
  }

  /** Why a batch is refused here (a malformed hash), or undefined. */
  #check(values: readonly string[]): unknown {
    try {
      for (const value of values) readPdqWords(value, this.#words, 0);
      return undefined;
    } catch (error) {
      return error;
    }
  }

  /** The worker with the fewest batches in flight (undefined: closed, or every worker died). */
  #leastBusy(): PoolWorker | undefined {
    if (this.#closed) return undefined;
    let chosen: PoolWorker | undefined;
    for (const worker of this.#workers) if (chosen === undefined || worker.inFlight < chosen.inFlight) chosen = worker;
    return chosen;
  }

  #closedError(): EngineError {
    return new EngineError('INTERNAL', 'the PDQ lookup pool is closed');
  }

  #send(target: PoolWorker, request: LookupRequest & { readonly kind: 'lookup' }): Promise<IndexHit[][]> {
    return new Promise<IndexHit[][]>((resolve, reject) => {
      target.pending.set(request.id, { resolve, reject });
      target.inFlight++;
      target.worker.postMessage(request);
    });
  }

  /** Stops the workers; batches in flight fail with `INTERNAL`. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#workers].map((state) => state.worker.terminate()));
  }
}
