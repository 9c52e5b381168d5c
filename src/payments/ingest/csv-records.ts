import { paymentInvalid } from './payment-invalid.js';

/**
 * Assembles RFC 4180 CSV records from lines: fields separated by commas; a field that starts
 * with `"` (after optional spaces) is quoted, may hold commas and line breaks, and writes a quote
 * as `""`. A quote inside an unquoted field, or text after a closing quote, is an error rather
 * than a guess that would shift columns. Line breaks inside a quoted field read as `\n`.
 *
 * Fed one line at a time (`LineSplitter` has already cut the input), it hands each complete
 * record to `onRecord` with the number of the line it starts on. A record longer than
 * `maxLength` characters (usually an unclosed quote swallowing the file) is an error.
 */
export class CsvRecordAssembler {
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  private startLine = 0;
  private length = 0;
  private lastLine = 0;

  constructor(
    private readonly maxLength: number,
    private readonly onRecord: (fields: string[], line: number) => void,
  ) {}

  /** Feeds the next line (without its line break). Blank lines between records are skipped. */
  line(text: string, number: number): void {
    this.lastLine = number;
    let index = 0;
    if (this.inQuotes) {
      this.field += '\n';
      this.length += text.length + 1;
      if (this.length > this.maxLength) {
        throw paymentInvalid(
          `line ${this.startLine}`,
          `a record longer than ${this.maxLength} characters (is a quote left open?)`,
        );
      }
    } else {
      if (text.trim() === '') return;
      this.startLine = number;
      this.length = text.length;
    }
    for (;;) {
      if (this.inQuotes) {
        const quote = text.indexOf('"', index);
        if (quote === -1) {
          this.field += text.slice(index);
          return; // the record goes on on the next line
        }
        this.field += text.slice(index, quote);
        if (text.charCodeAt(quote + 1) === 0x22) {
          this.field += '"';
          index = quote + 2;
          continue;
        }
        this.inQuotes = false;
        const comma = text.indexOf(',', quote + 1);
        const after = comma === -1 ? text.slice(quote + 1) : text.slice(quote + 1, comma);
        if (after.trim() !== '') throw paymentInvalid(`line ${number}`, 'text after a closing quote');
        this.fields.push(this.field);
        this.field = '';
        if (comma === -1) {
          this.finish();
          return;
        }
        index = comma + 1;
        continue;
      }
      let start = index;
      while (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09) start++;
      if (text.charCodeAt(start) === 0x22) {
        this.inQuotes = true;
        index = start + 1;
        continue;
      }
      const comma = text.indexOf(',', index);
      const value = comma === -1 ? text.slice(index) : text.slice(index, comma);
      if (value.includes('"')) {
        throw paymentInvalid(
          `line ${number}`,
          'a quote inside an unquoted field (quote the field and double the quote)',
        );
      }
      this.fields.push(value);
      if (comma === -1) {
        this.finish();
        return;
      }
      index = comma + 1;
    }
  }

  /** Ends the input; a quoted field still open is an error. */
  end(): void {
    if (this.inQuotes)
      throw paymentInvalid(`line ${this.startLine}`, `a quoted field never closes (at line ${this.lastLine})`);
  }

  private finish(): void {
    const fields = this.fields;
    this.fields = [];
    this.onRecord(fields, this.startLine);
  }
}
