import { paymentInvalid } from './payment-invalid.js';

/**
 * Cuts text that arrives in pieces into lines, for the line formats (JSON Lines, Tazama JSON
 * Lines; CSV is read by csv-parse, in `csv/`). Lines end at `\n`; one `\r` before it is dropped, so CRLF files read like LF
 * files; a byte-order mark at the very start is dropped; a last line without `\n` is still a
 * line. A line longer than `maxLength` throws `PAYMENT_INVALID` before it is held whole, so an
 * input without line breaks cannot exhaust memory.
 */
export class LineSplitter {
  private pending = '';
  private number = 1;
  private started = false;

  constructor(
    private readonly maxLength: number,
    private readonly onLine: (text: string, number: number) => void,
  ) {}

  /** Feeds the next piece of text. */
  push(text: string): void {
    let piece = text;
    if (!this.started && piece.length > 0) {
      this.started = true;
      if (piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1);
    }
    let start = 0;
    for (let newline = piece.indexOf('\n'); newline !== -1; newline = piece.indexOf('\n', start)) {
      const line = this.pending + piece.slice(start, newline);
      this.pending = '';
      this.emit(line.endsWith('\r') ? line.slice(0, -1) : line);
      start = newline + 1;
    }
    this.pending += piece.slice(start);
    if (this.pending.length > this.maxLength + 1) this.tooLong();
  }

  /** Ends the input: emits a last line that has no line break. */
  end(): void {
    if (this.pending.length > 0) {
      const line = this.pending;
      this.pending = '';
      this.emit(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  }

  private emit(line: string): void {
    if (line.length > this.maxLength) this.tooLong();
    this.onLine(line, this.number);
    this.number++;
  }

  private tooLong(): never {
    throw paymentInvalid(`line ${this.number}`, `longer than ${this.maxLength} characters`);
  }
}
