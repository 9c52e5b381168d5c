import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/index.js';

/** CLI streams that collect what a command writes, for in-process CLI tests. */
export function captureIo(): CliIo & { output: () => string; errors: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  (stderr as unknown as PassThrough).on('data', (chunk: Buffer) => err.push(chunk.toString()));
  return { stdout, stderr, output: () => out.join(''), errors: () => err.join('') };
}
