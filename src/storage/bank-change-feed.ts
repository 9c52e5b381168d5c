import type { Kysely } from 'kysely';
import pg from 'pg';
import type { BankChange, BankChangeFeed } from '../banks/index.js';
import { bankChangeChannel, decodeIdRanges } from './bank-change-log.js';
import { translateStorageErrors } from './storage-errors.js';
import type { Database } from './tables.js';

/** First wait before listening again after the listening connection failed; doubles up to the most. */
const relistenFirstMs = 500;
const relistenMostMs = 10_000;

/**
 * The bank change feed over the `bank_changes` log (`BankChangeFeed`, defined by `banks`). Reads
 * go through the store's pool. On PostgreSQL, `listen` holds one connection of its own outside
 * the pool (`LISTEN prevail_bank_changes`); when that connection fails it connects again with
 * backoff and then calls `onNotice` once, since notices sent meanwhile are lost. SQLite has no
 * notices: `listen` never calls back and followers rely on polling `latest()`, one primary-key
 * read.
 */
export class KyselyBankChangeFeed implements BankChangeFeed {
  readonly #db: Kysely<Database>;
  readonly #postgres: { readonly connectionString: string } | undefined;

  /** `postgres`: where `listen` connects (the store's own URL); absent for SQLite. */
  constructor(db: Kysely<Database>, postgres?: { readonly connectionString: string }) {
    this.#db = db;
    this.#postgres = postgres;
  }

  latest(): Promise<number> {
    return translateStorageErrors(async () => {
      const row = await this.#db.selectFrom('bank_change_head').select('seq').where('id', '=', 1).executeTakeFirst();
      return Number(row?.seq ?? 0);
    });
  }

  after(afterSeq: number, limit: number): Promise<BankChange[]> {
    return translateStorageErrors(async () => {
      const rows = await this.#db
        .selectFrom('bank_changes')
        .select(['seq', 'kind', 'content_ids', 'committed_at'])
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        seq: Number(row.seq),
        kind: row.kind === 'added' || row.kind === 'removed' ? row.kind : 'banks',
        contentIds: decodeIdRanges(row.content_ids),
        committedAt: row.committed_at,
      }));
    });
  }

  async listen(onNotice: () => void): Promise<() => Promise<void>> {
    const postgres = this.#postgres;
    if (postgres === undefined) return async () => {};
    let stopped = false;
    let client: pg.Client | undefined;
    let timer: NodeJS.Timeout | undefined;
    let waitMs = relistenFirstMs;
    const connect = async (): Promise<void> => {
      const next = new pg.Client({
        connectionString: postgres.connectionString,
        application_name: 'prevail-bank-follower',
      });
      // A failing connection emits `error` and then `end`; the retry hangs off `end` alone.
      next.on('error', () => undefined);
      next.on('notification', (message) => {
        if (message.channel === bankChangeChannel) onNotice();
      });
      next.on('end', () => {
        if (client === next) client = undefined;
        if (!stopped) retry();
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${bankChangeChannel}`);
      } catch (error) {
        await next.end().catch(() => undefined);
        throw error;
      }
      if (stopped) {
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
      waitMs = relistenFirstMs;
    };
    const retry = (): void => {
      if (stopped || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        connect().then(
          () => onNotice(),
          () => {
            waitMs = Math.min(relistenMostMs, waitMs * 2);
            retry();
          },
        );
      }, waitMs);
      timer.unref();
    };
    try {
      await translateStorageErrors(connect);
    } catch (error) {
      stopped = true;
      throw error;
    }
    return async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await client?.end().catch(() => undefined);
    };
  }
}
