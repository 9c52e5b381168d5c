import type { PaymentRecord } from '../payment-record.js';
import { Iso20022Reader } from './iso20022-reader.js';
import { CsvPaymentReader } from './parse-csv.js';
import { JsonlPaymentReader } from './parse-jsonl.js';
import { Mt103PaymentReader } from './parse-mt103.js';
import { TazamaPaymentReader } from './parse-tazama.js';
import type { PaymentFormat } from './payment-format.js';
import type { PaymentReaderFactory } from './payment-reader.js';
import { type PaymentReadOptions, type ResolvedReadOptions, resolveReadOptions } from './read-options.js';
import { readWhole } from './read-whole.js';
import { Utf8Text } from './utf8-text.js';

/** The reader of each format, with the limits applied. */
export function paymentReaderFactory(format: PaymentFormat, options: ResolvedReadOptions): PaymentReaderFactory {
  switch (format) {
    case 'pacs008':
    case 'pain001':
      return (output) =>
        new Iso20022Reader(format, output, options.maxDepth, options.maxTokenLength, options.checkEvent);
    case 'tazama':
      return (output) => new TazamaPaymentReader(output, options.maxBytes, options.maxTokenLength, options.checkEvent);
    case 'jsonl':
      return (output) => new JsonlPaymentReader(output, options.maxTokenLength, options.checkEvent);
    case 'csv':
      return (output) => new CsvPaymentReader(output, options.csvMapping, options.maxTokenLength, options.checkEvent);
    case 'mt103':
      return (output) => new Mt103PaymentReader(output, options.maxTokenLength, options.checkEvent);
  }
}

/**
 * Parses a whole payments input of a known format (see `detectPaymentFormat` when unknown).
 * All or nothing: the first problem throws `PAYMENT_INVALID` with its position and no record
 * is returned; an input over `maxBytes` (64 MiB by default) throws `INPUT_TOO_LARGE`.
 *
 * @example readPayments(readFileSync('payments.csv'), 'csv', { csvMapping: { payer_account: 'Sender' } })
 */
export function readPayments(
  text: string | Uint8Array,
  format: PaymentFormat,
  options: PaymentReadOptions = {},
): PaymentRecord[] {
  const resolved = resolveReadOptions(options);
  return readWhole(text, resolved.maxBytes, paymentReaderFactory(format, resolved));
}

/**
 * Parses a payments stream of any size in bounded memory, yielding records in batches of
 * `batchSize` (1,000 by default; the last batch may be smaller) as soon as they are read: XML
 * through saxes chunk by chunk, JSON Lines, CSV and Tazama JSON Lines line by line, SWIFT MT103
 * message by message (a Tazama
 * document that is not JSON Lines is held whole, up to `maxBytes`). Bytes are strict UTF-8.
 *
 * Not all or nothing: a problem throws `PAYMENT_INVALID` at the point it is found, after the
 * batches before it were yielded. When that matters, run `validatePaymentsFile` first.
 */
export async function* streamPayments(
  chunks: AsyncIterable<Uint8Array | string>,
  format: PaymentFormat,
  options: PaymentReadOptions = {},
): AsyncGenerator<PaymentRecord[]> {
  const resolved = resolveReadOptions(options);
  const output: PaymentRecord[] = [];
  const reader = paymentReaderFactory(format, resolved)(output);
  const decoder = new Utf8Text();
  const size = resolved.batchSize;
  let first = true;
  for await (const chunk of chunks) {
    let text = decoder.decode(chunk);
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    reader.write(text);
    while (output.length >= size) yield output.splice(0, size);
  }
  reader.write(decoder.finish());
  reader.end();
  while (output.length > 0) yield output.splice(0, size);
}
