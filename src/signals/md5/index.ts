import { exactDigestSignal } from '../exact-digest.js';

/**
 * MD5 of the raw bytes: an exact-match signal. Weak as cryptography, but it is what the
 * hash-sharing programmes (NCMEC, ThreatExchange) exchange for files and videos.
 */
export const md5Signal = exactDigestSignal({
  name: 'md5',
  algorithm: 'md5',
  hexLength: 32,
  description: 'MD5 of the raw bytes (exact match; used by hash-sharing programmes for video)',
});

export type Md5Hash = ReturnType<typeof md5Signal.parse>;
