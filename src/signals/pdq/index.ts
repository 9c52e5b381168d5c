import { EngineError } from '../../core/index.js';
import { MultiIndexPdqIndex } from '../../indexes/index.js';
import type { SignalType } from '../signal-type.js';
import { pdqDistance } from './hamming.js';
import { hashPixels } from './hasher.js';
import { type PdqHash, parsePdqHash } from './pdq-hash.js';

/**
 * PDQ: Meta's perceptual photo hash, 256 bits, compared by Hamming distance. Two photos are
 * the same picture (resized, re-encoded, lightly edited) when their distance is ≤ 31. PDQ is not
 * robust to crops or large rotations (use the dihedral variants for rotations and flips), and
 * unrelated pictures can collide, so a match is a lead for review, not proof. A photo hashes at
 * full resolution with its quality (`hashPixels`); banks are looked up through the PDQ
 * multi-index (exact for radius ≤ 31).
 */
export const pdqSignal: SignalType<PdqHash> = {
  name: 'pdq',
  contentTypes: ['photo'],
  description: 'PDQ perceptual hash of the decoded image (Hamming distance, match ≤ 31)',
  parse: parsePdqHash,
  async hash(content) {
    if (content.kind !== 'photo') throw new EngineError('INTERNAL', `pdq hashes photos, not ${content.kind} content`);
    const { hash, quality } = hashPixels(content.pixels);
    return { value: hash, quality };
  },
  compare: pdqDistance,
  defaultThreshold: 31,
  createIndex: () => new MultiIndexPdqIndex(),
};

export { dct64To16 } from './dct.js';
export { type DihedralName, dihedralNames } from './dihedral.js';
export { centreBox, contentBox, cornerBoxes, cropRgb, type FrameBox, type RgbFrame } from './frame-borders.js';
export { LumaFrame } from './frame-luma.js';
export { hammingWords, pdqDistance, popcount32 } from './hamming.js';
export {
  hashPixels,
  hashPixelsDihedral,
  hashPixelsDihedralJs,
  hashPixelsJs,
  minimumHashableDimension,
  type PdqDihedralResult,
  type PdqResult,
  pdqDihedralFromLuma,
  pdqFromLuma,
  pdqQualityThreshold,
} from './hasher.js';
export { lumaFromPixels, type PixelBuffer } from './luma.js';
export { lumaSteps, lumaStepsJs } from './luma-steps.js';
export { isPdqHash, type PdqHash, parsePdqHash, pdqHashToWords, wordsToPdqHash, zeroPdqHash } from './pdq-hash.js';
export { activePdqKernels } from './wasm-kernels.js';
