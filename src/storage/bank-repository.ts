import type { Kysely } from 'kysely';
import type {
  BankPatch,
  BankRecord,
  BankRepository,
  BatchAddResult,
  ContentPatch,
  ContentRecord,
  NewBank,
  NewContent,
  StoredSignal,
} from '../banks/index.js';
import { addContent } from './add-content.js';
import { recordBankChanges } from './bank-change-log.js';
import * as banks from './bank-queries.js';
import type { BatchInserter } from './batch-insert.js';
import * as contents from './content-queries.js';
import type { DialectName } from './dialect.js';
import { countSignals, streamSignals } from './signal-stream.js';
import { translateStorageErrors } from './storage-errors.js';
import type { Database } from './tables.js';

/**
 * `BankRepository` over Kysely, the same code for SQLite and PostgreSQL. It sets transaction
 * boundaries (each write records its bank change in its own transaction, `bank-change-log.ts`) and turns "database unreachable" driver errors into `STORAGE_UNAVAILABLE`; the
 * queries live in `bank-queries.ts`, `content-queries.ts`, `add-content.ts` and
 * `signal-stream.ts`, and `addContentBatch` goes to the dialect's `BatchInserter`.
 */
export class KyselyBankRepository implements BankRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    private readonly batchInserter: BatchInserter,
  ) {}

  createBank(input: NewBank): Promise<BankRecord> {
    return translateStorageErrors(() =>
      this.db.transaction().execute(async (transaction) => {
        const bank = await banks.createBank(transaction, this.dialect, input);
        await this.#banksChanged(transaction, bank.id);
        return bank;
      }),
    );
  }

  getBankByName(name: string): Promise<BankRecord | undefined> {
    return translateStorageErrors(() => banks.getBankByName(this.db, name));
  }

  getBankById(id: number): Promise<BankRecord | undefined> {
    return translateStorageErrors(() => banks.getBankById(this.db, id));
  }

  listBanks(): Promise<BankRecord[]> {
    return translateStorageErrors(() => banks.listBanks(this.db));
  }

  updateBank(id: number, patch: BankPatch): Promise<BankRecord> {
    return translateStorageErrors(() =>
      this.db.transaction().execute(async (transaction) => {
        const bank = await banks.updateBank(transaction, this.dialect, id, patch);
        await this.#banksChanged(transaction, id);
        return bank;
      }),
    );
  }

  /** Records that bank rows changed (followers in other processes re-read the banks). */
  #banksChanged(transaction: Kysely<Database>, bankId: number): Promise<void> {
    return recordBankChanges(transaction, this.dialect, [{ kind: 'banks', bankId, contentIds: [] }]);
  }

  deleteBank(id: number): Promise<number[]> {
    return translateStorageErrors(() =>
      this.db.transaction().execute((transaction) => banks.deleteBank(transaction, this.dialect, id)),
    );
  }

  addContent(bankId: number, content: NewContent): Promise<ContentRecord> {
    return translateStorageErrors(() => addContent(this.db, this.dialect, bankId, content));
  }

  addContentBatch(bankId: number, items: readonly NewContent[]): Promise<BatchAddResult> {
    return translateStorageErrors(() => this.batchInserter.insert(bankId, items));
  }

  getContent(id: number): Promise<ContentRecord | undefined> {
    return translateStorageErrors(() => contents.getContent(this.db, id));
  }

  getContents(ids: readonly number[]): Promise<ContentRecord[]> {
    return translateStorageErrors(() => contents.loadContents(this.db, ids));
  }

  listContent(bankId: number, options: { afterId?: number; limit: number }): Promise<ContentRecord[]> {
    return translateStorageErrors(() => contents.listContent(this.db, bankId, options));
  }

  updateContent(id: number, patch: ContentPatch): Promise<ContentRecord> {
    return translateStorageErrors(() =>
      this.db.transaction().execute((transaction) => contents.updateContent(transaction, id, patch)),
    );
  }

  deleteContent(id: number): Promise<boolean> {
    return translateStorageErrors(() => contents.deleteContent(this.db, this.dialect, id));
  }

  findContentBySignal(bankId: number, signalType: string, value: string): Promise<ContentRecord | undefined> {
    return translateStorageErrors(() => contents.findContentBySignal(this.db, bankId, signalType, value));
  }

  async *streamSignals(
    signalType: string,
    options: { bankId?: number; batchSize?: number } = {},
  ): AsyncGenerator<StoredSignal[]> {
    const batches = streamSignals(this.db, signalType, options);
    try {
      for (;;) {
        const next = await translateStorageErrors(() => batches.next());
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      await batches.return(undefined);
    }
  }

  countSignals(signalType: string, bankId?: number): Promise<number> {
    return translateStorageErrors(() => countSignals(this.db, signalType, bankId));
  }
}
