import type { IndexHit, SignalIndex } from '../../indexes/index.js';
import type { TmkFeatures } from './tmk-features.js';
import { tmkDistance } from './tmk-score.js';
import { readTmkSignal } from './tmk-value.js';

/** One banked video's features, and the short form a hit reports instead of the 351 KB value. */
interface Entry {
  readonly owner: number;
  readonly features: TmkFeatures;
  readonly label: string;
}

function labelOf(features: TmkFeatures): string {
  return `tmk_pdqf:${features.frameCount} frames`;
}

/**
 * The `tmk_pdqf` index: a linear scan of level-1 scores (a 256-float cosine per banked video),
 * then the level-2 score (about a million multiply-adds) only for the videos whose level 1
 * reaches upstream's 0.7, as upstream's two-level scoring does. Distances are `tmkDistance`'s.
 * Holds decoded features (263 KB per video) and not the text.
 *
 * A hit's `value` is not the banked value (351 KB of base64) but `tmk_pdqf:<frames> frames`,
 * enough for a reader to tell which video matched alongside the content id.
 */
export class TmkIndex implements SignalIndex {
  readonly signalType = 'tmk_pdqf';
  #entries: Entry[] = [];

  get size(): number {
    return this.#entries.length;
  }

  add(owner: number, value: string): void {
    const features = readTmkSignal(value);
    this.#entries.push({ owner, features, label: labelOf(features) });
  }

  remove(owner: number): void {
    this.#entries = this.#entries.filter((entry) => entry.owner !== owner);
  }

  query(value: string, maxDistance: number): IndexHit[] {
    return this.lookup(value, maxDistance).hits;
  }

  /**
   * `query`, with the short form of the query value (`tmk_pdqf:<frames> frames`) that match
   * answers show instead of its 351 KB: the value is decoded once for both.
   *
   * @throws as `readTmkSignal`.
   */
  lookup(value: string, maxDistance: number): { readonly queryLabel: string; readonly hits: IndexHit[] } {
    const query = readTmkSignal(value);
    const best = new Map<number, IndexHit>();
    for (const entry of this.#entries) {
      const distance = tmkDistance(query, entry.features);
      if (distance > maxDistance) continue;
      const known = best.get(entry.owner);
      if (known === undefined || distance < known.distance) {
        best.set(entry.owner, { owner: entry.owner, distance, value: entry.label });
      }
    }
    const hits = [...best.values()].sort((a, b) => a.distance - b.distance || a.owner - b.owner);
    return { queryLabel: labelOf(query), hits };
  }
}
