import { hammingWords, type PdqHash, pdqHashToWords } from '../pdq/index.js';
import type { VpdqFeature } from './vpdq-feature.js';

/**
 * The vPDQ matching rule's parameters. Defaults are python-threatexchange's frame rules
 * (`VPDQ_DISTANCE_THRESHOLD`, `VPDQ_QUALITY_THRESHOLD`) and 80 % both ways: pytx asks 80 % of the
 * query only, the vpdq README 80 % of the compared video only; requiring both is the strict
 * reading, and either can be lowered (to 0 to reproduce one of them).
 */
export interface VpdqMatchOptions {
  /** Two frames match when their PDQ distance is at most this (default 31, inclusive as pytx). */
  readonly distanceThreshold?: number;
  /** Frames below this quality are left out of both videos (default 50). */
  readonly qualityThreshold?: number;
  /** Share of the query's unique good frames that must match, 0..100 (default 80). */
  readonly queryMatchPercent?: number;
  /** Share of the compared video's unique good frames that must match, 0..100 (default 80). */
  readonly comparedMatchPercent?: number;
}

export const defaultVpdqDistanceThreshold = 31;
export const defaultVpdqQualityThreshold = 50;
export const defaultVpdqMatchPercent = 80;

/** Both percentages of one comparison, and the frame counts they are shares of. */
export interface VpdqComparison {
  /** 100 × matched / unique good query frames (0 when the query has none). */
  readonly queryMatchPercent: number;
  /** 100 × matched / unique good compared frames (0 when it has none). */
  readonly comparedMatchPercent: number;
  readonly queryFrames: number;
  readonly comparedFrames: number;
}

/**
 * The frames a video is matched by (pytx `prepare_vpdq_feature`): quality ≥ the threshold, then
 * identical hashes kept once, in first-seen order.
 */
export function matchableFrames(
  features: readonly VpdqFeature[],
  qualityThreshold = defaultVpdqQualityThreshold,
): PdqHash[] {
  const seen = new Set<PdqHash>();
  for (const feature of features) if (feature.quality >= qualityThreshold) seen.add(feature.hash);
  return [...seen];
}

/**
 * Compares two videos as bags of frame hashes (order and timestamps ignored), by brute force:
 * a query frame counts when some compared frame is within the distance threshold, and the other
 * way round. O(|query| × |compared|) distance computations on packed words, which is fast for a
 * pair of videos (600 × 600 frames in a few milliseconds); many videos go through `VpdqIndex`.
 */
export function compareVpdq(
  query: readonly VpdqFeature[],
  compared: readonly VpdqFeature[],
  options: VpdqMatchOptions = {},
): VpdqComparison {
  const qualityThreshold = options.qualityThreshold ?? defaultVpdqQualityThreshold;
  const distanceThreshold = options.distanceThreshold ?? defaultVpdqDistanceThreshold;
  const queryWords = packed(matchableFrames(query, qualityThreshold));
  const comparedWords = packed(matchableFrames(compared, qualityThreshold));
  const queryCount = queryWords.length / 8;
  const comparedCount = comparedWords.length / 8;
  const comparedHit = new Uint8Array(comparedCount);
  let queryMatched = 0;
  for (let q = 0; q < queryCount; q++) {
    let hit = false;
    for (let c = 0; c < comparedCount; c++) {
      if (hammingWords(queryWords, q * 8, comparedWords, c * 8) <= distanceThreshold) {
        hit = true;
        comparedHit[c] = 1;
      }
    }
    if (hit) queryMatched++;
  }
  const comparedMatched = comparedHit.reduce((sum, value) => sum + value, 0);
  return {
    queryMatchPercent: percent(queryMatched, queryCount),
    comparedMatchPercent: percent(comparedMatched, comparedCount),
    queryFrames: queryCount,
    comparedFrames: comparedCount,
  };
}

/** Whether a comparison passes both thresholds (defaults 80 % and 80 %). */
export function isVpdqMatch(
  comparison: Pick<VpdqComparison, 'queryMatchPercent' | 'comparedMatchPercent'>,
  options: VpdqMatchOptions = {},
): boolean {
  return (
    comparison.queryMatchPercent >= (options.queryMatchPercent ?? defaultVpdqMatchPercent) &&
    comparison.comparedMatchPercent >= (options.comparedMatchPercent ?? defaultVpdqMatchPercent)
  );
}

/**
 * One number for the `SignalType.distance` contract: 100 − the smaller percentage, 0 when both
 * videos match each other completely, 100 when no frame matches. A distance ≤ 20 is a match at
 * 80 % both ways (the default threshold).
 */
export function vpdqDistanceOf(comparison: Pick<VpdqComparison, 'queryMatchPercent' | 'comparedMatchPercent'>): number {
  return 100 - Math.min(comparison.queryMatchPercent, comparison.comparedMatchPercent);
}

/** 100 × part / whole, 0 for an empty whole. */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : (100 * part) / whole;
}

function packed(hashes: readonly PdqHash[]): Uint32Array {
  const words = new Uint32Array(hashes.length * 8);
  hashes.forEach((hash, index) => {
    words.set(pdqHashToWords(hash), index * 8);
  });
  return words;
}
