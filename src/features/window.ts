/**
 * Windows and buckets: the one place the time arithmetic of windowed features lives, so the store,
 * the reference recomputation and the tests cannot drift apart.
 *
 * A window of W ms is kept as buckets of b = W / 60 ms, aligned on the Unix epoch: bucket
 * k = floor(t / b) holds the events with k·b ≤ time < (k + 1)·b. The value at time t aggregates the
 * 61 buckets that overlap (t − W, t]: k from floor(t / b) − 60 to floor(t / b), both included. So
 * an event counts at t exactly when floor(time / b) ≥ floor(t / b) − 60; the look-back is between
 * W and W + b (never less than the window, at most 1/60 more), and an event exactly at t − W counts.
 */

/** Buckets per window: a window is kept as 60 buckets of window / 60 (61 overlap any read). */
export const bucketsPerWindow = 60;

/** The shortest window: one minute (buckets of one second). */
export const minWindowMs = 60_000;

/** The longest window: 400 days (buckets of 6 h 40 min). */
export const maxWindowMs = 400 * 86_400_000;

const unitMs: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const windowPattern = /^([1-9][0-9]{0,5})([mhd])$/;

/**
 * The length in ms of a window written `<n>m`, `<n>h` or `<n>d` (minutes, hours, days; n a
 * positive integer without leading zeros) between 1m and 400d, or `undefined` for anything else.
 * Every such window is a whole number of seconds × 60, so its bucket width is a whole number of ms.
 */
export function parseWindow(text: string): number | undefined {
  const match = windowPattern.exec(text);
  if (match === null) return undefined;
  const unit = unitMs[match[2] as string] as number;
  const ms = Number(match[1]) * unit;
  return ms >= minWindowMs && ms <= maxWindowMs ? ms : undefined;
}

/** The bucket width in ms for a window of `windowMs` (a whole number for every valid window). */
export function bucketWidthMs(windowMs: number): number {
  return windowMs / bucketsPerWindow;
}

/** The bucket holding time `timeMs`: floor(timeMs / bucketMs), aligned on the Unix epoch. */
export function bucketOf(timeMs: number, bucketMs: number): number {
  return Math.floor(timeMs / bucketMs);
}

/** The oldest bucket a read whose newest bucket is `bucket` aggregates (it reads 61 buckets). */
export function oldestCountedBucket(bucket: number): number {
  return bucket - bucketsPerWindow;
}
