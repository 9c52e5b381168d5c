import { CsvLineSplitter, type CsvProblemKind } from '../csv/index.js';
import { maxVideoLineLength } from './types.js';

/**
 * One te-csv record on one line, read by csv-parse in Prevail's one CSV dialect (`csv/`): fields
 * separated by commas; a quoted field may hold commas and writes a quote as `""`; white space
 * around a field is not part of it. Records never span lines here: the line splitter has already
 * cut the input at `\n`, so a quote still open at the end of the line makes the line unreadable,
 * as do text after a closing quote and a quote inside an unquoted field (rather than silently
 * shifting columns).
 */

/** The fields of a record, or why the line is not one. */
export type CsvSplit =
  | { readonly ok: true; readonly fields: string[] }
  | { readonly ok: false; readonly reason: string };

const reasons: Readonly<Record<CsvProblemKind, string>> = {
  'unclosed-quote': 'unterminated quoted field',
  'text-after-quote': 'text after a closing quote',
  'quote-in-field': 'a quote inside an unquoted field (quote the field and double the quote)',
  'too-long': 'line too long',
  malformed: 'not a CSV record',
};

/**
 * Splits one line into its CSV fields (trimmed of surrounding white space). Readers of many lines
 * pass one `splitter` for all of them (one csv-parse parser per input, not per line).
 */
export function splitCsvLine(
  text: string,
  splitter: CsvLineSplitter = new CsvLineSplitter(maxVideoLineLength),
): CsvSplit {
  const split = splitter.split(text);
  return split.ok ? split : { ok: false, reason: reasons[split.kind] };
}

/**
 * Formats one field: quoted when it holds a comma, a quote, or leading or trailing whitespace
 * (which the reader would otherwise trim); as is otherwise, matching Python's minimal quoting.
 */
export function formatCsvField(value: string): string {
  if (/[",]/.test(value) || value !== value.trim()) return `"${value.replaceAll('"', '""')}"`;
  return value;
}
