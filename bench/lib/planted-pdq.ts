/**
 * What the lookups of `npm run bench -- index-threads` (and its `--rebuild` part) share: the
 * match radius, the batch in which random hashes are generated and loaded, and the planted query
 * (a stored hash with 1..radius bits flipped, whose owner the lookup must find).
 */

/** The PDQ match radius of every lookup (bits of 256 that may differ). */
export const radius = 31;

/** Random hashes are generated and added to an index this many at a time. */
export const batchSize = 100_000;

/** A planted near-duplicate: the query hash, and the owner of the stored hash it was made from. */
export interface Planted {
  readonly query: string;
  readonly owner: number;
}
