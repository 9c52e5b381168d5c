/**
 * `npm run bench -- uploads [COUNT] [SIDE] [pool|thread]`: COUNT uploads at once (default 6) of a
 * flat benign SIDE × SIDE PNG (default 5000: a small file that decodes to SIDE² pixels), hashed as
 * the server does — in the bounded worker pool (sized to this machine) — or all on the main
 * thread, as before the pool. It reports the wall time, the longest the main thread was blocked
 * (what every other request waits), the requests refused with 503, and the process's peak memory.
 * Run each mode in its own process to compare peaks (without a mode both run, pool first, and the
 * second peak includes the first).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { defaultMaxPixels } from '../src/content/index.js';
import { EngineError } from '../src/core/index.js';
import { HashPool, hashMedia, mediaSignalNames } from '../src/hasher/index.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';

const options = { signals: mediaSignalNames, dihedral: false, decode: { maxPixels: defaultMaxPixels } };

async function measure(
  hash: (bytes: Uint8Array) => Promise<unknown>,
  bytes: Uint8Array,
  count: number,
): Promise<{ wallMs: number; maxBlockedMs: number; refused: number; peakRssMb: number }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const outcomes = await Promise.allSettled(Array.from({ length: count }, () => hash(bytes)));
  const wallMs = performance.now() - started;
  delay.disable();
  const refused = outcomes.filter(
    (outcome) => outcome.status === 'rejected' && (outcome.reason as EngineError).code === 'HASHER_BUSY',
  ).length;
  const failed = outcomes.find((outcome) => outcome.status === 'rejected' && !(outcome.reason instanceof EngineError));
  if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  return {
    wallMs: Math.round(wallMs),
    maxBlockedMs: Math.round(delay.max / 1e6),
    refused,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

export async function run(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 6);
  const side = Number(args[1] ?? 5000);
  const machine = describeMachine();
  const image = sharp({ create: { width: side, height: side, channels: 3, background: { r: 90, g: 140, b: 200 } } });
  const bytes = new Uint8Array(await image.png().toBuffer());
  console.log(
    `uploads on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}: ${count} at once of a ${Math.round(bytes.length / 1024)} KB PNG of ${side}×${side}`,
  );
  const mode = args[2];
  const rows: (string | number)[][] = [];
  const result: Record<string, unknown> = { count, side, pngBytes: bytes.length };
  if (mode !== 'thread') {
    const pool = new HashPool();
    const pooled = await measure((upload) => pool.hash(upload, options), bytes, count);
    await pool.close();
    const { workers, maxQueued } = pool.settings;
    rows.push([`pool (${workers} workers, queue ${maxQueued})`, ...Object.values(pooled)]);
    result.pool = { ...pool.settings, ...pooled };
  }
  if (mode !== 'pool') {
    const inThread = await measure((upload) => hashMedia(upload, options), bytes, count);
    rows.push(['main thread (before)', ...Object.values(inThread)]);
    result.inThread = inThread;
  }
  printTable(['mode', 'wall ms', 'main thread blocked ms (max)', 'refused (503)', 'peak RSS MB'], rows);
  await finishBenchmark(mode === undefined ? 'uploads' : `uploads-${mode}`, result);
}
