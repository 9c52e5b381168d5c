import { type JobLogger, stderrJobLogger } from './job-logger.js';

/** One periodic job. */
export interface JobDefinition {
  /** A short stable name, used in logs (e.g. `cases.purge`). */
  readonly name: string;
  /** Time between the end of one run and the start of the next. */
  readonly everyMs: number;
  /** The work; its failure (a throw or a rejection) is caught, logged and retried. */
  readonly run: () => Promise<unknown>;
  /** Retries after a failed attempt before waiting for the next period (default 3). */
  readonly retries?: number;
  /** Wait before the first retry; it doubles for each next one, up to `maxBackoffMs` (default 1 s). */
  readonly backoffMs?: number;
  /** Longest wait between retries (default 60 s). */
  readonly maxBackoffMs?: number;
}

/** The outcome of one run of a job (with its retries). */
export interface JobRun {
  readonly name: string;
  readonly ok: boolean;
  readonly attempts: number;
  readonly result?: unknown;
  readonly error?: string;
}

export interface JobRunnerOptions {
  readonly logger?: JobLogger;
  /** How to wait (tests pass a fast one); resolves early when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface Scheduled {
  readonly job: JobDefinition;
  timer: NodeJS.Timeout | undefined;
  running: Promise<JobRun> | undefined;
  /** The run `wake` asked for after the one in flight. */
  followUp: Promise<unknown> | undefined;
}

/**
 * Runs periodic work (purging cases past retention, purging evidence, anything periodic later).
 * Every run is caught: a failure is logged with the job's name and retried with exponential
 * backoff, then the job waits for its next period. Nothing a job does can become an unhandled
 * rejection or stop the process. Runs of one job never overlap. The period timers are unref'd,
 * so an idle runner never keeps a process alive; `stop()` cancels the timers and any retry wait
 * and waits for runs in flight.
 */
export class JobRunner {
  readonly #logger: JobLogger;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #jobs = new Map<string, Scheduled>();
  readonly #stopping = new AbortController();
  #started = false;

  constructor(options: JobRunnerOptions = {}) {
    this.#logger = options.logger ?? stderrJobLogger;
    this.#sleep = options.sleep ?? abortableSleep;
  }

  /** Adds a job; once the runner is started it runs every `everyMs`. */
  add(job: JobDefinition): this {
    if (this.#jobs.has(job.name)) throw new Error(`job ${job.name} is already added`);
    const scheduled: Scheduled = { job, timer: undefined, running: undefined, followUp: undefined };
    this.#jobs.set(job.name, scheduled);
    if (this.#started) this.#schedule(scheduled);
    return this;
  }

  /** Starts the timers (the first run of each job comes after one period). */
  start(): void {
    if (this.#started || this.#stopping.signal.aborted) return;
    this.#started = true;
    for (const scheduled of this.#jobs.values()) this.#schedule(scheduled);
  }

  /**
   * Runs a job now (joining the run in flight, if any) and resolves with its outcome; never
   * rejects.
   */
  runNow(name: string): Promise<JobRun> {
    const scheduled = this.#jobs.get(name);
    if (scheduled === undefined) return Promise.resolve({ name, ok: false, attempts: 0, error: 'no such job' });
    scheduled.running ??= this.#attempt(scheduled.job).finally(() => {
      scheduled.running = undefined;
    });
    return scheduled.running;
  }

  /**
   * New work arrived for a job (the action outbox got rows): runs it now, or, when a run is in
   * flight (it may have looked for work before this arrived), once more right after that run.
   * Wakes while that follow-up waits join it, so a burst of wakes costs at most two runs. Does
   * nothing once the runner is stopping, or for an unknown job; never rejects.
   */
  wake(name: string): void {
    const scheduled = this.#jobs.get(name);
    if (scheduled === undefined || this.#stopping.signal.aborted) return;
    if (scheduled.running === undefined) {
      void this.runNow(name);
      return;
    }
    scheduled.followUp ??= scheduled.running.then(() => {
      scheduled.followUp = undefined;
      return this.#stopping.signal.aborted ? undefined : this.runNow(name);
    });
  }

  /** Cancels every timer and retry wait, then waits for runs in flight to end. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    for (const scheduled of this.#jobs.values()) clearTimeout(scheduled.timer);
    await Promise.all([...this.#jobs.values()].flatMap((scheduled) => [scheduled.running, scheduled.followUp]));
  }

  #schedule(scheduled: Scheduled): void {
    if (this.#stopping.signal.aborted) return;
    scheduled.timer = setTimeout(() => {
      scheduled.timer = undefined;
      void this.runNow(scheduled.job.name).then(() => this.#schedule(scheduled));
    }, scheduled.job.everyMs);
    scheduled.timer.unref();
  }

  /** Logs; a logger that throws is ignored (logging must not become the job's failure). */
  #log(level: keyof JobLogger, obj: object, msg: string): void {
    try {
      this.#logger[level](obj, msg);
    } catch {
      // ignored on purpose
    }
  }

  async #attempt(job: JobDefinition): Promise<JobRun> {
    const retries = job.retries ?? 3;
    let backoff = job.backoffMs ?? 1000;
    const maxBackoff = job.maxBackoffMs ?? 60_000;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await job.run();
        this.#log('info', { job: job.name, attempt }, 'job done');
        return { name: job.name, ok: true, attempts: attempt, result };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const last = attempt > retries || this.#stopping.signal.aborted;
        if (last) {
          this.#log('error', { job: job.name, attempt, err: describe(error) }, 'job failed; next try next period');
          return { name: job.name, ok: false, attempts: attempt, error: message };
        }
        this.#log('warn', { job: job.name, attempt, err: describe(error), retryInMs: backoff }, 'job failed; retrying');
        await this.#sleep(backoff, this.#stopping.signal);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }
}

/** An error as a log field: its name, message and code (no stack: logs may leave the host). */
function describe(error: unknown): { name: string; message: string; code?: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    // Not unref'd: a caller awaiting `runNow` keeps the process alive through its retries.
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
