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

export async function startServer(
  entries: number,
  firstTimestamp: number,
): Promise<{ url: string; child: ChildProcess }> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'ncmec-server-side.js');
  const child = spawn(process.execPath, [script, String(entries), String(firstTimestamp), String(perSecond)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [url] = (await once(lines, 'line')) as [string];
  return { url, child };
}

/** Runs `work`, sampling RSS; returns its result, seconds and peak RSS in MB. */
export async function measured<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number }> {
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  try {
    const result = await work();
    return { result, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(peak / 2 ** 20) };
  } finally {
    clearInterval(sampler);
  }
}
