import type { Writable } from 'node:stream';

/** Where a command writes: injectable so that tests run commands in-process. */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: NodeJS.WriteStream;
}

/** The process's own streams. */
export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

/**
 * Exit status when the reader of the output went away (`prevail bank list | head`): 0, the
 * command did all that anyone was still reading, as `git log | head` does.
 */
export const closedPipeExitCode = 0;

/**
 * Ends the process quietly when the reader of `stream` closes its end of the pipe (EPIPE), as
 * Unix tools do on SIGPIPE; without this Node raises an unhandled `'error'` event and dies with
 * a stack trace. Any other stream error is not ours to hide and is raised as before.
 */
export function endQuietlyOnClosedPipe(
  stream: NodeJS.WritableStream,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(closedPipeExitCode);
    else throw error;
  });
}
