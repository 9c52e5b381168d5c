import { EngineError } from '../core/index.js';
import { looksPdqTool } from './pdq-tool-format.js';
import { indicatorTypeFromFileName } from './signal-names.js';
import { isTeCsvHeaderLine, looksTeCsvRow, readTeCsvHeader } from './te-csv-format.js';
import { looksTyped } from './typed-format.js';
import type { HashListFormat } from './types.js';

/** What detection knows besides the first line. */
export interface DetectionHints {
  /** Whether the caller declared a signal type (bare lists need one). */
  readonly signalTypeDeclared: boolean;
  /** The uploaded file's name, if known. */
  readonly fileName: string | undefined;
}

/**
 * Picks the format of a hash list for `format: 'auto'` from the first content line (the first
 * line that is not blank and not a `#` comment), trying these rules in order:
 *
 * 1. the file name ends in `.te` (`simple.HASH_PDQ.te`, `123.hash_pdq.te`) → `te-csv`;
 * 2. the line starts with `hash=` → `pdq-tool` (the C++ tools' `--details` output);
 * 3. the line is a te-csv header (its first field is a non-hex word and every field is a known
 *    column name, one of them the indicator) → `te-csv`;
 * 4. the first token is a known signal name or pytx alias followed by whitespace and a value
 *    (optionally after a quoted collaboration name) → `typed`;
 * 5. the line is CSV with 4 or 5 fields and a time in the `added_on` position → `te-csv`;
 * 6. the line is 64 hex characters followed by a comma → `pdq-tool`;
 * 7. the line is one token (no whitespace, no comma) and a signal type is declared → `bare`.
 *
 * Anything else is refused rather than guessed: a lone 64-hex value could be PDQ or SHA-256.
 *
 * @throws EngineError `IMPORT_INVALID_FORMAT` saying which rule almost applied.
 */
export function detectFormat(firstLine: string, hints: DetectionHints): HashListFormat {
  if (hints.fileName !== undefined && indicatorTypeFromFileName(hints.fileName) !== undefined) return 'te-csv';
  const text = firstLine.trim();
  if (/^hash=/i.test(text)) return 'pdq-tool';
  if (isTeCsvHeaderLine(text) && readTeCsvHeader(text).ok) return 'te-csv';
  if (looksTyped(text)) return 'typed';
  if (looksTeCsvRow(text)) return 'te-csv';
  if (looksPdqTool(text)) return 'pdq-tool';
  if (!/[\s,]/.test(text)) {
    if (hints.signalTypeDeclared) return 'bare';
    throw new EngineError(
      'IMPORT_INVALID_FORMAT',
      'the list holds bare values: declare their signal type (--signal-type) or use the typed format',
    );
  }
  throw new EngineError(
    'IMPORT_INVALID_FORMAT',
    'cannot tell the hash list format from its first line; pass a format (typed, bare, te-csv, pdq-tool)',
  );
}
