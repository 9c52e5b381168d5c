/**
 * What both parts of `npm run bench -- exchange` share: the NCMEC upstream as a child process
 * (entries generated on demand, so its memory does not grow with N), RSS-sampled timing, and
 * whole-number options.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const credentials = { user: 'test-user', password: 'test-password' };
export const perSecond = 100;

export function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} takes a positive whole number`);
  return value;
}

/**
 * Starts the upstream process over `entries` generated entries and, unpublished, `deltas`
 * changes; `publish(at)` publishes them from Unix second `at` on and resolves once the server has.
 */
export async function startServer(
  entries: number,
  firstTimestamp: number,
  deltas = 0,
): Promise<{ url: string; child: ChildProcess; publish(at: number): Promise<void> }> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'ncmec-server-side.js');
  const child = spawn(
    process.execPath,
    [script, String(entries), String(firstTimestamp), String(perSecond), String(deltas)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [url] = (await once(lines, 'line')) as [string];
  return {
    url,
    child,
    async publish(at) {
      child.stdin?.write(`publish ${at}\n`);
      await once(lines, 'line');
    },
  };
}

/**
 * Runs `work`, sampling RSS; returns its result, wall seconds, this process's CPU seconds (user +
 * system: the upstream runs in a child of its own, so this is the Prevail side alone, and less
 * skewed by a loaded machine than wall time) and peak RSS in MB.
 */
export async function measured<T>(
  work: () => Promise<T>,
): Promise<{ result: T; seconds: number; cpuSeconds: number; peakRssMb: number }> {
  global.gc?.();
  const cpu = process.cpuUsage();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  try {
    const result = await work();
    const used = process.cpuUsage(cpu);
    return {
      result,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
      peakRssMb: Math.round(peak / 2 ** 20),
    };
  } finally {
    clearInterval(sampler);
  }
}
