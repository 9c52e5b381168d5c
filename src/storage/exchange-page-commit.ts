import { sql, type Transaction } from 'kysely';
import type { PageCommit, PageCommitResult, UpstreamItem } from '../exchange-sync/index.js';
import { chunks } from './chunks.js';
import type { DialectName } from './dialect.js';
import type { ExchangeDatabase } from './exchange-tables.js';

type Trx = Transaction<ExchangeDatabase>;

/** Keys or ids per `IN (…)` list, and content rows per multi-row INSERT (13 parameters each). */
const keysPerQuery = 500;
/** Signal rows per multi-row INSERT (5 parameters each): far below both dialects' limits. */
const signalRowsPerStatement = 1_000;

/** Tallies of one commit, beside the ids the matcher is told of. */
interface Counts {
  upserts: number;
  removals: number;
  skipped: number;
}

/** One key whose item is to be (re)inserted. */
interface Insert {
  readonly key: string;
  readonly item: UpstreamItem;
  readonly metadataJson: string;
}

/**
 * Applies one page commit's keyed changes to the bank, set-based, inside the caller's transaction
 * (which also stores the checkpoint). A handful of statements per 500 keys instead of several per
 * key; the outcome is the one a key-by-key merge gives:
 *
 * 1. The stored items of the page's keys are read (the `(bank_id, upstream_key)` unique index),
 *    with their signals, in chunks.
 * 2. Each key is decided: a tombstone removes its item; an item equal to the stored one (same
 *    signals and metadata) is left alone, so replaying a page changes nothing; anything else
 *    replaces it (removed, then inserted).
 * 3. Removed items go with one DELETE per chunk (their signals cascade) and one multi-row INSERT
 *    of tombstones, **before** any insert, so a value freed by this page can be taken by another
 *    key of it.
 * 4. New content rows go in with multi-row INSERTs, then their signal rows with
 *    `ON CONFLICT DO NOTHING RETURNING content_id`: a value another item of the bank holds (or an
 *    earlier key of this page took) is not stored twice, decided by the unique index alone.
 * 5. A new item none of whose values went in is deleted again in the same transaction and counted
 *    as skipped; one with some of its values keeps those (the key-by-key rule).
 *
 * On PostgreSQL the transaction plans without sequential scans (`SET LOCAL enable_seqscan = off`):
 * while a large fetch grows a bank its statistics lag far behind it, and the planner would
 * otherwise answer the `IN (…)` reads with a scan of the whole table per commit.
 */
export async function applyPageChanges(
  trx: Trx,
  dialect: DialectName,
  commit: PageCommit,
  result: PageCommitResult,
): Promise<Counts> {
  const counts: Counts = { upserts: 0, removals: 0, skipped: 0 };
  if (dialect === 'postgres') await sql`set local enable_seqscan = off`.execute(trx);
  const keys = [...commit.changes.keys()];
  const existing = await readStored(trx, commit.bankId, keys);

  const removeIds: number[] = [];
  const inserts: Insert[] = [];
  for (const [key, item] of commit.changes) {
    const stored = existing.get(key);
    if (item === null) {
      if (stored !== undefined) {
        removeIds.push(stored.id);
        counts.removals++;
      }
      continue;
    }
    const metadataJson = JSON.stringify(item.metadata);
    if (stored !== undefined) {
      if (stored.metadataJson === metadataJson && sameSignals(stored.signals, item.signals)) continue;
      removeIds.push(stored.id);
    }
    inserts.push({ key, item, metadataJson });
  }
  if (commit.replacesAll) await collectUnlisted(trx, commit, removeIds, counts);

  for (const chunk of chunks(removeIds, keysPerQuery)) {
    await trx.deleteFrom('bank_contents').where('id', 'in', chunk).execute();
    await trx
      .insertInto('bank_tombstones')
      .values(chunk.map((id) => ({ bank_id: commit.bankId, content_id: id, deleted_at: commit.committedAt })))
      .execute();
  }
  result.removedIds.push(...removeIds);
  await insertItems(trx, commit, inserts, result, counts);
  return counts;
}

/** The stored items (id, metadata, signals) under these keys of the bank. */
async function readStored(
  trx: Trx,
  bankId: number,
  keys: readonly string[],
): Promise<Map<string, { id: number; metadataJson: string | null; signals: Map<string, string> }>> {
  const found = new Map<string, { id: number; metadataJson: string | null; signals: Map<string, string> }>();
  const byId = new Map<number, Map<string, string>>();
  for (const chunk of chunks(keys, keysPerQuery)) {
    const rows = await trx
      .selectFrom('bank_contents')
      .select(['id', 'upstream_key', 'upstream_metadata_json'])
      .where('bank_id', '=', bankId)
      .where('upstream_key', 'in', chunk)
      .execute();
    for (const row of rows) {
      if (row.upstream_key === null) continue;
      const signals = new Map<string, string>();
      byId.set(Number(row.id), signals);
      found.set(row.upstream_key, { id: Number(row.id), metadataJson: row.upstream_metadata_json, signals });
    }
  }
  for (const chunk of chunks([...byId.keys()], keysPerQuery)) {
    const rows = await trx
      .selectFrom('content_signals')
      .select(['content_id', 'signal_type', 'value'])
      .where('content_id', 'in', chunk)
      .execute();
    for (const row of rows) byId.get(Number(row.content_id))?.set(row.signal_type, row.value);
  }
  return found;
}

function sameSignals(stored: ReadonlyMap<string, string>, signals: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(signals);
  return stored.size === entries.length && entries.every(([type, value]) => stored.get(type) === value);
}

/** A whole snapshot: every item of the exchange whose key the snapshot does not hold is removed. */
async function collectUnlisted(trx: Trx, commit: PageCommit, removeIds: number[], counts: Counts): Promise<void> {
  let afterId = 0;
  for (;;) {
    const rows = await trx
      .selectFrom('bank_contents')
      .select(['id', 'upstream_key'])
      .where('bank_id', '=', commit.bankId)
      .where('exchange_id', '=', commit.exchangeId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(5000)
      .execute();
    if (rows.length === 0) return;
    for (const row of rows) {
      afterId = Number(row.id);
      if (row.upstream_key === null || !commit.changes.has(row.upstream_key)) {
        removeIds.push(Number(row.id));
        counts.removals++;
      }
    }
  }
}

/** Steps 4 and 5: content rows, then their signals where the bank does not hold the value yet. */
async function insertItems(
  trx: Trx,
  commit: PageCommit,
  inserts: readonly Insert[],
  result: PageCommitResult,
  counts: Counts,
): Promise<void> {
  const idOf = new Map<string, number>();
  for (const chunk of chunks(inserts, keysPerQuery)) {
    const rows = await trx
      .insertInto('bank_contents')
      .values(
        chunk.map(({ key, metadataJson }) => ({
          bank_id: commit.bankId,
          source: commit.exchangeName,
          external_id: key.length <= 1024 ? key : null,
          category: null,
          note: null,
          content_uri: null,
          metadata_json: null,
          added_at: commit.committedAt,
          disable_until: 1,
          exchange_id: commit.exchangeId,
          upstream_key: key,
          upstream_metadata_json: metadataJson,
        })),
      )
      .returning(['id', 'upstream_key'])
      .execute();
    for (const row of rows) if (row.upstream_key !== null) idOf.set(row.upstream_key, Number(row.id));
  }
  const signalRows = inserts.flatMap(({ key, item }) => {
    const contentId = idOf.get(key) ?? 0;
    return Object.entries(item.signals).map(([signalType, value]) => ({
      content_id: contentId,
      bank_id: commit.bankId,
      signal_type: signalType,
      value,
      created_at: commit.committedAt,
    }));
  });
  const stored = new Set<number>();
  for (const chunk of chunks(signalRows, signalRowsPerStatement)) {
    const rows = await trx
      .insertInto('content_signals')
      .values(chunk)
      .onConflict((conflict) => conflict.doNothing())
      .returning('content_id')
      .execute();
    for (const row of rows) stored.add(Number(row.content_id));
  }
  const empty: number[] = [];
  for (const { key } of inserts) {
    const id = idOf.get(key) ?? 0;
    if (stored.has(id)) {
      result.addedIds.push(id);
      counts.upserts++;
    } else {
      empty.push(id);
      counts.skipped++;
    }
  }
  for (const chunk of chunks(empty, keysPerQuery)) {
    await trx.deleteFrom('bank_contents').where('id', 'in', chunk).execute();
  }
}
