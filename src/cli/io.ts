import type { Writable } from 'node:stream';

/** Where a command writes: injectable so that tests run commands in-process. */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: NodeJS.WriteStream;
}

/** The process's own streams. */
export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };
