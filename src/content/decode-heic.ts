import heicDecode from 'heic-decode';
import { EngineError } from '../core/index.js';
import type { DecodedImage } from './decode-image.js';

/**
 * HEIC (HEVC-coded HEIF) through libheif compiled to WebAssembly (`heic-decode`): sharp's
 * prebuilt libvips carries no HEVC decoder. The primary image is decoded; its size is checked
 * against the pixel limit before any pixel is decoded. Alpha is dropped.
 */
export async function decodeHeic(bytes: Uint8Array, maxPixels: number): Promise<DecodedImage> {
  let images: Awaited<ReturnType<typeof heicDecode.all>>;
  try {
    images = await heicDecode.all({ buffer: bytes });
  } catch (error) {
    throw new EngineError('IMAGE_CORRUPT', 'the heic image could not be parsed', { cause: error });
  }
  try {
    const primary = images[0];
    if (primary === undefined) throw new EngineError('IMAGE_CORRUPT', 'the heic file holds no image');
    if (primary.width * primary.height > maxPixels) {
      throw new EngineError(
        'IMAGE_TOO_MANY_PIXELS',
        `the image is ${primary.width} × ${primary.height} = ${primary.width * primary.height} pixels; the limit is ${maxPixels}`,
      );
    }
    const { width, height, data: rgba } = await primary.decode();
    const data = new Uint8Array(width * height * 3);
    for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
      data[q] = rgba[p] as number;
      data[q + 1] = rgba[p + 1] as number;
      data[q + 2] = rgba[p + 2] as number;
    }
    return { format: 'heic', width, height, channels: 3, data };
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('IMAGE_CORRUPT', 'the heic image could not be decoded', { cause: error });
  } finally {
    images.dispose();
  }
}
