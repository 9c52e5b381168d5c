import type { Kysely } from 'kysely';
import type { StoredSignal } from '../banks/index.js';
import { EngineError } from '../core/index.js';
import type { Database } from './tables.js';

/** Rows per batch when the caller does not say. */
export const defaultSignalBatchSize = 50_000;

/**
 * Every stored value of one signal type (optionally of one bank), ascending by content id, in
 * arrays of at most `batchSize`. Keyset pagination (`content_id > last … order by content_id
 * limit n`) over the `(signal_type, content_id)` index: each batch is one short query, no
 * cursor or transaction stays open between batches, and memory holds one batch at a time.
 * Rows come back already shaped as `StoredSignal` (aliased columns), so none is copied.
 *
 * Rows added or deleted while streaming may or may not be seen; each row is seen at most once.
 *
 * @throws EngineError `CONFIG_INVALID` when `batchSize` is not a positive integer.
 */
export async function* streamSignals(
  db: Kysely<Database>,
  signalType: string,
  options: { bankId?: number; batchSize?: number } = {},
): AsyncGenerator<StoredSignal[]> {
  const batchSize = options.batchSize ?? defaultSignalBatchSize;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new EngineError('CONFIG_INVALID', `the signal batch size must be a positive integer, got ${batchSize}`);
  }
  let afterId = 0;
  for (;;) {
    let query = db
      .selectFrom('content_signals')
      .select(['content_id as contentId', 'bank_id as bankId', 'value'])
      .where('signal_type', '=', signalType)
      .where('content_id', '>', afterId);
    if (options.bankId !== undefined) query = query.where('bank_id', '=', options.bankId);
    const batch: StoredSignal[] = await query.orderBy('content_id').limit(batchSize).execute();
    const last = batch.at(-1);
    if (last === undefined) return;
    yield batch;
    if (batch.length < batchSize) return;
    afterId = last.contentId;
  }
}

/** How many values of one signal type are stored, in all banks or in one. */
export async function countSignals(db: Kysely<Database>, signalType: string, bankId?: number): Promise<number> {
  let query = db
    .selectFrom('content_signals')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .where('signal_type', '=', signalType);
  if (bankId !== undefined) query = query.where('bank_id', '=', bankId);
  const { count } = await query.executeTakeFirstOrThrow();
  return Number(count);
}
