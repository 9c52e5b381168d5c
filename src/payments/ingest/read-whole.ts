import type { PaymentRecord } from '../payment-record.js';
import type { PaymentReaderFactory } from './payment-reader.js';
import { checkInputSize } from './read-options.js';
import { decodeWhole } from './utf8-text.js';

/** Pieces an in-memory input is fed in, so per-token limits hold for whole inputs as for streams. */
const pieceLength = 256 * 1024;

/**
 * Reads a whole in-memory input with one reader, all or nothing: the input is checked against
 * `maxBytes` (`INPUT_TOO_LARGE`), decoded as strict UTF-8, fed piece by piece, and the records
 * are returned only when the reader ended without error.
 */
export function readWhole(
  input: string | Uint8Array,
  maxBytes: number,
  factory: PaymentReaderFactory,
): PaymentRecord[] {
  checkInputSize(input, maxBytes);
  const text = decodeWhole(input);
  const output: PaymentRecord[] = [];
  const reader = factory(output);
  for (let start = 0; start < text.length; start += pieceLength) reader.write(text.slice(start, start + pieceLength));
  reader.end();
  return output;
}
