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

/**
 * Luma Y = 0.299·R + 0.587·G + 0.114·B in float32, one value per pixel, row-major.
 *
 * Grey pixels go through the same formula with R = G = B, not straight through as the C++
 * CLI's PGM path does: python-threatexchange / HMA stack grey into three channels and the
 * reference core hashes the RGB that ImageMagick writes, so this is what existing banks hold.
 */
export function lumaFromPixels(
  pixels: PixelBuffer,
  output: Float32Array = new Float32Array(pixels.width * pixels.height),
): Float32Array {
  const { data } = pixels;
  const count = pixels.width * pixels.height;
  if (pixels.channels === 3) {
    for (let i = 0, p = 0; i < count; i++, p += 3) {
      output[i] =
        Math.fround(Math.fround(redWeight * (data[p] as number)) + Math.fround(greenWeight * (data[p + 1] as number))) +
        Math.fround(blueWeight * (data[p + 2] as number));
    }
  } else {
    for (let i = 0; i < count; i++) {
      const grey = data[i] as number;
      output[i] =
        Math.fround(Math.fround(redWeight * grey) + Math.fround(greenWeight * grey)) + Math.fround(blueWeight * grey);
    }
  }
  return output;
}
