import type { Writable } from 'node:stream';
import {
  batchEntries,
  type HashListExportEntry,
  type HashListFormat,
  type HashListFormatOption,
  type HashListRejection,
  type HashListSource,
  readHashList,
  writeHashList,
} from '../exchanges/index.js';
import type { NewContent } from './bank-records.js';
import type { BankService } from './bank-service.js';

/** What an import did. Rejected lines are counted; the first `keptRejections` are kept with reasons. */
export interface ImportReport {
  readonly bank: string;
  /** Entries read (valid lines). */
  readonly entries: number;
  readonly added: number;
  /** Values the bank already held (or that appeared earlier in the file): skipped. */
  readonly duplicates: number;
  readonly rejected: number;
  readonly rejections: readonly HashListRejection[];
}

export interface ImportOptions {
  readonly format: HashListFormatOption;
  readonly signalType?: string;
  readonly fileName?: string;
  /** Provenance recorded on every imported item, e.g. `ncmec` (default `import`). */
  readonly source?: string;
  /** Entries per storage transaction (default 5,000). */
  readonly batchSize?: number;
  /** Called after every batch with the running totals. */
  readonly onProgress?: (report: ImportReport) => void;
}

/** How many rejections a report keeps verbatim (the rest are only counted). */
export const keptRejections = 1000;

/**
 * Streams a hash list into a bank: read and validated line by line, written in batches of one
 * transaction each, deduplicated by the store (a value already in the bank is skipped). Memory is
 * bounded by the batch size whatever the file's size.
 *
 * @throws EngineError `BANK_NOT_FOUND`, `IMPORT_INVALID_FORMAT` (before anything is written).
 */
export async function importHashList(
  service: BankService,
  bankName: string,
  input: HashListSource,
  options: ImportOptions,
): Promise<ImportReport> {
  const bank = await service.getBank(bankName);
  const report = {
    bank: bank.name,
    entries: 0,
    added: 0,
    duplicates: 0,
    rejected: 0,
    rejections: [] as HashListRejection[],
  };
  const items = readHashList(input, {
    format: options.format,
    signalType: options.signalType,
    fileName: options.fileName,
  });
  for await (const batch of batchEntries(items, options.batchSize ?? 5000)) {
    report.rejected += batch.rejected.length;
    for (const rejection of batch.rejected)
      if (report.rejections.length < keptRejections) report.rejections.push(rejection);
    if (batch.entries.length > 0) {
      const contents: NewContent[] = batch.entries.map((entry) => ({
        signals: { [entry.signalType]: entry.value },
        source: options.source ?? 'import',
        externalId: entry.externalId ?? null,
        category: entry.category ?? null,
        ...(entry.addedAt !== undefined ? { metadata: { sourceAddedAt: entry.addedAt } } : {}),
      }));
      const result = await service.addContentBatch(bank, contents);
      report.entries += batch.entries.length;
      report.added += result.added;
      report.duplicates += result.duplicates;
    }
    options.onProgress?.(report);
  }
  return report;
}

/** Every signal value of a bank as export entries, in content id order, read page by page. */
async function* bankEntries(
  service: BankService,
  bankName: string,
  signalType?: string,
): AsyncGenerator<HashListExportEntry> {
  let afterId: number | undefined;
  for (;;) {
    const page = await service.listContent(bankName, { limit: 5000, ...(afterId !== undefined ? { afterId } : {}) });
    for (const content of page) {
      for (const [type, value] of Object.entries(content.signals)) {
        if (signalType !== undefined && type !== signalType) continue;
        yield {
          signalType: type,
          value,
          externalId: content.externalId,
          category: content.category,
          addedAt: content.addedAt,
        };
      }
    }
    const last = page.at(-1);
    if (last === undefined || page.length < 5000) return;
    afterId = last.id;
  }
}

/**
 * Writes a bank's values to `output` in `format` (for `bare`, give `signalType`: a bare list
 * holds one type). Streams with backpressure; returns the number of lines written.
 */
export async function exportHashList(
  service: BankService,
  bankName: string,
  output: Writable,
  format: HashListFormat,
  signalType?: string,
): Promise<{ lines: number }> {
  await service.getBank(bankName);
  return writeHashList(bankEntries(service, bankName, signalType), output, format);
}
