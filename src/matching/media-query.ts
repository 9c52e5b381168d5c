import type { MatchQuery } from './match-types.js';

/**
 * The hashes of one piece of media that a lookup sends the matcher: the fields of `hasher/`'s
 * `MediaHashes` that are looked up (matching does not depend on the hasher, so the shape is
 * restated here; a `MediaHashes` is one).
 */
export interface MediaLookupHashes {
  readonly pdq?: string | undefined;
  readonly quality?: number | undefined;
  readonly dihedral?: MatchQuery['pdqVariants'] | undefined;
  readonly vpdq?: string | undefined;
  readonly tmk_pdqf?: string | undefined;
  readonly md5?: string | undefined;
  readonly sha256?: string | undefined;
}

/**
 * What the matcher looks up for hashed media: its PDQ (with its quality, below which it is not
 * looked up, and its dihedral variants when computed), its vPDQ, its TMK+PDQF when computed, and
 * its digests. The one query of a media lookup, for `prevail match` and `/v1/match` alike; a
 * banked video's `vpdq_dense` is never looked up (stream frames are, one by one).
 */
export function mediaMatchQuery(hashes: MediaLookupHashes): MatchQuery {
  return {
    signals: {
      pdq: hashes.pdq,
      vpdq: hashes.vpdq,
      tmk_pdqf: hashes.tmk_pdqf,
      md5: hashes.md5,
      sha256: hashes.sha256,
    },
    ...(hashes.quality !== undefined ? { pdqQuality: hashes.quality } : {}),
    ...(hashes.dihedral !== undefined ? { pdqVariants: hashes.dihedral } : {}),
  };
}
