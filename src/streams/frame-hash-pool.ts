import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { EngineError } from '../core/index.js';
import { hashWorkerEntry } from '../hasher/index.js';
import type { Logger } from '../logging/index.js';
import type { FrameBox } from '../signals/index.js';
import type { VideoFrame } from '../video/index.js';
import { defaultFrameViews, type FrameViewOptions } from './frame-views.js';
import { MovingRegion } from './moving-region.js';
import type { FrameHashes } from './stream-types.js';

/** One frame sent to a worker: its own copy of the pixels, transferred (never shared with the reader). */
export interface FrameHashRequest {
  readonly id: number;
  readonly frame: VideoFrame;
  /** The stream's moving region in this frame, found on the main thread (`MovingRegion` keeps state per stream). */
  readonly moving?: FrameBox;
}

/** A worker's answer to one frame. */
export type FrameHashReply =
  | { readonly id: number; readonly ok: true; readonly hashes: FrameHashes }
  | { readonly id: number; readonly ok: false; readonly message: string };

/** What a frame hashing worker is started with (its `workerData`): the views it hashes. */
export interface FrameHashWorkerData {
  readonly views: FrameViewOptions;
}

/** How the frame pool is sized; every field has a default sized to the machine. */
export interface FrameHashPoolSettings {
  /**
   * The views every frame is hashed with (default `defaultFrameViews`; `frameViewsWith` adds the
   * extra views an operator turned on). One set for the whole pool: every stream of a server
   * hashes the same views, and the budget is measured for them.
   */
  readonly views?: FrameViewOptions;
  /** Worker threads hashing frames at once (default `os.availableParallelism()`). */
  readonly workers?: number;
  /** Where worker crashes are reported (absent: only counted). */
  readonly logger?: Logger;
  /** The worker's code, for tests (default `frame-hash-worker.ts` beside this module). */
  readonly entry?: { readonly script: string | URL; readonly eval: boolean };
}

/** What the pool is doing now (for tests, the bench and metrics). */
export interface FrameHashPoolStats {
  /** Worker threads alive (started and not yet exited). */
  readonly workers: number;
  readonly running: number;
  /** Streams with a frame waiting for a worker (at most one frame each). */
  readonly waiting: number;
  /** Frames hashed since the pool started. */
  readonly hashed: number;
  /** Waiting frames replaced by a newer frame of the same stream before a worker took them. */
  readonly superseded: number;
  /** Workers that died while hashing a frame (each was replaced by the next frame). */
  readonly crashes: number;
}

interface Job {
  readonly frame: VideoFrame;
  readonly moving: FrameBox | undefined;
  readonly resolve: (result: FrameHashes | undefined) => void;
  readonly reject: (error: EngineError) => void;
}

/** One stream's place in the pool: at most one frame running and one waiting. */
interface Lane {
  running: boolean;
  waiting: Job | undefined;
}

/**
 * Worker threads by default: one per core (ffmpeg's decoding runs in its own processes beside
 * them). On one core a worker adds no parallelism, but it keeps the main thread's event loop free
 * of the 7 ms hashes; `bench/stream.ts` (c) could not tell the two apart there (see docs/streams.md).
 */
export function defaultFrameHashWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * A bounded pool of worker threads that hash the sampled frames of every watched stream with PDQ
 * (`hashFrameViews` with the pool's `views`, bit-identical to the main thread), so that stream watching uses every core
 * instead of the main thread alone. Built on the upload pool's pattern (`HashPool` of `hasher/`:
 * workers start on demand and stay, an idle worker does not keep the process alive, a dead worker
 * fails its job and is replaced by the next one), with what live streams need on top:
 *
 * - **Order per stream.** Each stream (a `lane`, keyed by the watcher id) has at most one frame
 *   running, so its frames are hashed, and answered, in the order they came.
 * - **Bounded memory.** Each stream has at most one frame waiting; a newer frame of the same
 *   stream replaces it (the older one resolves `undefined`, counted as `superseded`, and the
 *   watcher counts it in `framesDropped`): live watching wants the newest frame, not a backlog. So
 *   the pool holds at most two frames per stream, whatever the load.
 * - **Fair service.** Streams with a waiting frame are served round robin: a stream whose frame
 *   just ran goes to the back, so a slow pool delays (and, through the watchers' lateness check,
 *   drops) every stream's frames alike instead of starving some.
 * - **Crash isolation.** A worker that dies rejects its frame with `INTERNAL` (the watcher records
 *   it as its `lastError`, drops that frame and goes on), is counted in `crashes`, logged, and
 *   replaced when the next frame needs a worker.
 *
 * `close()` drops waiting frames (they resolve `undefined`), terminates every worker and resolves
 * once every worker thread has exited.
 */
export class FrameHashPool {
  readonly workers: number;
  /** The views every frame is hashed with (see `FrameHashPoolSettings.views`). */
  readonly views: FrameViewOptions;
  readonly #entry: { readonly script: string | URL; readonly eval: boolean };
  readonly #logger: Logger | undefined;
  readonly #lanes = new Map<string, Lane>();
  /** Lanes with a waiting frame and nothing running, oldest first (the round robin). */
  readonly #ready: string[] = [];
  readonly #idle: Worker[] = [];
  readonly #running = new Map<Worker, { readonly lane: string; readonly job: Job }>();
  readonly #exited = new Map<Worker, Promise<void>>();
  #nextId = 1;
  #hashed = 0;
  #superseded = 0;
  #crashes = 0;
  #closed = false;

  constructor(settings: FrameHashPoolSettings = {}) {
    this.workers = settings.workers ?? defaultFrameHashWorkers();
    if (!Number.isSafeInteger(this.workers) || this.workers < 1) {
      throw new EngineError('CONFIG_INVALID', `frame hash workers must be an integer ≥ 1, got ${this.workers}`);
    }
    this.views = settings.views ?? defaultFrameViews;
    this.#entry = settings.entry ?? hashWorkerEntry(import.meta.url, 'frame-hash-worker');
    this.#logger = settings.logger;
  }

  /**
   * Hashes `frame` of the stream `lane` in a worker, after that stream's earlier frames, with the
   * pool's views and, when given, the region `moving` (see `hasherFor`). The pixels are copied at
   * once, so the caller may reuse its buffer as soon as this returns.
   *
   * @returns the frame's PDQ hash and quality, or `undefined` when the frame was dropped unhashed
   *   (a newer frame of the same stream replaced it while it waited, or the pool closed).
   * @throws EngineError `INTERNAL` when the worker hashing it failed or died.
   */
  hash(lane: string, frame: VideoFrame, moving?: FrameBox): Promise<FrameHashes | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    const copy: VideoFrame = { ...frame, rgb: new Uint8Array(frame.rgb) };
    return new Promise((resolve, reject) => {
      const state = this.#lanes.get(lane) ?? { running: false, waiting: undefined };
      this.#lanes.set(lane, state);
      if (state.waiting !== undefined) {
        this.#superseded += 1;
        state.waiting.resolve(undefined);
      } else if (!state.running) {
        this.#ready.push(lane);
      }
      state.waiting = { frame: copy, moving, resolve, reject };
      this.#pump();
    });
  }

  /**
   * A `FrameHasher` for one stream: its frames go to this pool in the lane `lane`, each with the
   * stream's moving region in it when the views hash it (its own `MovingRegion`, fed every frame
   * on this thread: about a pass over the pixels, cheaper than a hash), so workers hash the same
   * views as `frameHasher` with the pool's `views` on the main thread.
   */
  hasherFor(lane: string): (frame: VideoFrame) => Promise<FrameHashes | undefined> {
    if (!this.views.moving) return (frame) => this.hash(lane, frame);
    const region = new MovingRegion();
    return (frame) => this.hash(lane, frame, region.observe(frame));
  }

  stats(): FrameHashPoolStats {
    return {
      workers: this.#exited.size,
      running: this.#running.size,
      waiting: this.#ready.length,
      hashed: this.#hashed,
      superseded: this.#superseded,
      crashes: this.#crashes,
    };
  }

  /** Drops waiting frames, stops every worker, and resolves once every worker thread has exited. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#ready.splice(0);
    for (const state of this.#lanes.values()) {
      state.waiting?.resolve(undefined);
      state.waiting = undefined;
    }
    for (const worker of [...this.#idle.splice(0), ...this.#running.keys()]) void worker.terminate();
    await Promise.all(this.#exited.values());
  }

  /** Starts waiting frames, round robin over the streams, while a worker is free. */
  #pump(): void {
    while (!this.#closed && this.#ready.length > 0 && this.#running.size < this.workers) {
      const lane = this.#ready.shift() as string;
      const state = this.#lanes.get(lane) as Lane;
      const job = state.waiting as Job;
      state.waiting = undefined;
      state.running = true;
      const worker = this.#idle.pop() ?? this.#startWorker();
      this.#running.set(worker, { lane, job });
      worker.ref();
      const request: FrameHashRequest = {
        id: this.#nextId++,
        frame: job.frame,
        ...(job.moving !== undefined ? { moving: job.moving } : {}),
      };
      worker.postMessage(request, [job.frame.rgb.buffer as ArrayBuffer]);
    }
  }

  #startWorker(): Worker {
    // No inherited Node options: the parent's (`--input-type`, `--test`, …) may not suit a worker.
    const workerData: FrameHashWorkerData = { views: this.views };
    const worker = new Worker(this.#entry.script, { eval: this.#entry.eval, execArgv: [], workerData });
    this.#exited.set(
      worker,
      new Promise((resolve) => {
        worker.once('exit', () => {
          this.#exited.delete(worker);
          resolve();
        });
      }),
    );
    worker.on('message', (reply: FrameHashReply) => {
      const job = this.#finish(worker);
      if (job === undefined) return;
      if (reply.ok) {
        this.#hashed += 1;
        job.resolve(reply.hashes);
      } else {
        job.reject(new EngineError('INTERNAL', `frame hashing failed: ${reply.message}`));
      }
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
      if (job === undefined) return;
      if (this.#closed) {
        job.resolve(undefined);
        return;
      }
      this.#crashes += 1;
      this.#logger?.error({ err: cause, reason }, 'a frame hashing worker stopped; it will be replaced');
      job.reject(new EngineError('INTERNAL', `the frame hashing worker stopped (${reason})`, { cause }));
      this.#pump();
    };
    worker.on('error', (error) => fail(error.message, error));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    return worker;
  }

  /** Takes the worker's running frame off the books and frees its stream; `undefined` if it had none. */
  #finish(worker: Worker): Job | undefined {
    const running = this.#running.get(worker);
    if (running === undefined) return undefined;
    this.#running.delete(worker);
    const state = this.#lanes.get(running.lane) as Lane;
    state.running = false;
    if (state.waiting !== undefined && !this.#closed) this.#ready.push(running.lane);
    else this.#lanes.delete(running.lane);
    return running.job;
  }
}
