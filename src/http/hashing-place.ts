import type { HashFunction, MediaHasher } from '../hasher/index.js';

/**
 * Runs `work` holding one place of the hashing pool, taken **before** the request's upload is
 * read or its URL fetched: when the pool is full the request is refused (`HASHER_BUSY`, 503 with
 * `Retry-After`) without its body being read into memory, so uploads held for hashing never
 * exceed the pool's places. The place is given back when `work` ends, whatever happens.
 */
export async function withHashingPlace<T>(hasher: MediaHasher, work: (hash: HashFunction) => Promise<T>): Promise<T> {
  const reservation = hasher.reserve();
  try {
    return await work(reservation.hash);
  } finally {
    reservation.release();
  }
}
