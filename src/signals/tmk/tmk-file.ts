import type { TmkFeatures } from './tmk-features.js';

/**
 * The `.tmk` feature-vector file of ThreatExchange's `tmk/cpp` (version `TMK1`, type `FVEC`),
 * little-endian, 263,344 bytes for TMK+PDQF:
 *
 * - header, 32 bytes: `TMK1`, `FVEC`, the frame-feature name (`PDQF`), then int32 frames per
 *   second, period count P, Fourier-coefficient count m, feature dimension d, frame count;
 * - P int32 periods, m float32 coefficients, d float32 pure-average values;
 * - P·m·d float32 cosine features, then P·m·d float32 sine features ([period][coefficient][dimension]).
 */
const headerBytes = 32;
const projectMagic = 'TMK1';
const fileTypeMagic = 'FVEC';

/** Bounds a reader accepts, so a corrupt header cannot ask for gigabytes. */
const maxPeriods = 64;
const maxCoefficients = 1024;
const maxDimension = 4096;

/**
 * Reads a `.tmk` file's bytes.
 *
 * @throws Error naming what is wrong: a short file, the wrong magic, absurd counts, trailing bytes.
 */
export function readTmkFile(bytes: Uint8Array): TmkFeatures {
  if (bytes.length < headerBytes)
    throw new Error(`a .tmk file has a ${headerBytes}-byte header; got ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (magic(0) !== projectMagic || magic(4) !== fileTypeMagic) {
    throw new Error(
      `not a TMK feature-vector file: magic "${magic(0)}${magic(4)}", expected "${projectMagic}${fileTypeMagic}"`,
    );
  }
  const algorithm = magic(8);
  const framesPerSecond = view.getInt32(12, true);
  const periodCount = view.getInt32(16, true);
  const coefficientCount = view.getInt32(20, true);
  const dimension = view.getInt32(24, true);
  const frameCount = view.getInt32(28, true);
  if (periodCount < 0 || periodCount > maxPeriods) throw new Error(`.tmk: ${periodCount} periods`);
  if (coefficientCount < 0 || coefficientCount > maxCoefficients)
    throw new Error(`.tmk: ${coefficientCount} coefficients`);
  if (dimension <= 0 || dimension > maxDimension) throw new Error(`.tmk: feature dimension ${dimension}`);
  if (frameCount < 0 || framesPerSecond <= 0) throw new Error(`.tmk: ${frameCount} frames at ${framesPerSecond} fps`);
  const rank3 = periodCount * coefficientCount * dimension;
  const expected = tmkFileSize(periodCount, coefficientCount, dimension);
  if (bytes.length !== expected) throw new Error(`.tmk: ${bytes.length} bytes where the header implies ${expected}`);
  let at = headerBytes;
  const periods: number[] = [];
  for (let i = 0; i < periodCount; i++, at += 4) periods.push(view.getInt32(at, true));
  const floats = (count: number): Float32Array => {
    const out = new Float32Array(count);
    for (let k = 0; k < count; k++, at += 4) out[k] = view.getFloat32(at, true);
    return out;
  };
  const fourierCoefficients = floats(coefficientCount);
  const pureAverage = floats(dimension);
  const cos = floats(rank3);
  const sin = floats(rank3);
  return { algorithm, framesPerSecond, frameCount, periods, fourierCoefficients, dimension, pureAverage, cos, sin };
}

/** Writes features as a `.tmk` file (the layout `readTmkFile` reads and upstream's tools read). */
export function writeTmkFile(features: TmkFeatures): Uint8Array {
  const periodCount = features.periods.length;
  const coefficientCount = features.fourierCoefficients.length;
  const { dimension } = features;
  const rank3 = periodCount * coefficientCount * dimension;
  if (features.algorithm.length !== 4)
    throw new Error(`a frame-feature name has 4 letters; got "${features.algorithm}"`);
  if (features.pureAverage.length !== dimension || features.cos.length !== rank3 || features.sin.length !== rank3) {
    throw new Error('TMK features: vector lengths disagree with the periods, coefficients and dimension');
  }
  const bytes = new Uint8Array(tmkFileSize(periodCount, coefficientCount, dimension));
  const view = new DataView(bytes.buffer);
  const magic = (at: number, text: string) => {
    for (let i = 0; i < 4; i++) bytes[at + i] = text.charCodeAt(i);
  };
  magic(0, projectMagic);
  magic(4, fileTypeMagic);
  magic(8, features.algorithm);
  view.setInt32(12, features.framesPerSecond, true);
  view.setInt32(16, periodCount, true);
  view.setInt32(20, coefficientCount, true);
  view.setInt32(24, dimension, true);
  view.setInt32(28, features.frameCount, true);
  let at = headerBytes;
  for (const period of features.periods) {
    view.setInt32(at, period, true);
    at += 4;
  }
  for (const vector of [features.fourierCoefficients, features.pureAverage, features.cos, features.sin]) {
    for (let k = 0; k < vector.length; k++, at += 4) view.setFloat32(at, vector[k] as number, true);
  }
  return bytes;
}

/** Bytes of a `.tmk` file with these counts (263,344 for TMK+PDQF: 4 periods, 32 coefficients, 256 dimensions). */
export function tmkFileSize(periods: number, coefficients: number, dimension: number): number {
  return headerBytes + 4 * (periods + coefficients + dimension + 2 * periods * coefficients * dimension);
}
