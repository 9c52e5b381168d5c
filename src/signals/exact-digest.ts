import { createHash } from 'node:crypto';
import { type Brand, EngineError } from '../core/index.js';
import { ExactIndex } from '../indexes/index.js';
import type { BytesSignalType } from './signal-type.js';

/**
 * Builds the descriptor of an exact-match digest signal (MD5, SHA-256) over a file's raw bytes:
 * hex digest, lowercase, of every kind of content; distance 0 when equal and 1 otherwise;
 * threshold 0; an `ExactIndex`.
 */
export function exactDigestSignal<Name extends string>(spec: {
  name: Name;
  algorithm: 'md5' | 'sha256';
  hexLength: number;
  description: string;
}): BytesSignalType<Brand<string, Name>> {
  type Hash = Brand<string, Name>;
  const hashBytes = (bytes: Uint8Array): Hash => createHash(spec.algorithm).update(bytes).digest('hex') as Hash;
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
    compare: (a: Hash, b: Hash): number => (a === b ? 0 : 1),
    hashBytes,
    hash: async (content) => ({ value: hashBytes(content.bytes) }),
    createIndex: () => new ExactIndex(spec.name),
  };
}
