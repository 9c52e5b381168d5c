/**
 * TMK+PDQF: Meta's temporal match kernel over PDQ float features (ThreatExchange `tmk/`), a
 * fixed-size (263 KB) summary of a whole video that two-level scoring compares: the cosine of
 * the frames' average feature (level 1), then a kernel score maximised over time shifts (level 2).
 * Written from the published description and format; reads and writes upstream's `.tmk` files.
 */
export { pdqfFeature } from './pdqf.js';
export { TmkAccumulator, type TmkFeatures } from './tmk-features.js';
export { readTmkFile, tmkFileSize, writeTmkFile } from './tmk-file.js';
export { tmkFrameReading, tmkFromFrames } from './tmk-hash.js';
export { TmkIndex } from './tmk-index.js';
export {
  pdqfDimension,
  tmkDefaultLevel1Threshold,
  tmkDefaultLevel2Threshold,
  tmkFourierCoefficients,
  tmkFrameSide,
  tmkFramesPerSecond,
  tmkPeriods,
} from './tmk-parameters.js';
export {
  compareTmk,
  type TmkComparison,
  tmkCompatible,
  tmkDistance,
  tmkLevel1Score,
  tmkLevel2Score,
} from './tmk-score.js';
export { tmkPdqfSignal } from './tmk-signal.js';
export { formatTmkSignal, readTmkSignal, type TmkSignalText } from './tmk-value.js';
