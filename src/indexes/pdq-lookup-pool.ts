import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { EngineError, type ErrorCode, errorCodes } from '../core/index.js';
import { readPdqWords } from './input.js';
import type { LookupReply, LookupRequest } from './pdq-lookup-protocol.js';
import type { SharedPdqIndex } from './shared-pdq-index.js';
import type { IndexHit } from './signal-index.js';
import { workerEntry } from './worker-entry.js';

interface Pending {
  resolve(results: IndexHit[][]): void;
  reject(error: Error): void;
}

interface PoolWorker {
  readonly worker: Worker;
  /** The generation last posted to it (0: none yet). */
  generation: number;
  inFlight: number;
  readonly pending: Map<number, Pending>;
}

function replyError(error: { readonly code: string; readonly message: string }): EngineError {
  const code = (error.code in errorCodes ? error.code : 'INTERNAL') as ErrorCode;
  return new EngineError(code, error.message);
}

/**
 * Worker threads answering PDQ lookups from one `SharedPdqIndex`'s shared memory, so that
 * lookups use every core. Each lookup batch goes to the worker with the fewest batches in
 * flight. Before a worker's next batch, the pool posts it the index's current generation if it
 * has an older one; a worker's messages are handled in order, so every change the index
 * published before `query` was called is visible to that lookup.
 *
 * Hashes are checked here, so a malformed one is refused (`SIGNAL_INVALID_HASH`) without a
 * round trip. A worker that dies fails its batches with `INTERNAL` and is not replaced.
 */
export class PdqLookupPool {
  readonly #index: SharedPdqIndex;
  readonly #workers: PoolWorker[] = [];
  readonly #words = new Uint32Array(8);
  #nextId = 1;
  #closed = false;

  /** `workers`: threads to start (default: the machine's available parallelism). */
  constructor(index: SharedPdqIndex, options: { readonly workers?: number } = {}) {
    this.#index = index;
    const count = Math.max(1, options.workers ?? availableParallelism());
    const entry = workerEntry('pdq-lookup-worker');
    for (let i = 0; i < count; i++) {
      const worker = new Worker(entry.script, { eval: entry.eval, execArgv: [] });
      // Idle workers never keep the process alive (a service that is not closed still exits).
      worker.unref();
      const state: PoolWorker = { worker, generation: 0, inFlight: 0, pending: new Map() };
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
    for (const value of values) readPdqWords(value, this.#words, 0);
    let chosen: PoolWorker | undefined;
    for (const worker of this.#workers) if (chosen === undefined || worker.inFlight < chosen.inFlight) chosen = worker;
    if (this.#closed || chosen === undefined) {
      return Promise.reject(new EngineError('INTERNAL', 'the PDQ lookup pool is closed'));
    }
    const target = chosen;
    if (target.generation !== this.#index.generation) {
      const attach: LookupRequest = { kind: 'attach', parts: this.#index.parts() };
      target.worker.postMessage(attach);
      target.generation = this.#index.generation;
    }
    const id = this.#nextId++;
    const request: LookupRequest = { kind: 'lookup', id, values, maxDistance };
    return new Promise<IndexHit[][]>((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
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
