import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { decodeImage, sniffMediaFormat, type VideoFormat } from '../content/index.js';
import { EngineError } from '../core/index.js';
import { probeVideo, readFrames, videoDemuxers } from '../video/index.js';
import type { WellnessPreferences } from './wellness-records.js';

/** Decoded pixels kept server-side only: 8-bit interleaved RGB. */
export interface Still {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** The stills of one media item: one for an image; the poster and key frames (in time order) for a video. */
export interface DecodedMedia {
  readonly kind: 'image' | 'video';
  readonly stills: readonly Still[];
}

/** Bounds on decoding. */
export interface DecodeBounds {
  /** Refuse images (and video frames) with more pixels than this. */
  readonly maxPixels: number;
  /** Key frames taken from a video, poster included (default 8). */
  readonly maxVideoFrames?: number;
  /** Deadline for reading a video's frames, in milliseconds (default 20,000). */
  readonly videoTimeoutMs?: number;
}

/** Stills are kept at most this size server-side (renditions are smaller; a reveal is at most this). */
export const revealMaxSide = 1024;

function stillOf(rgb: Uint8Array, width: number, height: number): Sharp {
  return sharp(rgb, { raw: { width, height, channels: 3 } });
}

/** Shrinks a still to at most `revealMaxSide` on its longest side (never enlarges). */
async function bounded(rgb: Uint8Array, width: number, height: number): Promise<Still> {
  if (Math.max(width, height) <= revealMaxSide) return { width, height, rgb: Uint8Array.from(rgb) };
  const { data, info } = await stillOf(rgb, width, height)
    .resize(revealMaxSide, revealMaxSide, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgb: data };
}

/**
 * Key frames of a video held in memory: ffmpeg reads a private temporary file (mode 0600, deleted
 * when done), local files only and the sniffed demuxer named, sampling `maxFrames` frames spread
 * over the duration, within the deadline. The first is the poster.
 *
 * @throws EngineError `VIDEO_DECODER_MISSING` (no ffmpeg), `VIDEO_UNREADABLE`, `IMAGE_TOO_MANY_PIXELS`.
 */
async function videoStills(bytes: Uint8Array, format: VideoFormat, bounds: DecodeBounds): Promise<Still[]> {
  const maxFrames = Math.max(1, Math.min(bounds.maxVideoFrames ?? 8, 32));
  const directory = await mkdtemp(join(tmpdir(), 'prevail-wellness-'));
  const stills: Still[] = [];
  const signal = AbortSignal.timeout(bounds.videoTimeoutMs ?? 20_000);
  try {
    const path = join(directory, `input.${format}`);
    await writeFile(path, bytes, { mode: 0o600 });
    const probe = await probeVideo(path);
    const duration = probe.durationSeconds !== null && probe.durationSeconds > 0 ? probe.durationSeconds : maxFrames;
    const fps = Math.min(4, Math.max(0.001, maxFrames / duration));
    for await (const frame of readFrames(path, {
      fps,
      maxPixels: bounds.maxPixels,
      signal,
      inputOptions: ['-protocol_whitelist', 'file', '-f', videoDemuxers[format]],
    })) {
      stills.push(await bounded(frame.rgb, frame.width, frame.height));
      if (stills.length >= maxFrames) break;
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  if (stills.length === 0) {
    throw new EngineError(
      'VIDEO_UNREADABLE',
      signal.aborted ? 'no frame was read before the deadline' : 'the video has no frames',
    );
  }
  return stills;
}

/**
 * Decodes media bytes for renditions, sniffing what they are (`sniffMediaFormat` of `content/`):
 * an image through `decodeImage` (the pixel limit checked from the header, EXIF orientation
 * applied), a video through ffmpeg (`videoStills`). Stills are kept at most `revealMaxSide`.
 *
 * @throws EngineError `INPUT_EMPTY`, `IMAGE_UNSUPPORTED_FORMAT` (neither an image nor a video
 *   Prevail reads), `IMAGE_CORRUPT`, `IMAGE_TOO_MANY_PIXELS`, `VIDEO_DECODER_MISSING`, `VIDEO_UNREADABLE`.
 */
export async function decodeMedia(bytes: Uint8Array, bounds: DecodeBounds): Promise<DecodedMedia> {
  if (bytes.length === 0) throw new EngineError('INPUT_EMPTY', 'the media is empty (0 bytes)');
  const format = await sniffMediaFormat(bytes);
  if (format === undefined) {
    throw new EngineError('IMAGE_UNSUPPORTED_FORMAT', 'the media is neither an image nor a video Prevail reads');
  }
  if (format.kind === 'video') return { kind: 'video', stills: await videoStills(bytes, format.format, bounds) };
  const image = await decodeImage(bytes, { maxPixels: bounds.maxPixels, autoOrient: true });
  return { kind: 'image', stills: [await bounded(image.data, image.width, image.height)] };
}

/**
 * The only picture the console shows by default: small (longest side `renditionSize`), blurred
 * (Gaussian, `blurSigma` at 320 px, scaled with the size so the blur looks the same), greyscale
 * unless the person turned it off, as JPEG. The blur is never skipped: `blurSigma` is at least 3.
 */
export async function renderRendition(still: Still, preferences: WellnessPreferences): Promise<Buffer> {
  const size = preferences.renditionSize;
  let image = stillOf(still.rgb, still.width, still.height).resize(size, size, { fit: 'inside' });
  const sigma = Math.max(3, preferences.blurSigma) * (size / 320);
  image = image.blur(Math.max(0.3, sigma));
  if (preferences.greyscale) image = image.greyscale().toColourspace('b-w');
  return image.jpeg({ quality: 70 }).toBuffer();
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** The watermark tile: the reviewer's login and the time, semi-transparent, on a diagonal. */
export function watermarkTile(login: string, time: string, width = 360, height = 140): Buffer {
  const text = escapeXml(`${login} · ${time}`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <g transform="rotate(-20 ${width / 2} ${height / 2})" font-family="sans-serif" font-size="20" font-weight="bold">
    <text x="10" y="${Math.round(height / 2) + 10}" fill="#ffffff" fill-opacity="0.55" stroke="#000000" stroke-opacity="0.45" stroke-width="1">${text}</text>
  </g>
</svg>`;
  return Buffer.from(svg);
}

/**
 * The clear picture a reveal serves: at most `revealMaxSide` pixels, the reviewer's login and the
 * time watermarked across it (an SVG text tile composited over the whole image), JPEG.
 */
export async function renderReveal(still: Still, login: string, time: string): Promise<Buffer> {
  return stillOf(still.rgb, still.width, still.height)
    .composite([
      {
        input: watermarkTile(login, time, Math.min(360, still.width), Math.min(140, still.height)),
        tile: true,
        blend: 'over',
      },
    ])
    .jpeg({ quality: 85 })
    .toBuffer();
}
