import { EngineError } from '../../core/index.js';
import type { PaymentEventCheck } from './event-check.js';
import type { PaymentColumnMapping } from './payment-columns.js';

/**
 * Limits and settings for reading payments. Every field has a default, so `{}` reads any input
 * within the limits below.
 */
export interface PaymentReadOptions {
  /**
   * The most bytes an in-memory input (`readPayments`, `parsePacs008`...) may have: 64 MiB by
   * default. Streams and files have no total limit (they are read in bounded memory), except a
   * Tazama JSON document that is not JSON Lines, which must be held whole.
   */
  readonly maxBytes?: number;
  /** The deepest element nesting an XML message may have: 64 by default (pacs.008 needs about 12). */
  readonly maxDepth?: number;
  /**
   * The most characters one token may hold: an XML text node, tag or comment; a line of JSON
   * Lines; a CSV record (counted in UTF-8 bytes). 1 MiB by default: bounds memory on a hostile input with no markup.
   */
  readonly maxTokenLength?: number;
  /** For CSV: which column of the file holds each field, when the file's names differ. */
  readonly csvMapping?: PaymentColumnMapping;
  /** For streams: how many records each yielded batch holds (the last may hold fewer). 1,000 by default. */
  readonly batchSize?: number;
  /**
   * The engine's own checks of each payment's `payment.sent` event (`SignalsEngine.check`): a
   * payment the engine would refuse is then a `PAYMENT_INVALID` of the input, at its position,
   * so the validation pass refuses the whole input before anything is stored. None by default.
   */
  readonly checkEvent?: PaymentEventCheck;
}

/** `PaymentReadOptions` with every default applied. */
export interface ResolvedReadOptions {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxTokenLength: number;
  readonly csvMapping: PaymentColumnMapping;
  readonly batchSize: number;
  readonly checkEvent: PaymentEventCheck | undefined;
}

/** 64 MiB: the default size limit of an in-memory input. */
export const defaultMaxPaymentBytes = 64 * 1024 * 1024;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new EngineError('CONFIG_INVALID', `${name} must be a positive whole number, got ${value}`);
  }
  return value;
}

/** Applies the defaults; a limit that is not a positive whole number is `CONFIG_INVALID`. */
export function resolveReadOptions(options: PaymentReadOptions = {}): ResolvedReadOptions {
  return {
    maxBytes: positiveInteger('maxBytes', options.maxBytes, defaultMaxPaymentBytes),
    maxDepth: positiveInteger('maxDepth', options.maxDepth, 64),
    maxTokenLength: positiveInteger('maxTokenLength', options.maxTokenLength, 1024 * 1024),
    csvMapping: options.csvMapping ?? {},
    batchSize: positiveInteger('batchSize', options.batchSize, 1000),
    checkEvent: options.checkEvent,
  };
}

/** Throws `INPUT_TOO_LARGE` when an in-memory input is over `maxBytes`. */
export function checkInputSize(input: string | Uint8Array, maxBytes: number): void {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (bytes > maxBytes) {
    throw new EngineError(
      'INPUT_TOO_LARGE',
      `the payments input has ${bytes} bytes, more than the limit of ${maxBytes}`,
    );
  }
}
