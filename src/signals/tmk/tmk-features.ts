import { pdqfDimension, tmkFourierCoefficients, tmkFramesPerSecond, tmkPeriods } from './tmk-parameters.js';

/**
 * A video's TMK feature vectors, as a `.tmk` file holds them (upstream's `TMKFeatureVectors`).
 *
 * - `pureAverage`: the mean of the frames' features (the level-1 feature; not normalised, which
 *   does not matter to its cosine).
 * - `cos`, `sin`: for each period T (index i) and Fourier coefficient a_j (index j), the sum over
 *   frames t of the L2-normalised frame feature times cos(2πjt/T) and sin(2πjt/T), then
 *   L2-normalised and scaled by √a_j. Laid out row-major as [period][coefficient][dimension]:
 *   element k of (i, j) is at `(i · coefficients + j) · dimension + k`. The sine vector of j = 0 is 0.
 */
export interface TmkFeatures {
  /** The frame feature's four-letter name in the file; only `PDQF` is hashed here. */
  readonly algorithm: string;
  readonly framesPerSecond: number;
  /** Frames hashed (after resampling); informational. */
  readonly frameCount: number;
  readonly periods: readonly number[];
  readonly fourierCoefficients: Float32Array;
  readonly dimension: number;
  readonly pureAverage: Float32Array;
  readonly cos: Float32Array;
  readonly sin: Float32Array;
}

/**
 * Builds a video's TMK features one frame feature at a time, in frame order (frame t is the t-th
 * fed, at 15 fps), in float32 as upstream accumulates them. `finish` once after the last frame.
 * Memory is fixed (2 · 4 · 32 · 256 floats) whatever the video's length.
 */
export class TmkAccumulator {
  readonly #periods: readonly number[];
  readonly #coefficients: Float32Array;
  readonly #dimension: number;
  readonly #sum: Float32Array;
  readonly #cos: Float32Array;
  readonly #sin: Float32Array;
  readonly #normalised: Float32Array;
  #count = 0;
  #finished = false;

  constructor(
    dimension: number = pdqfDimension,
    periods: readonly number[] = tmkPeriods,
    coefficients: readonly number[] = tmkFourierCoefficients,
  ) {
    this.#dimension = dimension;
    this.#periods = periods;
    this.#coefficients = Float32Array.from(coefficients);
    this.#sum = new Float32Array(dimension);
    this.#cos = new Float32Array(periods.length * coefficients.length * dimension);
    this.#sin = new Float32Array(periods.length * coefficients.length * dimension);
    this.#normalised = new Float32Array(dimension);
  }

  /** Frames fed so far. */
  get frameCount(): number {
    return this.#count;
  }

  /** Adds the next frame's feature (`dimension` floats). */
  add(feature: Float32Array): void {
    if (this.#finished) throw new Error('TmkAccumulator: add after finish');
    const d = this.#dimension;
    if (feature.length !== d) throw new Error(`TmkAccumulator: a frame feature has ${d} values; got ${feature.length}`);
    const sum = this.#sum;
    const unit = this.#normalised;
    for (let k = 0; k < d; k++) sum[k] = (sum[k] as number) + (feature[k] as number);
    const norm = Math.fround(Math.sqrt(float32Dot(feature, feature)));
    for (let k = 0; k < d; k++) unit[k] = norm > 0 ? (feature[k] as number) / norm : (feature[k] as number);

    const t = this.#count;
    const m = this.#coefficients.length;
    const cos = this.#cos;
    const sin = this.#sin;
    for (let i = 0; i < this.#periods.length; i++) {
      const period = this.#periods[i] as number;
      const base0 = i * m * d;
      for (let k = 0; k < d; k++) cos[base0 + k] = (cos[base0 + k] as number) + (unit[k] as number);
      for (let j = 1; j < m; j++) {
        const angle = (2 * Math.PI * j * t) / period;
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        const base = (i * m + j) * d;
        for (let k = 0; k < d; k++) {
          const u = unit[k] as number;
          cos[base + k] = (cos[base + k] as number) + u * c;
          sin[base + k] = (sin[base + k] as number) + u * s;
        }
      }
    }
    this.#count = t + 1;
  }

  /** Averages, normalises and scales the sums; the accumulator takes no frame after this. */
  finish(framesPerSecond: number = tmkFramesPerSecond, algorithm = 'PDQF'): TmkFeatures {
    if (this.#finished) throw new Error('TmkAccumulator: finish twice');
    this.#finished = true;
    const d = this.#dimension;
    const m = this.#coefficients.length;
    if (this.#count > 0) {
      for (let k = 0; k < d; k++) this.#sum[k] = (this.#sum[k] as number) / this.#count;
      for (let i = 0; i < this.#periods.length; i++) {
        for (let j = 0; j < m; j++) {
          const scale = Math.fround(Math.sqrt(this.#coefficients[j] as number));
          const offset = (i * m + j) * d;
          normaliseAndScale(this.#cos.subarray(offset, offset + d), scale);
          normaliseAndScale(this.#sin.subarray(offset, offset + d), scale);
        }
      }
    }
    return {
      algorithm,
      framesPerSecond,
      frameCount: this.#count,
      periods: [...this.#periods],
      fourierCoefficients: this.#coefficients,
      dimension: d,
      pureAverage: this.#sum,
      cos: this.#cos,
      sin: this.#sin,
    };
  }
}

/** Σ u_k v_k summed in float32, as upstream's vector dot. */
export function float32Dot(u: Float32Array, v: Float32Array, uOffset = 0, vOffset = 0, length = u.length): number {
  let sum = 0;
  for (let k = 0; k < length; k++) {
    sum = Math.fround(sum + Math.fround((u[uOffset + k] as number) * (v[vOffset + k] as number)));
  }
  return sum;
}

/** L2-normalises `vector` in place (a zero vector stays zero), then multiplies it by `scale`. */
function normaliseAndScale(vector: Float32Array, scale: number): void {
  const norm = Math.fround(Math.sqrt(float32Dot(vector, vector)));
  for (let k = 0; k < vector.length; k++) {
    const unit = norm > 0 ? Math.fround((vector[k] as number) / norm) : (vector[k] as number);
    vector[k] = unit * scale;
  }
}
