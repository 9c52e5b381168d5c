import { type DecodeOptions, decodeImage } from '../content/index.js';
import {
  type DihedralName,
  hashPixels,
  hashPixelsDihedral,
  type Md5Hash,
  md5Signal,
  type PdqHash,
  type Sha256Hash,
  sha256Signal,
} from '../signals/index.js';

/** The signals `hashMedia` can compute, in output order. */
export const mediaSignalNames = ['pdq', 'md5', 'sha256'] as const;
export type MediaSignalName = (typeof mediaSignalNames)[number];

export interface HashMediaOptions {
  readonly signals: readonly MediaSignalName[];
  /** Also compute the seven other dihedral PDQ hashes (rotations and flips), from the same DCT. */
  readonly dihedral: boolean;
  readonly decode: DecodeOptions;
}

/** The signals of one media item. PDQ fields are present only when PDQ was asked for. */
export interface MediaHashes {
  pdq?: PdqHash;
  quality?: number;
  md5?: Md5Hash;
  sha256?: Sha256Hash;
  dihedral?: Partial<Record<Exclude<DihedralName, 'original'>, PdqHash>>;
}

/**
 * Computes the requested signals of one media item's bytes. The exact digests are of the raw
 * bytes; PDQ decodes the image (see `decodeImage`) and hashes it at full resolution.
 *
 * @throws EngineError from decoding when PDQ is requested and the bytes are not a decodable
 *   image; nothing partial is returned.
 */
export async function hashMedia(bytes: Uint8Array, options: HashMediaOptions): Promise<MediaHashes> {
  const result: MediaHashes = {};
  if (options.signals.includes('pdq')) {
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
