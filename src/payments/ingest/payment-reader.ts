import type { PaymentRecord } from '../payment-record.js';

/**
 * A push parser for one payments format: text goes in piece by piece (`write`), records come
 * out into the `output` array the reader was made with as soon as each is complete, and `end`
 * says the input is over (and checks what only the end can tell: unclosed elements, counts).
 * Every problem throws `PAYMENT_INVALID` at the point it is found. One reader reads one input.
 *
 * All formats share it so one driver serves both whole inputs (`readPayments`) and streams
 * (`streamPayments`), and both give the same records and the same errors.
 */
export interface PaymentReader {
  write(text: string): void;
  end(): void;
}

/** Makes a reader that appends its records to `output`. */
export type PaymentReaderFactory = (output: PaymentRecord[]) => PaymentReader;
