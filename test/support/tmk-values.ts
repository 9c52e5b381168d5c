import { formatTmkSignal, TmkAccumulator, type TmkSignalText, writeTmkFile } from '../../src/signals/index.js';
import { mulberry32 } from './mulberry32.js';

/**
 * A valid `tmk_pdqf` value (351,128 characters) without a video: TMK+PDQF of `frames` made-up
 * frame features drawn from `seed`, so tests of what stores, lists and moves these values need
 * no ffmpeg. Different seeds give different values.
 */
export function syntheticTmkValue(seed: number, frames = 60): TmkSignalText {
  const next = mulberry32(seed);
  const accumulator = new TmkAccumulator();
  for (let frame = 0; frame < frames; frame++) {
    accumulator.add(Float32Array.from({ length: 256 }, () => next() / 2 ** 31 - 1));
  }
  return formatTmkSignal(writeTmkFile(accumulator.finish()));
}
