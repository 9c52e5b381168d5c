import type { Writable } from 'node:stream';

/** Where a command writes: injectable so that tests run commands in-process. */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: NodeJS.WriteStream;
  /** Where a command reads secrets given on standard input (`--password-stdin`); absent: `process.stdin`. */
  readonly stdin?: NodeJS.ReadableStream;
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
 * a stack trace. Any other write error (a full disk: ENOSPC) ends it with exit status 1 and one
 * line on `report` (standard error), never a stack.
 */
export function endQuietlyOnClosedPipe(
  stream: NodeJS.WritableStream,
  exit: (code: number) => void = (code) => process.exit(code),
  report: (line: string) => void = (line) => process.stderr.write(line),
): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return exit(closedPipeExitCode);
    try {
      report(`prevail: cannot write the output: ${error.code ?? error.message}\n`);
    } finally {
      exit(1);
    }
  });
}
