import type { ErrorCode } from '../core/index.js';
import type { HashMediaOptions, MediaHashes } from './hash-media.js';

/** One job sent to a hashing worker: the bytes (copied, never transferred) and `hashMedia`'s options. */
export interface HashJobRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: HashMediaOptions;
}

/** A worker's answer to one job: the hashes, or a coded failure (the code and message of an `EngineError`). */
export type HashJobReply =
  | { readonly id: number; readonly ok: true; readonly hashes: MediaHashes }
  | { readonly id: number; readonly ok: false; readonly code: ErrorCode; readonly message: string };
