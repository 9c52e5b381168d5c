import { runCli } from '../../src/cli/index.js';
import { captureIo } from './capture-io.js';

/** What an in-process `prevail` command line gave. */
export interface CliRun {
  /** The exit status `runCli` returned. */
  readonly status: number;
  /** The lines it printed on stdout, empty ones left out. */
  readonly lines: string[];
  /** All it wrote to stderr. */
  readonly errors: string;
}

/** Runs one `prevail` command line in this process (`runCli`, the process's environment) and collects what it printed. */
export async function runCaptured(argv: readonly string[]): Promise<CliRun> {
  const io = captureIo();
  const status = await runCli(argv, io);
  return {
    status,
    lines: io
      .output()
      .split('\n')
      .filter((line) => line !== ''),
    errors: io.errors(),
  };
}
