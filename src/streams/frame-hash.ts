import { hashPixels, type PdqResult } from '../signals/index.js';
import type { VideoFrame } from '../video/index.js';

/**
 * PDQ of one decoded frame at its native size, as vPDQ hashes video frames (RGB24 → luma →
 * Jarosz filter → DCT, no pre-resize): the hash compares directly with PDQ hashes of still images
 * and with vPDQ frame hashes in the banks. Synchronous; the frame's buffer is only read.
 *
 * @example
 * const { hash, quality } = hashVideoFrame(frame); // quality < 50: do not match
 */
export function hashVideoFrame(frame: VideoFrame): PdqResult {
  return hashPixels({ width: frame.width, height: frame.height, channels: 3, data: frame.rgb });
}
