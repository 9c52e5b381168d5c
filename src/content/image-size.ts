import sharp from 'sharp';
import { sniffImageFormat } from './media-format.js';

/**
 * The pixel count (width × height) an image declares in its header, read without decoding any
 * pixel (so a decompression bomb costs nothing here); `undefined` when the bytes are no image
 * sharp can read the header of (HEIC, videos, garbage). Used to weigh a decode before it is
 * admitted, not to validate: `decodeImage` still checks the limit itself.
 */
export async function imagePixelCount(bytes: Uint8Array): Promise<number | undefined> {
  const format = await sniffImageFormat(bytes);
  if (format === undefined || format === 'heic') return undefined;
  try {
    const { width, height } = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
    return width > 0 && height > 0 ? width * height : undefined;
  } catch {
    return undefined;
  }
}
