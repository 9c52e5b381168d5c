import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { defaultMaxPixels, imagePixelCount } from '../content/index.js';
import { EngineError } from '../core/index.js';
import { signalTypeByName } from '../signals/index.js';
import type { HashMediaOptions, MediaHashes } from './hash-media.js';
import type { HashJobReply, HashJobRequest } from './hash-protocol.js';

/** Hashes one media item, as `hashMedia` would. */
export type HashFunction = (bytes: Uint8Array, options: HashMediaOptions) => Promise<MediaHashes>;

/**
 * A place in the pool, taken before a request reads its upload so that refused requests are never
 * read into memory; `hash` uses the place (once or more), `release` gives it back (idempotent).
 */
export interface HashReservation {
  readonly hash: HashFunction;
  release(): void;
}

/** Hashes media somewhere: `HashPool` off the main thread. */
export interface MediaHasher {
  /** The signals of `bytes`, exactly as `hashMedia(bytes, options)` computes them. */
  readonly hash: HashFunction;
  /**
   * Takes a place for one upload, or refuses at once.
   *
   * @throws EngineError `HASHER_BUSY` when every place is taken or the hasher is closing.
   */
  reserve(): HashReservation;
  /** What it is doing now, and how many requests it refused (for `/metrics`). */
  stats(): HashPoolStats;
  /** Stops the workers; jobs not finished are refused (`HASHER_BUSY`). */
  close(): Promise<void>;
}

/** How big the pool is and how much it admits; every field has a default sized to the machine. */
export interface HashPoolSettings {
  /** Worker threads hashing at once (default `os.availableParallelism()` − 1, at least 1). */
  readonly workers?: number;
  /**
   * Places beyond the workers' for requests reading their upload or waiting for a worker (default
   * 4 per worker); a request finding every place taken is refused with `HASHER_BUSY`.
   */
  readonly maxQueued?: number;
  /**
   * The sum of the pixels of the images being decoded at once (default 2 × 100 megapixels, about
   * 2.2 GB of decoding memory). A job weighs its image's pixel count, read from the header; media
   * whose size the header does not tell (videos, HEIC) weigh the job's pixel limit. A job heavier
   * than the whole budget still runs, alone.
   */
  readonly maxPixelsInFlight?: number;
}

function shuttingDown(): EngineError {
  return new EngineError('HASHER_BUSY', 'the server is shutting down; retry on another instance');
}

/** Places for waiting jobs per worker, unless said otherwise. */
const queuedPerWorker = 4;

/** The pool's defaults, derived from the machine. */
export function defaultHashPoolSettings(): Required<HashPoolSettings> {
  // One core is left to the main thread (and libvips spreads each decode over several threads).
  const workers = Math.max(1, availableParallelism() - 1);
  return { workers, maxQueued: queuedPerWorker * workers, maxPixelsInFlight: 2 * defaultMaxPixels };
}

/** What the pool is doing now (for tests and metrics). */
export interface HashPoolStats {
  readonly workers: number;
  /** Places taken (`reserve`): at most `workers + maxQueued`. */
  readonly admitted: number;
  readonly running: number;
  readonly queued: number;
  readonly pixelsInFlight: number;
  /** Requests refused with `HASHER_BUSY` since the pool started. */
  readonly refused: number;
}

interface Job {
  readonly request: HashJobRequest;
  readonly weight: number;
  readonly resolve: (hashes: MediaHashes) => void;
  readonly reject: (error: EngineError) => void;
}

/**
 * How a worker thread is started from the module at `moduleUrl`: the compiled `<worker>.js` beside
 * the compiled module; under tsx (the module is a `.ts` file) a bootstrap that registers tsx in the
 * worker first, since a worker does not inherit the parent's module hooks on Node 20. `worker`
 * names the entry file beside the module (default this pool's `hash-worker`; the stream frame
 * pool starts its own entry the same way).
 */
export function hashWorkerEntry(
  moduleUrl: string,
  worker = 'hash-worker',
): { readonly script: string | URL; readonly eval: boolean } {
  if (!moduleUrl.endsWith('.ts')) return { script: new URL(`./${worker}.js`, moduleUrl), eval: false };
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL(`./${worker}.ts`, moduleUrl).href);
  return { script: `import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); });`, eval: true };
}

/**
 * One bounded pool of worker threads that decode and hash uploaded media, so that no upload
 * blocks the server's main thread and memory stays bounded whatever arrives: at most `workers`
 * jobs run, at most `maxPixelsInFlight` pixels are being decoded (each job is also held to its
 * own `decode.maxPixels`), and at most `maxQueued` further places are taken by uploads being read
 * or jobs waiting, holding only their bytes. A request beyond that is refused at once with
 * `HASHER_BUSY` (HTTP 503 with `Retry-After`); the server takes its place (`reserve`) before it
 * reads the upload, so a refused upload is never read into memory.
 *
 * Workers start on demand and stay; an idle worker does not keep the process alive. A worker that
 * dies fails its job with `INTERNAL` and is replaced by the next job. Hashes are computed by the
 * same `hashMedia` as on the main thread, so they are bit-identical.
 */
export class HashPool implements MediaHasher {
  readonly settings: Required<HashPoolSettings>;
  readonly #idle: Worker[] = [];
  readonly #running = new Map<Worker, Job>();
  readonly #queue: Job[] = [];
  /** Places taken: uploads being read, jobs weighing, queued or running. */
  #admitted = 0;
  #pixelsInFlight = 0;
  #refused = 0;
  #nextId = 1;
  #closed = false;

  constructor(settings: HashPoolSettings = {}) {
    const defaults = defaultHashPoolSettings();
    const workers = settings.workers ?? defaults.workers;
    this.settings = {
      workers,
      maxQueued: settings.maxQueued ?? queuedPerWorker * workers,
      maxPixelsInFlight: settings.maxPixelsInFlight ?? defaults.maxPixelsInFlight,
    };
    for (const [name, value] of Object.entries(this.settings)) {
      const least = name === 'maxQueued' ? 0 : 1;
      if (!Number.isSafeInteger(value) || value < least) {
        throw new EngineError('CONFIG_INVALID', `hash pool ${name} must be an integer ≥ ${least}, got ${value}`);
      }
    }
  }

  /**
   * Hashes `bytes` in a worker as `hashMedia(bytes, options)` would, in a place of its own.
   *
   * @throws EngineError `HASHER_BUSY` when `workers + maxQueued` places are already taken (or
   *   the pool is closing); otherwise whatever `hashMedia` throws, with its code and message.
   */
  readonly hash: HashFunction = async (bytes, options) => {
    const reservation = this.reserve();
    try {
      return await reservation.hash(bytes, options);
    } finally {
      reservation.release();
    }
  };

  /**
   * Takes one of the `workers + maxQueued` places: a request holds it from before it reads its
   * upload until it has its hashes, so at most that many uploads are held in memory for hashing.
   *
   * @throws EngineError `HASHER_BUSY` when every place is taken or the pool is closing.
   */
  reserve(): HashReservation {
    const { workers, maxQueued } = this.settings;
    if (this.#closed) throw shuttingDown();
    if (this.#admitted >= workers + maxQueued) {
      this.#refused++;
      throw new EngineError(
        'HASHER_BUSY',
        `every hashing worker is busy (${this.#running.size} running, ${this.#admitted - this.#running.size} waiting); retry shortly`,
      );
    }
    this.#admitted++;
    let held = true;
    return {
      hash: (bytes, options) => {
        if (!held) return Promise.reject(new EngineError('INTERNAL', 'a released hashing place was used'));
        return this.#run(bytes, options);
      },
      release: () => {
        if (held) this.#admitted--;
        held = false;
      },
    };
  }

  async #run(bytes: Uint8Array, options: HashMediaOptions): Promise<MediaHashes> {
    const weight = await this.#weigh(bytes, options);
    return new Promise<MediaHashes>((resolve, reject) => {
      if (this.#closed) {
        reject(shuttingDown());
        return;
      }
      this.#queue.push({ request: { id: this.#nextId++, bytes, options }, weight, resolve, reject });
      this.#pump();
    });
  }

  /** What the pool is doing now. */
  stats(): HashPoolStats {
    return {
      workers: this.#idle.length + this.#running.size,
      admitted: this.#admitted,
      running: this.#running.size,
      queued: this.#queue.length,
      pixelsInFlight: this.#pixelsInFlight,
      refused: this.#refused,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) {
      job.reject(shuttingDown());
    }
    const workers = [...this.#idle.splice(0), ...this.#running.keys()];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  /** Pixels the job will decode at most: 0 for digests only, the header's count, else its limit. */
  async #weigh(bytes: Uint8Array, options: HashMediaOptions): Promise<number> {
    const digestsOnly = options.signals.every((name) => signalTypeByName(name).contentTypes.includes('file'));
    if (digestsOnly) return 0;
    const limit = options.decode.maxPixels;
    const pixels = await imagePixelCount(bytes);
    if (pixels === undefined) return limit;
    // Over the limit, the worker refuses it from the header without decoding a pixel.
    return pixels > limit ? 1 : pixels;
  }

  /** Starts queued jobs, in order, while a worker and enough of the pixel budget are free. */
  #pump(): void {
    while (this.#queue.length > 0 && this.#running.size < this.settings.workers) {
      const job = this.#queue[0] as Job;
      if (this.#pixelsInFlight > 0 && this.#pixelsInFlight + job.weight > this.settings.maxPixelsInFlight) return;
      this.#queue.shift();
      const worker = this.#idle.pop() ?? this.#startWorker();
      this.#running.set(worker, job);
      this.#pixelsInFlight += job.weight;
      worker.ref();
      worker.postMessage(job.request);
    }
  }

  #startWorker(): Worker {
    const entry = hashWorkerEntry(import.meta.url);
    // No inherited Node options: the parent's (`--input-type`, `--test`, …) may not suit a worker.
    const worker = new Worker(entry.script, { eval: entry.eval, execArgv: [] });
    worker.on('message', (reply: HashJobReply) => {
      const job = this.#finish(worker);
      if (job === undefined) return;
      if (reply.ok) job.resolve(reply.hashes);
      else job.reject(new EngineError(reply.code, reply.message));
      if (this.#closed) {
        void worker.terminate();
      } else {
        worker.unref();
        this.#idle.push(worker);
      }
      this.#pump();
    });
    const fail = (reason: string, cause?: unknown) => {
      const idle = this.#idle.indexOf(worker);
      if (idle >= 0) this.#idle.splice(idle, 1);
      const job = this.#finish(worker);
      job?.reject(
        this.#closed
          ? shuttingDown()
          : new EngineError('INTERNAL', `the hashing worker stopped (${reason})`, { cause }),
      );
      this.#pump();
    };
    worker.on('error', (error) => fail(error.message, error));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    return worker;
  }

  /** Takes the worker's running job off the books, or `undefined` if it had none. */
  #finish(worker: Worker): Job | undefined {
    const job = this.#running.get(worker);
    if (job === undefined) return undefined;
    this.#running.delete(worker);
    this.#pixelsInFlight -= job.weight;
    return job;
  }
}
