import { availableParallelism } from 'node:os';
import { activePdqKernels, hashPixels } from '../signals/index.js';
import { defaultFrameViews, type FrameViewOptions, hashFrameViews } from './frame-views.js';
import { MovingRegion } from './moving-region.js';

/**
 * The CPU budget of stream watching, in hashed frames per second across all streams.
 *
 * Policy: the machine can hash `maxFramesPerSecond` frames per second. A new stream whose frame
 * rate would take the total over the budget is refused (`STREAM_BUDGET_EXCEEDED`, HTTP 503)
 * rather than silently slowing every stream down — unless the operator chose `overload: 'degrade'`,
 * in which case every stream's rate is lowered fairly (max-min fair: no stream gets less than an
 * equal share unless it asked for less) down to a floor (`minimumFps`, default 0.2 frames/s);
 * a stream that would push anyone below the floor is refused even then. Degraded streams say so
 * in their status (`degraded: true`, `fps` below `requestedFps`), and get their rate back when
 * other streams stop.
 *
 * The default budget comes from a measurement and a ratio. The measurement: the cost of hashing one
 * 1280×720 frame with PDQ on this machine (about 1.5–4 ms with the WebAssembly SIMD kernels, 7–17
 * ms with the plain-JS ones). The ratio: a watched stream also costs its ffmpeg process, which
 * decodes every frame of the stream, not only the sampled ones — `bench/stream-cost.ts` measured
 * one second of 720p25 H.264 at about 18 WASM hashes (`decodeCostInHashes`: 8 JS hashes).
 * A sampled frame is not one hash but several: the streams' views (`measureViewsCost`: the whole
 * frame, the picture inside borders, the inner and zoomed inner views, the dihedral variants, the
 * moving-region and inset searches), about 4–6 hashes of a letterboxed 720p frame (measured on a
 * loaded 2-core machine, docs/streams.md). So one frame per
 * second of a stream costs `views ms + 18 × hash ms`, and the budget is
 * `cores × 1000 / (views ms + 18 × hash ms) × 0.75` frames per second (a quarter of the machine is
 * left for the HTTP API and the engine), and never more than the hashing threads can take: with
 * the frame pool (`FrameHashPool`, the default), 75 % of the frames its workers can hash with
 * their views; with hashing on the main thread (`hashWorkers: 0`), half of what that one thread
 * can. So on a few cores the budget
 * is the same either way (decoding dominates), and only with the pool does it grow with the cores.
 * Streams sampled faster than 1 frame per second are counted conservatively (their decoding is
 * shared by more frames than the budget assumes).
 */
export interface FrameBudget {
  readonly maxFramesPerSecond: number;
  readonly overload: 'refuse' | 'degrade';
  readonly minimumFps: number;
}

/** Share of the machine the budget may use. */
export const budgetUtilization = 0.75;

/**
 * Decoding one second of a 720p25 stream costs about this many frame hashes, of the kernels
 * `hashPixels` runs here (`activePdqKernels`): 18 WebAssembly SIMD hashes (`bench/stream-cost.ts`,
 * 2026-12-07: 66 ms of ffmpeg CPU against 3.7 ms a hash, same run), or 8 plain-JS hashes (the
 * first measurement, `bench/stream.ts`: 60 ms against 7 ms; 4 in the 2026-12-07 run, where a JS
 * hash cost 17 ms: 8 is the conservative one). Counted in JS hashes when the hashes ran on WASM,
 * decoding shrank 4–5 times in the budget while ffmpeg did the same work.
 */
export const decodeCostInHashes: number = activePdqKernels === 'wasm-simd' ? 18 : 8;

/** Share of the main thread (where watchers hash) the budget may use. */
const mainThreadShare = 0.5;

/**
 * Milliseconds to hash one `width`×`height` frame with PDQ here: the median of `samples` runs
 * after one warm-up (about 60 ms in total for 720p).
 */
export function measureFrameCost(width = 1280, height = 720, samples = 5): number {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const pixels = { width, height, channels: 3 as const, data };
  hashPixels(pixels);
  const times: number[] = [];
  for (let run = 0; run < samples; run++) {
    const started = performance.now();
    hashPixels(pixels);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 1;
}

/** A smooth synthetic picture (plainly fake: sine gradients) with black bars above and below. */
function letterboxedFrame(width: number, height: number): { width: number; height: number; rgb: Uint8Array } {
  const rgb = new Uint8Array(width * height * 3);
  const bar = Math.round(height * 0.1);
  for (let y = bar; y < height - bar; y++) {
    for (let x = 0; x < width; x++) {
      const value = 130 + 50 * Math.sin(x / 23) * Math.cos(y / 17) + 20 * Math.sin((x + y) / 41);
      rgb.fill(value, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { width, height, rgb };
}

/**
 * What the views of one sampled frame cost: milliseconds to find and hash the views `options`
 * makes (default the streams' `defaultFrameViews`) of a letterboxed `width`×`height` frame, the
 * moving region's search included (the median of `samples` runs after one warm-up), and how many
 * views were hashed. The letterbox makes every view that depends on the frame alone (the unboxed
 * picture and the inner views of both it and the whole frame: 6 hashes with the defaults, of
 * about 3.3 frames' worth of pixels); a moving region or an inset, hashed only when one is found,
 * is not counted (each at most 80 % of a frame, in some streams only).
 */
export function measureViewsCost(
  options: FrameViewOptions = defaultFrameViews,
  width = 1280,
  height = 720,
  samples = 3,
): { milliseconds: number; views: number } {
  const frame = { index: 0, timestamp: 0, ...letterboxedFrame(width, height) };
  const region = options.moving ? new MovingRegion() : undefined;
  const hash = () => hashFrameViews(frame, options, region?.observe(frame));
  const views = 1 + (hash().views?.length ?? 0);
  const times: number[] = [];
  for (let run = 0; run < samples; run++) {
    const started = performance.now();
    hash();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { milliseconds: times[Math.floor(times.length / 2)] ?? 1, views };
}

/**
 * Frames per second the budget allows for a measured hash cost (`hashCostMs`, one hash of a
 * frame: the unit decoding is counted in) and views cost (`viewsCostMs`, the views of a sampled
 * frame, `measureViewsCost`; default one hash) on `cores` cores, hashing in `hashWorkers` pool
 * workers, or on the main thread when 0 (see `FrameBudget`), decoding a stream-second costing
 * `decodeHashes` hashes (default `decodeCostInHashes`, 18 with the WASM kernels).
 *
 * @example estimateFramesPerSecond(2, 2, 2, 8) // 34: 2 × 1000 / (8 + 18 × 2) × 0.75
 * @example estimateFramesPerSecond(7, 2, 2, 21, 8) // 19: 2 × 1000 / (21 + 8 × 7) × 0.75
 * @example estimateFramesPerSecond(1, 64, 0) // 500: half of what the main thread can hash
 * @example estimateFramesPerSecond(1, 64, 64) // 2526: the machine (64 × 1000 / 19 × 0.75), the pool not being the limit
 */
export function estimateFramesPerSecond(
  hashCostMs: number,
  cores: number = availableParallelism(),
  hashWorkers = 0,
  viewsCostMs: number = hashCostMs,
  decodeHashes: number = decodeCostInHashes,
): number {
  const hash = Math.max(hashCostMs, 0.01);
  const views = Math.max(viewsCostMs, 0.01);
  const machine = ((cores * 1000) / (views + hash * decodeHashes)) * budgetUtilization;
  const hashing =
    hashWorkers > 0 ? ((hashWorkers * 1000) / views) * budgetUtilization : (1000 / views) * mainThreadShare;
  return Math.max(1, Math.floor(Math.min(machine, hashing)));
}

/**
 * Max-min fair allocation of `budget` frames per second over streams that ask for `requested`:
 * every stream gets what it asked when everything fits; otherwise the smallest requests are met
 * in full and the rest share what remains equally. Returns `undefined` when even `floor` frames
 * per second for every stream (or its request, when smaller) does not fit.
 *
 * @example allocateFps([1, 1, 4], 4, 0.2) // [1, 1, 2]
 */
export function allocateFps(requested: readonly number[], budget: number, floor: number): number[] | undefined {
  const minimumTotal = requested.reduce((sum, fps) => sum + Math.min(fps, floor), 0);
  if (minimumTotal > budget + 1e-9) return undefined;
  const allocation = new Array<number>(requested.length).fill(0);
  const order = requested.map((fps, index) => ({ fps, index })).sort((a, b) => a.fps - b.fps);
  let remaining = budget;
  for (const [position, { fps, index }] of order.entries()) {
    const share = remaining / (order.length - position);
    const given = Math.min(fps, share);
    allocation[index] = given;
    remaining -= given;
  }
  return allocation;
}
