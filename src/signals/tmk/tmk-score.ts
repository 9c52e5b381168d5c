import { float32Dot, type TmkFeatures } from './tmk-features.js';
import { tmkDefaultLevel1Threshold, tmkDefaultLevel2Threshold } from './tmk-parameters.js';

/**
 * Level-1 score of two videos: the cosine similarity of their pure-average features, −1..1. Cheap
 * (one 256-float dot); upstream uses it to skip the level-2 score of pairs that cannot match.
 * Two zero averages score 0.
 */
export function tmkLevel1Score(a: TmkFeatures, b: TmkFeatures): number {
  const nu = Math.sqrt(float32Dot(a.pureAverage, a.pureAverage));
  const nv = Math.sqrt(float32Dot(b.pureAverage, b.pureAverage));
  if (nu === 0 || nv === 0) return 0;
  return float32Dot(a.pureAverage, b.pureAverage) / (nu * nv);
}

/**
 * Level-2 (TMK) score of two videos, 0..1 (1 for a video with itself): for each period T and each
 * shift Δ = 2π·offset/T (offset 0..T−1) the kernel
 *
 *   K(Δ) = u_{c,0}·v_{c,0} + Σ_{j≥1} cos(jΔ)(u_{c,j}·v_{c,j} + u_{s,j}·v_{s,j}) + sin(jΔ)(u_{s,j}·v_{c,j} − u_{c,j}·v_{s,j}),
 *
 * the best over shifts, the best over periods, divided by a_0 + 2 Σ_{j≥1} a_j (the self-score).
 * The best shift is the time offset of `b` against `a` modulo T, so the score follows a copy
 * that starts later or earlier. About a million multiply-adds (Σ T · 32).
 *
 * @throws Error when the two were not hashed alike (`tmkCompatible`).
 */
export function tmkLevel2Score(a: TmkFeatures, b: TmkFeatures): number {
  const problem = tmkCompatible(a, b);
  if (problem !== undefined) throw new Error(`TMK features do not compare: ${problem}`);
  const d = a.dimension;
  const m = a.fourierCoefficients.length;
  let normaliser = a.fourierCoefficients[0] ?? 1;
  for (let j = 1; j < m; j++) normaliser += 2 * (a.fourierCoefficients[j] as number);
  let best = Number.NEGATIVE_INFINITY;
  const even = new Float64Array(m);
  const odd = new Float64Array(m);
  for (let i = 0; i < a.periods.length; i++) {
    for (let j = 0; j < m; j++) {
      const at = (i * m + j) * d;
      const cc = float32Dot(a.cos, b.cos, at, at, d);
      const ss = float32Dot(a.sin, b.sin, at, at, d);
      const sc = float32Dot(a.sin, b.cos, at, at, d);
      const cs = float32Dot(a.cos, b.sin, at, at, d);
      even[j] = j === 0 ? cc : cc + ss;
      odd[j] = sc - cs;
    }
    const period = a.periods[i] as number;
    for (let offset = 0; offset < period; offset++) {
      const delta = (2 * Math.PI * offset) / period;
      const stepCos = Math.cos(delta);
      const stepSin = Math.sin(delta);
      let c = 1;
      let s = 0;
      let kernel = even[0] as number;
      for (let j = 1; j < m; j++) {
        // (c, s) ← (cos jΔ, sin jΔ) by one rotation of the previous pair.
        const next = c * stepCos - s * stepSin;
        s = s * stepCos + c * stepSin;
        c = next;
        kernel += c * (even[j] as number) + s * (odd[j] as number);
      }
      if (kernel > best) best = kernel;
    }
  }
  return best / normaliser;
}

/** Why two feature sets cannot be compared (algorithm, rate, periods, coefficients, dimension), or undefined. */
export function tmkCompatible(a: TmkFeatures, b: TmkFeatures): string | undefined {
  if (a.algorithm !== b.algorithm) return `frame features ${a.algorithm} and ${b.algorithm}`;
  if (a.framesPerSecond !== b.framesPerSecond) return `${a.framesPerSecond} and ${b.framesPerSecond} frames per second`;
  if (a.dimension !== b.dimension) return `frame-feature dimensions ${a.dimension} and ${b.dimension}`;
  if (a.periods.length !== b.periods.length || a.periods.some((period, i) => period !== b.periods[i])) {
    return `periods ${a.periods.join(',')} and ${b.periods.join(',')}`;
  }
  const ca = a.fourierCoefficients;
  const cb = b.fourierCoefficients;
  if (ca.length !== cb.length) return `${ca.length} and ${cb.length} Fourier coefficients`;
  for (let j = 0; j < ca.length; j++) {
    const x = ca[j] as number;
    const y = cb[j] as number;
    const scale = Math.max(Math.abs(x), Math.abs(y));
    if (scale > 0 && Math.abs(x - y) / scale > 1e-6) return `Fourier coefficient ${j}: ${x} and ${y}`;
  }
  return undefined;
}

/** Both scores of a pair and whether they pass the thresholds (level 2 only computed when level 1 passes). */
export interface TmkComparison {
  readonly level1: number;
  /** undefined when level 1 is under its threshold (the pair cannot match; upstream skips it too). */
  readonly level2: number | undefined;
  readonly match: boolean;
}

/**
 * Two-level comparison as upstream's `tmk-two-level-score`: level 1 ≥ `level1Threshold`, then
 * level 2 ≥ `level2Threshold` (both 0.7 by default, upstream's values for TMK+PDQF).
 */
export function compareTmk(
  a: TmkFeatures,
  b: TmkFeatures,
  level1Threshold: number = tmkDefaultLevel1Threshold,
  level2Threshold: number = tmkDefaultLevel2Threshold,
): TmkComparison {
  const level1 = tmkLevel1Score(a, b);
  if (level1 < level1Threshold) return { level1, level2: undefined, match: false };
  const level2 = tmkLevel2Score(a, b);
  return { level1, level2, match: level2 >= level2Threshold };
}

/**
 * Distance of two TMK+PDQF feature sets, 0..1: `1 − level-2 score` (clamped at 0 and 1) when
 * their level-1 score (cosine of the frame averages) reaches upstream's 0.7, otherwise 1 without
 * computing level 2 (the pair cannot match, as upstream's two-level scoring skips it). Rounded
 * to 6 decimals, so that a video compares to itself as 0 despite float32 sums. The default
 * threshold 0.3 is upstream's level-2 threshold of 0.7.
 */
export function tmkDistance(a: TmkFeatures, b: TmkFeatures): number {
  if (tmkLevel1Score(a, b) < tmkDefaultLevel1Threshold) return 1;
  const distance = Math.min(1, Math.max(0, 1 - tmkLevel2Score(a, b)));
  return Math.round(distance * 1e6) / 1e6;
}
