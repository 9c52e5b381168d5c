import { CsvError, Parser } from 'csv-parse';

/**
 * What can be wrong with CSV text, in the reader's terms; each caller words it for its users
 * (a hash-list rejection, a `PAYMENT_INVALID` message).
 *
 * - `unclosed-quote`: a quoted field never closes (at the end of the input, or of the line for a
 *   caller that feeds one record per line);
 * - `text-after-quote`: something other than spaces between a closing quote and the next comma;
 * - `quote-in-field`: a quote inside an unquoted field (RFC 4180 wants the field quoted and the
 *   quote doubled);
 * - `too-long`: a record longer than `maxRecordBytes` UTF-8 bytes (usually an open quote
 *   swallowing the input);
 * - `malformed`: anything else csv-parse refuses (its message is in `detail`).
 */
export type CsvProblemKind = 'unclosed-quote' | 'text-after-quote' | 'quote-in-field' | 'too-long' | 'malformed';

/** A problem and the 1-based line it was found on (`recordLine`: the line its record starts on). */
export interface CsvProblem {
  readonly kind: CsvProblemKind;
  readonly line: number;
  readonly recordLine: number;
  /** csv-parse's own message, for the rare error with no kind of its own. */
  readonly detail: string;
}

/** Options of {@link CsvRecordReader}. */
export interface CsvReaderOptions {
  /** The longest record, in UTF-8 bytes (as csv-parse counts), before `too-long`: memory stays bounded by it. */
  readonly maxRecordBytes: number;
  /** Drop a byte-order mark at the start (default true; looking for one holds back three bytes). */
  readonly bom?: boolean;
}

const problemKinds: Readonly<Record<string, CsvProblemKind>> = {
  CSV_QUOTE_NOT_CLOSED: 'unclosed-quote',
  CSV_INVALID_CLOSING_QUOTE: 'text-after-quote',
  INVALID_OPENING_QUOTE: 'quote-in-field',
  CSV_MAX_RECORD_SIZE: 'too-long',
};

/**
 * Prevail's one CSV dialect, read by csv-parse (the hash-list te-csv rows of `exchanges/` and the
 * CSV payments of `payments/`): RFC 4180 with commas and double quotes; records end at LF or
 * CRLF (a lone CR is text); a field may be quoted, hold commas, doubled quotes and line breaks;
 * white space (spaces, tabs…) around a field, even a quoted one, is not part of it; a quote inside an
 * unquoted field and text after a closing quote are errors, not guesses that would shift columns;
 * a byte-order mark at the start is dropped; a blank line (nothing but spaces) is no record.
 * A line break inside a quoted field reads as LF whether the file uses LF or CRLF.
 *
 * A push reader over csv-parse's streaming parser: text goes in piece by piece (`write`), each
 * complete record is handed to `onRecord` with the line it starts on, synchronously, during
 * `write` or `end`; nothing is buffered but the record being read, so memory stays flat whatever
 * the input's size. (csv-parse looks a few bytes past a record's line break before it hands
 * the record over, in case it is a CRLF; `end` hands over the last one.) A problem stops the reader (make a new one to go on); an error thrown by
 * `onRecord` is rethrown by `write` or `end` as it is.
 */
export class CsvRecordReader {
  private readonly parser: Parser;
  private nextLine = 1;
  private recordStart = 1;
  private records = 0;
  private problem: CsvProblem | undefined;

  constructor(
    private readonly onRecord: (fields: string[], line: number) => void,
    options: CsvReaderOptions,
  ) {
    this.parser = new Parser({
      bom: options.bom ?? true,
      delimiter: ',',
      quote: '"',
      escape: '"',
      record_delimiter: ['\r\n', '\n'],
      ltrim: true,
      rtrim: true,
      relax_column_count: true,
      max_record_size: options.maxRecordBytes,
      on_record: (fields: string[]) => this.record(fields),
    });
    // Errors are read synchronously from `errored` after each write; the event is not needed.
    this.parser.on('error', () => {});
  }

  /** How many records were handed to `onRecord`. */
  get recordCount(): number {
    return this.records;
  }

  /** Feeds the next piece of text; returns the problem that stopped the reader, if any. */
  write(text: string): CsvProblem | undefined {
    if (this.problem === undefined && text.length > 0) this.parser.write(text);
    return this.check();
  }

  /** Ends the input (a quoted field still open is `unclosed-quote`); returns the problem, if any. */
  end(): CsvProblem | undefined {
    if (this.problem === undefined) this.parser.end();
    return this.check();
  }

  private record(fields: string[]): null {
    const line = this.nextLine;
    let breaks = 0;
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index] ?? '';
      if (field.includes('\n')) {
        const normalised = field.includes('\r\n') ? field.replaceAll('\r\n', '\n') : field;
        fields[index] = normalised;
        for (let at = normalised.indexOf('\n'); at !== -1; at = normalised.indexOf('\n', at + 1)) breaks++;
      }
    }
    this.nextLine = line + breaks + 1;
    this.recordStart = this.nextLine;
    if (fields.length === 1 && fields[0] === '') return null;
    this.records++;
    this.onRecord(fields, line);
    return null; // handed over: csv-parse keeps nothing
  }

  private check(): CsvProblem | undefined {
    if (this.problem !== undefined) return this.problem;
    const error = this.parser.errored;
    if (error === null || error === undefined) return undefined;
    if (!(error instanceof CsvError)) throw error;
    const kind = problemKinds[error.code];
    const found = (error as CsvError & { lines?: number }).lines;
    this.problem = {
      kind: kind ?? 'malformed',
      line: kind === 'unclosed-quote' || typeof found !== 'number' ? this.recordStart : found,
      recordLine: this.recordStart,
      detail: error.message,
    };
    return this.problem;
  }
}
