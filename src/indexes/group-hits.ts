import type { IndexHit } from './signal-index.js';

/**
 * The owners of a lookup's entry hits, when entries belong to owners by a table (a banked
 * video's frames: an entry per frame, owned by the video's bank content): each owner once, at its
 * nearest entry, ordered by distance then owner. `entryHits` must be a `SignalIndex.query`
 * answer (ordered by distance then entry), so on a tie the lowest entry's value is kept.
 * `ownerOf` gives 0 (or undefined) for an entry no longer owned: its hit is dropped.
 *
 * One function for every thread, so that the lookup pool's workers and the index on the main
 * thread give the same answer.
 */
export function groupHits(entryHits: readonly IndexHit[], ownerOf: (entry: number) => number | undefined): IndexHit[] {
  const best = new Map<number, IndexHit>();
  for (const hit of entryHits) {
    const owner = ownerOf(hit.owner) ?? 0;
    if (owner === 0) continue;
    const known = best.get(owner);
    if (known === undefined || hit.distance < known.distance) {
      best.set(owner, { owner, distance: hit.distance, value: hit.value });
    }
  }
  return [...best.values()].sort((a, b) => a.distance - b.distance || a.owner - b.owner);
}
