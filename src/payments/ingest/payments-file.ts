import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { EngineError } from '../../core/index.js';
import type { PaymentRecord } from '../payment-record.js';
import type { PaymentFormat } from './payment-format.js';
import type { PaymentReadOptions } from './read-options.js';
import { streamPayments } from './read-payments.js';

async function checkFile(path: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EngineError('INPUT_NOT_FOUND', `no such file: ${path}`);
    throw new EngineError('INPUT_UNREADABLE', `cannot read ${path}`, { cause: error });
  }
  if (!isFile) throw new EngineError('INPUT_UNREADABLE', `not a regular file: ${path}`);
}

/**
 * Streams a payments file in batches (`streamPayments` over a 1 MiB-chunk file stream): any
 * size in bounded memory (`maxBytes` applies only to a Tazama JSON document that is not JSON
 * Lines, which must be held whole; `maxDepth` and `maxTokenLength` apply). A missing file is `INPUT_NOT_FOUND`, a directory or unreadable file `INPUT_UNREADABLE`.
 * Problems in the content throw `PAYMENT_INVALID` where they are found, after earlier batches.
 */
export async function* readPaymentsFile(
  path: string,
  format: PaymentFormat,
  options: PaymentReadOptions = {},
): AsyncGenerator<PaymentRecord[]> {
  await checkFile(path);
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  try {
    yield* streamPayments(stream as AsyncIterable<Buffer>, format, options);
  } finally {
    stream.destroy();
  }
}

/**
 * Reads a whole payments file and keeps nothing but the count: the validation pass for callers
 * that need all or nothing with files too large for memory. Resolves `{ count }` when every
 * payment is valid; throws the first problem (`PAYMENT_INVALID` with its position) otherwise.
 */
export async function validatePaymentsFile(
  path: string,
  format: PaymentFormat,
  options: PaymentReadOptions = {},
): Promise<{ count: number }> {
  let count = 0;
  for await (const batch of readPaymentsFile(path, format, options)) count += batch.length;
  return { count };
}
