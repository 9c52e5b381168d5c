/** The hasher: media bytes in, signals (PDQ, MD5, SHA-256) out. */
export {
  type HashMediaOptions,
  hashMedia,
  type MediaHashes,
  type MediaSignalName,
  mediaSignalNames,
} from './hash-media.js';
