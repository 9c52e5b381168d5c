import type { Writable } from 'node:stream';
import { EngineError } from '../core/index.js';
import { signalTypeByName } from '../signals/index.js';
import { formatCsvField } from './csv-fields.js';
import { indicatorTypeForSignal } from './signal-names.js';
import type { HashListExportEntry, HashListFormat } from './types.js';

/**
 * Free-text fields (externalId, category, addedAt) are cut to this many characters on export so
 * that every exported line, quoted in the worst case, stays under the readers' 4,096-character
 * line limit and imports back.
 */
export const maxExportTextLength = 900;

/** The header row `te-csv` exports start with; the te-csv reader maps these names back. */
export const teCsvExportHeader = 'indicator,indicator_type,indicator_id,added_on,labels';

/**
 * The first line a format's export starts with (`te-csv`: {@link teCsvExportHeader}), or
 * `undefined` for formats without one.
 */
export function hashListHeader(format: HashListFormat): string | undefined {
  return format === 'te-csv' ? teCsvExportHeader : undefined;
}

/**
 * Formats one entry as a line of `format`, without the line break:
 *
 * - `typed`: `<signal_type> <value>` with Prevail's names (`pdq`, `md5`, `sha256`, `vpdq`; a
 *   `vpdq` value is python-threatexchange's JSON list, spaces included, as pytx writes it);
 * - `bare`: `<value>` (one signal type per file: {@link writeHashList} enforces it; not `vpdq`,
 *   whose JSON value holds spaces a bare list cannot read back);
 * - `te-csv`: `indicator,indicator_type,indicator_id,added_on,labels`, indicator type
 *   `HASH_PDQ`, `HASH_MD5` or `HASH_SHA256`, fields quoted as Python's `csv` would;
 * - `pdq-tool`: `<hash>` or `<hash>,filename=<externalId>` (pdq only), which the C++ tools read
 *   as hash plus metadata.
 *
 * The value is re-validated with its descriptor, so an export always imports back; line breaks
 * and other control characters in free text become spaces, and free text is cut to
 * {@link maxExportTextLength} characters.
 *
 * @throws EngineError `SIGNAL_UNKNOWN` or `SIGNAL_INVALID_HASH` for an entry that is not a valid
 *   stored signal; `REQUEST_INVALID` for a signal the format cannot hold (`pdq-tool` with md5).
 */
export function formatHashListLine(format: HashListFormat, entry: HashListExportEntry): string {
  const type = signalTypeByName(entry.signalType);
  const value = type.parse(entry.value);
  switch (format) {
    case 'typed':
      return `${type.name} ${value}`;
    case 'bare':
      if (/\s/.test(value)) {
        throw new EngineError(
          'REQUEST_INVALID',
          `a bare list cannot hold ${type.name} values (they hold spaces); use typed`,
        );
      }
      return value;
    case 'pdq-tool': {
      if (type.name !== 'pdq') {
        throw new EngineError('REQUEST_INVALID', `a pdq-tool list holds pdq hashes only, not ${type.name}`);
      }
      const filename = exportText(entry.externalId);
      return filename === '' ? value : `${value},filename=${filename}`;
    }
    case 'te-csv': {
      const indicatorType = indicatorTypeForSignal(type.name);
      if (indicatorType === undefined) {
        throw new EngineError('REQUEST_INVALID', `ThreatExchange has no indicator type for ${type.name}`);
      }
      return [value, indicatorType, entry.externalId, entry.addedAt, entry.category]
        .map((field) => formatCsvField(exportText(field)))
        .join(',');
    }
  }
}

/**
 * Writes `entries` to `output` in `format`, one line each ending in `\n`, after the format's
 * header (te-csv). Lines are gathered into chunks of about 64 KiB and `output`'s backpressure is
 * respected (it waits for `drain`), so exporting a bank of any size holds one chunk in memory.
 * `output` is not ended: the caller may write more or end it (never end `process.stdout`).
 *
 * @returns how many entries were written (the header is not counted).
 * @throws what {@link formatHashListLine} throws; `REQUEST_INVALID` when a `bare` export meets a
 *   second signal type (a bare list cannot say which value is which); the output's own error; or
 *   `INTERNAL` if the output closes before everything is written. Lines already written stay.
 */
export async function writeHashList(
  entries: AsyncIterable<HashListExportEntry> | Iterable<HashListExportEntry>,
  output: Writable,
  format: HashListFormat,
): Promise<{ lines: number }> {
  const header = hashListHeader(format);
  let chunk = header === undefined ? '' : `${header}\n`;
  let lines = 0;
  let bareType: string | undefined;
  for await (const entry of entries) {
    if (format === 'bare') {
      bareType ??= entry.signalType;
      if (entry.signalType !== bareType) {
        throw new EngineError(
          'REQUEST_INVALID',
          `a bare list holds one signal type; got ${entry.signalType} after ${bareType} (export one type, or use typed)`,
        );
      }
    }
    chunk += `${formatHashListLine(format, entry)}\n`;
    lines++;
    if (chunk.length >= 65_536) {
      await write(output, chunk);
      chunk = '';
    }
  }
  if (chunk !== '') await write(output, chunk);
  return { lines };
}

function exportText(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  const clean = text.replace(/[\p{Cc}\u2028\u2029]/gu, ' ').trim();
  if (clean.length <= maxExportTextLength) return clean;
  // Do not split a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(clean[maxExportTextLength - 1] ?? '')
    ? maxExportTextLength - 1
    : maxExportTextLength;
  return clean.slice(0, end).trim();
}

async function write(output: Writable, chunk: string): Promise<void> {
  if (output.destroyed || output.writableEnded) throw closedError();
  if (output.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      output.off('drain', onDrain);
      output.off('error', onError);
      output.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = (): void => settle();
    const onError = (error: Error): void => settle(error);
    const onClose = (): void => settle(closedError());
    output.on('drain', onDrain);
    output.on('error', onError);
    output.on('close', onClose);
  });
}

function closedError(): EngineError {
  return new EngineError('INTERNAL', 'the output closed before the hash list was written');
}
