/**
 * One CSV record on one line, RFC 4180 style as Python's `csv` module writes it: fields separated
 * by commas; a field that starts with `"` is quoted, may hold commas, and writes a quote as `""`.
 * Records never span lines here: the line splitter has already cut the input at `\n`, and the
 * exporters never write line breaks inside a field.
 */

/** The fields of a record, or why the line is not one. */
export type CsvSplit =
  | { readonly ok: true; readonly fields: string[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Splits one line into its CSV fields (not trimmed). Whitespace between a closing quote and the
 * next comma is allowed; anything else there, or a quote that never closes, makes the line
 * unreadable rather than silently shifting columns.
 */
export function splitCsvLine(text: string): CsvSplit {
  const fields: string[] = [];
  let index = 0;
  for (;;) {
    if (text[index] === '"') {
      let value = '';
      let cursor = index + 1;
      for (;;) {
        const quote = text.indexOf('"', cursor);
        if (quote === -1) return { ok: false, reason: 'unterminated quoted field' };
        value += text.slice(cursor, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          cursor = quote + 2;
          continue;
        }
        cursor = quote + 1;
        break;
      }
      const comma = text.indexOf(',', cursor);
      const after = comma === -1 ? text.slice(cursor) : text.slice(cursor, comma);
      if (after.trim() !== '') return { ok: false, reason: 'text after a closing quote' };
      fields.push(value);
      if (comma === -1) return { ok: true, fields };
      index = comma + 1;
    } else {
      const comma = text.indexOf(',', index);
      if (comma === -1) {
        fields.push(text.slice(index));
        return { ok: true, fields };
      }
      fields.push(text.slice(index, comma));
      index = comma + 1;
    }
  }
}

/**
 * Formats one field: quoted when it holds a comma, a quote, or leading or trailing whitespace
 * (which the reader would otherwise trim); as is otherwise, matching Python's minimal quoting.
 */
export function formatCsvField(value: string): string {
  if (/[",]/.test(value) || value !== value.trim()) return `"${value.replaceAll('"', '""')}"`;
  return value;
}
