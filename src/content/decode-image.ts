import sharp from 'sharp';
import { EngineError } from '../core/index.js';
import { decodeHeic } from './decode-heic.js';
import { type ImageFormat, sniffImageFormat } from './media-format.js';

/** Decoded pixels: 8-bit, row-major, interleaved RGB, alpha removed. */
export interface DecodedImage {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
  readonly data: Uint8Array;
}

export interface DecodeOptions {
  /** Refuse images with more pixels than this (width × height), before decoding them. */
  readonly maxPixels: number;
  /**
   * Apply the EXIF orientation. Off by default: no reference PDQ implementation applies it, so
   * every existing bank holds hashes of the pixels as stored.
   */
  readonly autoOrient?: boolean;
}

/** 100 megapixels: large enough for any camera photo, small enough to refuse bombs early. */
export const defaultMaxPixels = 100_000_000;

function tooManyPixels(width: number, height: number, maxPixels: number): EngineError {
  return new EngineError(
    'IMAGE_TOO_MANY_PIXELS',
    `the image is ${width} × ${height} = ${width * height} pixels; the limit is ${maxPixels}`,
  );
}

/** Maps a libvips/sharp failure to a coded error; the original stays as `cause`. */
function decodeFailure(format: ImageFormat, error: unknown, maxPixels: number): EngineError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new EngineError('IMAGE_TOO_MANY_PIXELS', `the image exceeds the ${maxPixels}-pixel limit`, { cause: error });
  }
  if (/unsupported image format/i.test(message)) {
    return new EngineError('IMAGE_UNSUPPORTED_FORMAT', `the ${format} image could not be decoded: ${message}`, {
      cause: error,
    });
  }
  return new EngineError('IMAGE_CORRUPT', `the ${format} image is truncated or corrupt: ${firstLine(message)}`, {
    cause: error,
  });
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? text;
}

/**
 * ImageMagick's 16-bit → 8-bit step (`-depth 8`), which the reference vectors were decoded with:
 * floor(v / 257). Verified pixel for pixel against ImageMagick 6.9 on 16-bit grey and RGB PNGs.
 */
function scale16To8(samples: Uint16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.floor((samples[i] as number) / 257);
  return out;
}

/**
 * CMYK → RGB with the device formula R = (1 − C)(1 − K) that ImageMagick applies when no colour
 * management is asked for; computed at 16-bit quantum as it does, then scaled to 8 bits. This is
 * what reference tools hash, so banked hashes of CMYK files match. (Reading C, M, Y as R, G, B,
 * python-threatexchange's mistake, inverts the hash.)
 */
function cmykToRgb(cmyk: Uint8Array, pixelCount: number): Uint8Array {
  const rgb = new Uint8Array(pixelCount * 3);
  const quantum = 65535;
  for (let p = 0; p < pixelCount; p++) {
    const black = (cmyk[p * 4 + 3] as number) * 257;
    for (let channel = 0; channel < 3; channel++) {
      const ink = (cmyk[p * 4 + channel] as number) * 257;
      const value = quantum - ((ink * (quantum - black)) / quantum + black);
      const clamped = Math.max(0, Math.min(quantum, Math.floor(value + 0.5)));
      rgb[p * 3 + channel] = Math.floor(clamped / 257);
    }
  }
  return rgb;
}

async function decodeWithSharp(bytes: Uint8Array, format: ImageFormat, options: DecodeOptions): Promise<DecodedImage> {
  // ignoreIcc: hash the stored samples as the reference does, without colour-managing them.
  // failOn 'error': a truncated or corrupt file fails instead of hashing grey padding.
  const inputOptions = {
    limitInputPixels: options.maxPixels,
    failOn: 'error',
    ignoreIcc: true,
    pages: 1,
    autoOrient: options.autoOrient === true,
  } as const;
  const metadata = await sharp(bytes, inputOptions).metadata();
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  if (width * height > options.maxPixels) throw tooManyPixels(width, height, options.maxPixels);

  const image = sharp(bytes, inputOptions);
  if (metadata.space === 'cmyk') {
    const { data } = await image
      .pipelineColourspace('cmyk')
      .toColourspace('cmyk')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { format, width, height, channels: 3, data: cmykToRgb(data, width * height) };
  }
  if (metadata.depth === 'ushort' || metadata.depth === 'short') {
    const { data } = await image
      .removeAlpha()
      .toColourspace('rgb16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    const samples = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
    return { format, width, height, channels: 3, data: scale16To8(samples) };
  }
  const { data, info } = await image.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) {
    throw new EngineError('IMAGE_UNSUPPORTED_FORMAT', `the ${format} image decoded to ${info.channels} channels`);
  }
  return { format, width: info.width, height: info.height, channels: 3, data };
}

/**
 * Decodes image bytes to 8-bit pixels for hashing, faithfully: palette expanded, grey kept as
 * grey, 16-bit scaled like ImageMagick, CMYK converted (not read as RGB), alpha dropped (the RGB
 * under transparent pixels is kept, as the reference does), the first frame of an animation,
 * EXIF orientation ignored unless asked for, embedded ICC profiles not applied.
 *
 * @throws EngineError `INPUT_EMPTY`, `IMAGE_UNSUPPORTED_FORMAT`, `IMAGE_TOO_MANY_PIXELS` (checked
 *   from the header, before any pixel is decoded), `IMAGE_CORRUPT`.
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions): Promise<DecodedImage> {
  if (bytes.length === 0) throw new EngineError('INPUT_EMPTY', 'the input is empty (0 bytes)');
  const format = await sniffImageFormat(bytes);
  if (format === undefined) {
    throw new EngineError(
      'IMAGE_UNSUPPORTED_FORMAT',
      'the bytes are not a JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIC image',
    );
  }
  if (format === 'heic') return decodeHeic(bytes, options.maxPixels);
  try {
    return await decodeWithSharp(bytes, format, options);
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw decodeFailure(format, error, options.maxPixels);
  }
}
