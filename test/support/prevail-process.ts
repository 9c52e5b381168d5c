import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

/** The CLI's source entry, run through tsx: the same code `bin/prevail.js` runs once built. */
const cliEntry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** The environment of a child `prevail`: this one's without any `PREVAIL_*`, plus `extra`. */
export function childEnvironment(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('PREVAIL_')) env[name] = value;
  return { ...env, PREVAIL_LOG_LEVEL: 'warn', ...extra };
}

/** What a finished `prevail` command printed and its exit status. */
export interface PrevailRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `prevail <args>` as its own process (60 s deadline) and resolves when it exits, whatever its status. */
export function runPrevail(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<PrevailRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', cliEntry, ...args],
      { env: childEnvironment(env), timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A running `prevail serve` child process. */
export interface ServeProcess {
  readonly url: string;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** Sends `signal` (e.g. SIGHUP, what `systemctl reload` sends) and returns at once. */
  signal(signal: NodeJS.Signals): void;
  /** Whether it has exited. */
  exited(): boolean;
  /** SIGTERM, then resolves with the exit status once it has stopped (SIGKILL after 30 s). */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash: nothing is finished or closed), then resolves once it has exited. */
  kill(): Promise<void>;
}

/**
 * Starts `prevail serve --host 127.0.0.1 --port <free> <args>` and resolves once it prints
 * "prevail listening on" (rejects if it exits first or takes over 60 s).
 */
export async function startPrevailServe(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<ServeProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', cliEntry, 'serve', '--host', '127.0.0.1', '--port', String(port), ...args],
    { env: childEnvironment(env), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let errors = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`prevail serve did not start within 60 s:\n${errors}`));
    }, 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
      if (errors.includes('prevail listening on')) {
        clearTimeout(deadline);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(deadline);
      reject(new Error(`prevail serve exited (${code}) before listening:\n${errors}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stderr: () => errors,
    signal: (signal) => {
      child.kill(signal);
    },
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: async () => {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A `prevail worker` child process; `stderr()` is everything it printed so far. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  stderr(): string;
}

/**
 * Starts `prevail worker --events <natsUrl> <args>` (log level `error`) without waiting for it:
 * tests watch what it did through the shared database, or `stderr()`.
 */
export function spawnPrevailWorker(natsUrl: string, args: readonly string[]): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'worker', '--events', natsUrl, ...args], {
    env: childEnvironment({ PREVAIL_LOG_LEVEL: 'error' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { child, stderr: () => stderr };
}
