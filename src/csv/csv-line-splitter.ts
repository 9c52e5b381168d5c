import { type CsvProblemKind, CsvRecordReader } from './csv-record-reader.js';

/** The fields of a one-line record, or why the line is not one. */
export type CsvLineSplit =
  | { readonly ok: true; readonly fields: string[] }
  | { readonly ok: false; readonly kind: CsvProblemKind };

/**
 * csv-parse looks up to three bytes past a line break (a CRLF, an escaped quote, a multi-byte
 * space) before it hands a record over, so each line is followed by its line break and three
 * more: the record comes out during this line's write, and the blank records the extra breaks
 * make are no records.
 */
const lookahead = '\n\n\n\n';

/**
 * Splits lines that each hold one whole record (a line break inside a quoted field is not
 * allowed: a quote left open at the end of the line is `unclosed-quote`), in the one dialect of
 * {@link CsvRecordReader}, for formats read line by line such as the te-csv hash lists. One
 * csv-parse parser serves every line of an input (none is made per line), so a list of ten
 * million lines costs ten million small writes; after a bad line the parser is replaced.
 * Fields come back trimmed of surrounding spaces and tabs.
 */
export class CsvLineSplitter {
  private reader: CsvRecordReader;
  private fields: string[] | undefined;

  constructor(private readonly maxLineBytes: number) {
    this.reader = this.makeReader();
  }

  /** The fields of `line` (without its line break). */
  split(line: string): CsvLineSplit {
    this.fields = undefined;
    const problem = this.reader.write(line + lookahead);
    const fields = this.fields as string[] | undefined;
    if (problem === undefined && fields !== undefined) return { ok: true, fields };
    this.reader = this.makeReader();
    if (problem !== undefined) return { ok: false, kind: problem.kind };
    return line.trim() === '' ? { ok: true, fields: [''] } : { ok: false, kind: 'unclosed-quote' };
  }

  private makeReader(): CsvRecordReader {
    return new CsvRecordReader(
      (fields) => {
        this.fields = fields;
      },
      { maxRecordBytes: this.maxLineBytes, bom: false },
    );
  }
}
