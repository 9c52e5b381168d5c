import { paymentInvalid } from './payment-invalid.js';

/**
 * Decodes UTF-8 strictly, whole or piece by piece: a byte sequence that is not UTF-8 throws
 * `PAYMENT_INVALID` instead of becoming U+FFFD, so a file in another encoding is refused rather
 * than read with corrupted names. A byte-order mark is dropped. Pieces may split a character.
 */
export class Utf8Text {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private bytes = 0;

  /** The text of the next piece (a string passes through unchanged). */
  decode(chunk: string | Uint8Array): string {
    if (typeof chunk === 'string') return chunk;
    try {
      const text = this.decoder.decode(chunk, { stream: true });
      this.bytes += chunk.byteLength;
      return text;
    } catch {
      throw paymentInvalid(`near byte ${this.bytes}`, 'the input is not valid UTF-8 (payments are read as UTF-8)');
    }
  }

  /** The text still held back at the end (an incomplete character is an error). */
  finish(): string {
    try {
      return this.decoder.decode();
    } catch {
      throw paymentInvalid(`byte ${this.bytes}`, 'the input ends inside a UTF-8 character');
    }
  }
}

/** Decodes a whole input: a string as it is (without a leading byte-order mark), bytes as strict UTF-8. */
export function decodeWhole(input: string | Uint8Array): string {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const decoder = new Utf8Text();
  return decoder.decode(input) + decoder.finish();
}
