import { type DecodeOptions, decodeImage, sniffMediaFormat } from '../content/index.js';
import { EngineError } from '../core/index.js';
import {
  type DihedralName,
  type ExtraVideoView,
  hashPixelsDihedral,
  type Md5Hash,
  type OptionalVideoSignal,
  type PdqHash,
  pdqSignal,
  type Sha256Hash,
  signalTypes,
  type TmkSignalText,
  type VpdqSignalText,
} from '../signals/index.js';
import { type VideoHashOptions, withVideoFrames } from './hash-video.js';

/** The signals media are hashed with to be looked up, in output order: PDQ for images, vPDQ for videos, digests for both. */
export const hashableSignalNames = ['pdq', 'vpdq', 'md5', 'sha256'] as const;

/**
 * The signals media are hashed with to be banked: those of `hashableSignalNames`, and for videos
 * also `vpdq_dense` (every distinct frame, so that a live stream sampled at any offset finds the
 * video; a lookup never needs it).
 */
export const bankedSignalNames = [...hashableSignalNames, 'vpdq_dense'] as const;

/**
 * A signal media can be hashed with: the banked ones, and the video signals computed only when
 * asked (`OptionalVideoSignal`, each an extra ffmpeg pass per video: banked by banks whose
 * `videoSignals` name them, looked up when a caller lists them).
 */
export type MediaSignalName = (typeof bankedSignalNames)[number] | OptionalVideoSignal;

/** The signals a bank whose `videoSignals` are these banks media with: `bankedSignalNames`, then those. */
export function signalsToBank(videoSignals: readonly OptionalVideoSignal[] = []): readonly MediaSignalName[] {
  return [...bankedSignalNames, ...videoSignals];
}

/**
 * The signals media are hashed with to be looked up: `hashableSignalNames`, and `tmk_pdqf` when
 * `tmk` (one more ffmpeg pass per video; `prevail match --tmk`, and `/v1/match` when a bank holds
 * TMK+PDQF values). The one list for `prevail match`, `/v1/match` and `/v1/hash`.
 */
export function lookupSignalNames(options: { readonly tmk: boolean }): readonly MediaSignalName[] {
  return options.tmk ? [...hashableSignalNames, 'tmk_pdqf'] : hashableSignalNames;
}

/**
 * The image and byte signals (no `vpdq`): what callers that hash only images ask for (the
 * uploads benchmark, tests). Video hashing runs ffmpeg for seconds per file, so it is asked for
 * explicitly with `vpdq`.
 */
export const mediaSignalNames: readonly MediaSignalName[] = ['pdq', 'md5', 'sha256'];

export interface HashMediaOptions {
  readonly signals: readonly MediaSignalName[];
  /** Also compute the seven other dihedral PDQ hashes (rotations and flips), from the same DCT. */
  readonly dihedral: boolean;
  readonly decode: DecodeOptions;
  /** Sampling and limits for videos (`vpdq`); default 1 frame per second, `decode.maxPixels` per frame. */
  readonly video?: VideoHashOptions;
  /**
   * Extra views of a video's frames for the signals that have them (`vpdq_dense`'s corner lists):
   * the banking bank's `videoViews`. Absent or empty: none, as before the setting.
   */
  readonly videoViews?: readonly ExtraVideoView[];
}

/** The signals of one media item. PDQ fields are present only for images, `vpdq` only for videos. */
export interface MediaHashes {
  pdq?: PdqHash;
  quality?: number;
  vpdq?: VpdqSignalText;
  /** A banked video's distinct frames (see `bankedSignalNames`). */
  vpdq_dense?: VpdqSignalText;
  /** TMK+PDQF of a video, when asked for (see `optionalVideoSignalNames`). */
  tmk_pdqf?: TmkSignalText;
  md5?: Md5Hash;
  sha256?: Sha256Hash;
  dihedral?: Partial<Record<Exclude<DihedralName, 'original'>, PdqHash>>;
}

/**
 * Computes the requested signals of one media item's bytes, each through its descriptor's `hash`
 * (see `SignalType`), naming no signal type. Signals computed from any file (the digests) get the
 * raw bytes. Signals of decoded content get one kind of content: when a video signal (`vpdq`) is
 * asked for and the bytes are a video container (told by their leading bytes, see
 * `sniffMediaFormat`), the video's frames (`withVideoFrames`), and photo signals are not computed;
 * otherwise, when a photo signal (`pdq`) is asked for, the decoded image (see `decodeImage`) at
 * full resolution, and video signals are not computed. PDQ's dihedral variants are PDQ's alone.
 *
 * @throws EngineError from decoding when PDQ (or vPDQ) is requested and the bytes are neither a
 *   decodable image nor a readable video (`VIDEO_UNREADABLE` when only `vpdq` was asked for and
 *   the bytes are no video container); nothing partial is returned.
 */
export async function hashMedia(bytes: Uint8Array, options: HashMediaOptions): Promise<MediaHashes> {
  const wanted = signalTypes.filter((type) => (options.signals as readonly string[]).includes(type.name));
  const ofBytes = wanted.filter((type) => type.contentTypes.includes('file'));
  const ofVideos = wanted.filter((type) => !ofBytes.includes(type) && type.contentTypes.includes('video'));
  const ofPhotos = wanted.filter((type) => !ofBytes.includes(type) && type.contentTypes.includes('photo'));
  // Keys in the order callers print them: the decoded signal (with PDQ's quality and variants), then the digests.
  const result: Record<string, unknown> = {};
  const media = ofVideos.length > 0 ? await sniffMediaFormat(bytes) : undefined;
  if (media?.kind === 'video') {
    const video = { maxPixels: options.decode.maxPixels, ...options.video };
    for (const type of ofVideos) {
      const sampling =
        type.videoReading !== undefined
          ? { maxPixels: video.maxPixels, reading: type.videoReading }
          : type.videoFrames === 'every'
            ? { ...video, everyFrame: true }
            : video;
      const hashed = await withVideoFrames(bytes, media.format, sampling, (frames) =>
        type.hash({
          kind: 'video',
          bytes,
          frames,
          ...(options.videoViews?.length ? { extraViews: options.videoViews } : {}),
        }),
      );
      result[type.name] = hashed.value;
    }
  } else if (ofVideos.length > 0 && ofPhotos.length === 0) {
    throw new EngineError(
      'VIDEO_UNREADABLE',
      'the bytes are not a video container Prevail reads (MP4, QuickTime, Matroska/WebM, AVI, FLV, MPEG-TS/PS, ASF, Ogg)',
    );
  } else if (ofPhotos.length > 0) {
    const image = await decodeImage(bytes, options.decode);
    for (const type of ofPhotos) {
      if (options.dihedral && type === pdqSignal) {
        const { quality, hashes } = hashPixelsDihedral(image);
        const { original, ...others } = hashes;
        Object.assign(result, { [type.name]: original, quality, dihedral: others });
        continue;
      }
      const hashed = await type.hash({ kind: 'photo', bytes, pixels: image });
      result[type.name] = hashed.value;
      if (hashed.quality !== undefined) result.quality = hashed.quality;
    }
  }
  for (const type of ofBytes) result[type.name] = (await type.hash({ kind: 'file', bytes })).value;
  return result as MediaHashes;
}
