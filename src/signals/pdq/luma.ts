/**
 * Pixels as the PDQ hasher takes them: 8-bit samples, row-major, interleaved, with 1 (grey) or 3
 * (RGB) channels and no alpha. Decoders (`content/`) produce this shape.
 */
export interface PixelBuffer {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

const redWeight = Math.fround(0.299);
const greenWeight = Math.fround(0.587);
const blueWeight = Math.fround(0.114);

/** float32(weight · v) for every 8-bit v: the reference's products, computed once. */
function weightTable(weight: number): Float32Array {
  const table = new Float32Array(256);
  for (let value = 0; value < 256; value++) table[value] = weight * value;
  return table;
}
const redTable = weightTable(redWeight);
const greenTable = weightTable(greenWeight);
const blueTable = weightTable(blueWeight);

/**
 * Luma Y = 0.299·R + 0.587·G + 0.114·B in float32, one value per pixel, row-major.
 *
 * Grey pixels go through the same formula with R = G = B, not straight through as the C++
 * CLI's PGM path does: python-threatexchange / HMA stack grey into three channels and the
 * reference core hashes the RGB that ImageMagick writes, so this is what existing banks hold.
 */
export function lumaFromPixels(
  pixels: PixelBuffer,
  output = new Float32Array(pixels.width * pixels.height),
): Float32Array {
  const { data } = pixels;
  const count = pixels.width * pixels.height;
  if (pixels.channels === 3) {
    for (let i = 0, p = 0; i < count; i++, p += 3) {
      output[i] =
        Math.fround((redTable[data[p] as number] as number) + (greenTable[data[p + 1] as number] as number)) +
        (blueTable[data[p + 2] as number] as number);
    }
  } else {
    const greyTable = new Float32Array(256);
    for (let value = 0; value < 256; value++) {
      greyTable[value] =
        Math.fround((redTable[value] as number) + (greenTable[value] as number)) + (blueTable[value] as number);
    }
    for (let i = 0; i < count; i++) output[i] = greyTable[data[i] as number] as number;
  }
  return output;
}
