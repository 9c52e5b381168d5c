import sharp from 'sharp';

/**
 * Benign generated pictures: smooth colour gradients crossed by stripes. The demo bank and every
 * test use these; no other kind of picture appears anywhere in Prevail. Different seeds give
 * different pictures (far apart in PDQ distance).
 */
export function patternPixels(width: number, height: number, seed = 1): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3;
      const stripe = Math.floor((x * seed + y * 3) / Math.max(8, width / 12)) % 2 === 0 ? 40 : 0;
      data[offset] = Math.floor((255 * x) / Math.max(1, width - 1)) ^ stripe;
      data[offset + 1] = Math.floor((255 * y) / Math.max(1, height - 1));
      data[offset + 2] = (x * seed + 2 * y) & 0xff;
    }
  }
  return data;
}

/** A pattern picture encoded as `format`. */
export async function patternImage(
  width: number,
  height: number,
  format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif',
  seed = 1,
): Promise<Uint8Array> {
  const image = sharp(patternPixels(width, height, seed), { raw: { width, height, channels: 3 } });
  const encoded = await image.toFormat(format, format === 'jpeg' ? { quality: 90 } : {}).toBuffer();
  return new Uint8Array(encoded);
}
