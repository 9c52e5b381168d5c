import { createHash } from 'node:crypto';
import { type Brand, EngineError } from '../core/index.js';
import type { BytesSignalType } from './signal-type.js';

/**
 * Builds the descriptor of an exact-match digest signal (MD5, SHA-256) over a file's raw bytes:
 * hex digest, lowercase; distance 0 when equal and 1 otherwise; threshold 0.
 */
export function exactDigestSignal<Name extends string>(spec: {
  name: Name;
  algorithm: 'md5' | 'sha256';
  hexLength: number;
  description: string;
}): BytesSignalType<Brand<string, Name>> {
  type Hash = Brand<string, Name>;
  const pattern = new RegExp(`^[0-9a-f]{${spec.hexLength}}$`, 'i');
  return {
    name: spec.name,
    contentTypes: ['photo', 'video', 'file'],
    description: spec.description,
    defaultThreshold: 0,
    parse(text: string): Hash {
      const trimmed = text.trim();
      if (!pattern.test(trimmed)) {
        throw new EngineError(
          'SIGNAL_INVALID_HASH',
          `an ${spec.name} hash is exactly ${spec.hexLength} hex characters; got ${trimmed.length}`,
        );
      }
      return trimmed.toLowerCase() as Hash;
    },
    distance: (a: Hash, b: Hash): number => (a === b ? 0 : 1),
    hashBytes: (bytes: Uint8Array): Hash => createHash(spec.algorithm).update(bytes).digest('hex') as Hash,
  };
}
