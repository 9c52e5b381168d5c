/**
 * CSV: Prevail's one CSV dialect, read with csv-parse (streaming, synchronous push, bounded
 * memory), for the hash-list te-csv rows (`exchanges/`) and CSV payments (`payments/`), so the two
 * readers cannot disagree on quoting, line breaks or byte-order marks again. Writing stays with
 * each format (it is one small quoting rule).
 */

export { type CsvLineSplit, CsvLineSplitter } from './csv-line-splitter.js';
export {
  type CsvProblem,
  type CsvProblemKind,
  type CsvReaderOptions,
  CsvRecordReader,
} from './csv-record-reader.js';
