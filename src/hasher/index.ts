/** The hasher: media bytes in, signals (PDQ for images, vPDQ for videos, MD5, SHA-256) out. */
export {
  bankedSignalNames,
  type HashMediaOptions,
  hashableSignalNames,
  hashMedia,
  lookupSignalNames,
  type MediaHashes,
  type MediaSignalName,
  mediaSignalNames,
  signalsToBank,
} from './hash-media.js';
export {
  defaultHashPoolSettings,
  type HashFunction,
  HashPool,
  type HashPoolSettings,
  type HashPoolStats,
  type HashReservation,
  hashWorkerEntry,
  type MediaHasher,
} from './hash-pool.js';
export { hashVideoBytes, type VideoHashOptions } from './hash-video.js';
