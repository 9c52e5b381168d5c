import { exactDigestSignal } from '../exact-digest.js';

/** SHA-256 of the raw bytes: an exact-match signal that resists deliberate collisions. */
export const sha256Signal = exactDigestSignal({
  name: 'sha256',
  algorithm: 'sha256',
  hexLength: 64,
  description: 'SHA-256 of the raw bytes (exact match)',
});

export type Sha256Hash = ReturnType<typeof sha256Signal.parse>;
