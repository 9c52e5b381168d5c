import { type DecodeOptions, decodeImage, sniffMediaFormat } from '../content/index.js';
import { EngineError } from '../core/index.js';
import {
  type DihedralName,
  formatPytxVpdq,
  hashPixels,
  hashPixelsDihedral,
  type Md5Hash,
  md5Signal,
  type PdqHash,
  type Sha256Hash,
  sha256Signal,
  type VpdqSignalText,
} from '../signals/index.js';
import { hashVideoBytes, type VideoHashOptions } from './hash-video.js';

/** Every signal `hashMedia` can compute, in output order: PDQ for images, vPDQ for videos, digests for both. */
export const hashableSignalNames = ['pdq', 'vpdq', 'md5', 'sha256'] as const;
export type MediaSignalName = (typeof hashableSignalNames)[number];

/**
 * The image and byte signals (no `vpdq`): what callers that hash only images ask for. Video
 * hashing runs ffmpeg for seconds per file, so it is asked for explicitly with `vpdq`.
 */
export const mediaSignalNames: readonly MediaSignalName[] = ['pdq', 'md5', 'sha256'];

export interface HashMediaOptions {
  readonly signals: readonly MediaSignalName[];
  /** Also compute the seven other dihedral PDQ hashes (rotations and flips), from the same DCT. */
  readonly dihedral: boolean;
  readonly decode: DecodeOptions;
  /** Sampling and limits for videos (`vpdq`); default 1 frame per second, `decode.maxPixels` per frame. */
  readonly video?: VideoHashOptions;
}

/** The signals of one media item. PDQ fields are present only for images, `vpdq` only for videos. */
export interface MediaHashes {
  pdq?: PdqHash;
  quality?: number;
  vpdq?: VpdqSignalText;
  md5?: Md5Hash;
  sha256?: Sha256Hash;
  dihedral?: Partial<Record<Exclude<DihedralName, 'original'>, PdqHash>>;
}

/**
 * Computes the requested signals of one media item's bytes. The exact digests are of the raw
 * bytes. When `vpdq` is asked for and the bytes are a video container (told by their leading
 * bytes, see `sniffMediaFormat`), the video is hashed frame by frame (`hashVideoBytes`) and PDQ
 * is not computed; otherwise PDQ decodes the image (see `decodeImage`) and hashes it at full
 * resolution, and `vpdq` is not computed.
 *
 * @throws EngineError from decoding when PDQ (or vPDQ) is requested and the bytes are neither a
 *   decodable image nor a readable video (`VIDEO_UNREADABLE` when only `vpdq` was asked for and
 *   the bytes are no video container); nothing partial is returned.
 */
export async function hashMedia(bytes: Uint8Array, options: HashMediaOptions): Promise<MediaHashes> {
  const result: MediaHashes = {};
  const media = options.signals.includes('vpdq') ? await sniffMediaFormat(bytes) : undefined;
  const videoFormat = media?.kind === 'video' ? media.format : undefined;
  if (videoFormat !== undefined) {
    const features = await hashVideoBytes(bytes, videoFormat, {
      maxPixels: options.decode.maxPixels,
      ...options.video,
    });
    result.vpdq = formatPytxVpdq(features);
  } else if (options.signals.includes('vpdq') && !options.signals.includes('pdq')) {
    throw new EngineError(
      'VIDEO_UNREADABLE',
      'the bytes are not a video container Prevail reads (MP4, QuickTime, Matroska/WebM, AVI, FLV, MPEG-TS/PS, ASF, Ogg)',
    );
  } else if (options.signals.includes('pdq')) {
    const image = await decodeImage(bytes, options.decode);
    if (options.dihedral) {
      const { quality, hashes } = hashPixelsDihedral(image);
      result.pdq = hashes.original;
      result.quality = quality;
      const { original: _original, ...others } = hashes;
      result.dihedral = others;
    } else {
      const { hash, quality } = hashPixels(image);
      result.pdq = hash;
      result.quality = quality;
    }
  }
  if (options.signals.includes('md5')) result.md5 = md5Signal.hashBytes(bytes);
  if (options.signals.includes('sha256')) result.sha256 = sha256Signal.hashBytes(bytes);
  return result;
}
