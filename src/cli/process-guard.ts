import type { EventEmitter } from 'node:events';
import type { Logger } from '../logging/index.js';

/** The exit status after an uncaught exception (EX_SOFTWARE: an internal error). */
export const uncaughtExitCode = 70;

/** How long closing may take after an uncaught exception before the process exits anyway. */
const fatalCloseDeadlineMs = 10_000;

/** What `guardProcess` acts on: the process by default, a plain emitter in tests. */
export interface GuardedProcess extends EventEmitter {
  exit(code: number): void;
}

/**
 * The last line of defence of a long-running command (`prevail serve`).
 *
 * A promise rejection nobody handled is a bug, but Node.js 20 would stop the whole server for it,
 * and one bad request, event or job must not stop the rest: it is logged (`unhandled_rejection`,
 * with the error) and the process goes on.
 *
 * An uncaught exception is different: it leaves the process in an unknown state (a handler half
 * run, a lease held), so going on would be worse than stopping. It is logged as fatal, `close` is
 * given `fatalCloseDeadlineMs` to stop taking work and release the store, and the process exits
 * with status 70; the supervisor (systemd `Restart=on-failure`, compose `restart:`) starts it
 * again and the engine resumes from its watermark, so restarts go on.
 *
 * Returns a function that removes both listeners.
 */
export function guardProcess(
  logger: Logger,
  close: () => Promise<void>,
  target: GuardedProcess = process as unknown as GuardedProcess,
): () => void {
  const onRejection = (reason: unknown): void => {
    logger.error(
      { err: reason, event: 'unhandled_rejection' },
      'a promise was rejected and nobody handled it (a bug); the server goes on',
    );
  };
  let exiting = false;
  const onException = (error: unknown): void => {
    logger.fatal(
      { err: error, event: 'uncaught_exception' },
      'uncaught exception: closing and exiting for the supervisor to restart',
    );
    if (exiting) return;
    exiting = true;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, fatalCloseDeadlineMs).unref());
    void Promise.race([close().catch(() => undefined), deadline]).finally(() => target.exit(uncaughtExitCode));
  };
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
