import { z } from 'zod';
import { EngineError } from '../core/index.js';

/**
 * The last entry of the chain, `{seq, hash}`: an anchor kept outside the database. A log that
 * still verifies against it holds that entry with that hash, so nothing up to it was removed
 * from the end, emptied or rewritten. `{seq: 0, hash: genesisHash}` is the head of an empty log.
 */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** An anchor the verifier checks, with where it came from (for the message when it fails). */
export interface AuditAnchor extends AuditHead {
  /** e.g. `--head` or the checkpoint file name. */
  readonly source: string;
}

/** How every stored hash is written: SHA-256, 64 lowercase hex digits. */
export const hashPattern = /^[0-9a-f]{64}$/;

const headSchema = z.strictObject({
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  hash: z.string().regex(hashPattern, '64 lowercase hex digits'),
});

/**
 * Reads a head as `prevail audit head` prints it: one JSON object `{"seq":N,"hash":"<64 hex>"}`.
 *
 * @throws EngineError `REQUEST_INVALID` when the text is not such an object.
 */
export function parseAuditHead(text: string): AuditHead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EngineError('REQUEST_INVALID', 'the head is not JSON: expected {"seq":N,"hash":"<64 hex>"}');
  }
  const parsed = headSchema.safeParse(value);
  if (!parsed.success)
    throw new EngineError('REQUEST_INVALID', 'the head must be exactly {"seq":N,"hash":"<64 lowercase hex>"}');
  return parsed.data;
}
