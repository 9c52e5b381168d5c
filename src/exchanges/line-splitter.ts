import type { HashListSource } from './types.js';

/** One physical line of a hash list. */
export interface SourceLine {
  /** 1-based line number. */
  readonly number: number;
  /**
   * The line without its `\n` or `\r\n` (and without a UTF-8 BOM on line 1). When `tooLong`, only
   * the first `maxLength + 1` characters are kept: enough to show and to tell a comment.
   */
  readonly text: string;
  /** True when the line is longer than `maxLength` characters. */
  readonly tooLong: boolean;
}

/**
 * Splits a stream into lines without ever holding more than one chunk plus `maxLength + 2`
 * characters of the current line, so a hostile upload with no line breaks cannot exhaust memory
 * (node:readline buffers a line whatever its length, hence this splitter).
 *
 * Lines end at `\n`; one `\r` before it is dropped, so CRLF files read like LF files. A lone `\r`
 * is not a line break. Bytes are decoded as UTF-8 across chunk boundaries (a BOM is dropped,
 * invalid sequences become U+FFFD). A final line without a line break is still a line; an input
 * ending in `\n` has no empty last line.
 */
export async function* splitLines(source: HashListSource, maxLength: number): AsyncGenerator<SourceLine> {
  const decoder = new TextDecoder('utf-8');
  const keep = maxLength + 2; // room for a `\r` and one character of overflow
  let pending = '';
  let tooLong = false;
  let number = 1;

  const finish = (): SourceLine => {
    let text = pending;
    let overflow = tooLong;
    if (!overflow && text.endsWith('\r')) text = text.slice(0, -1);
    if (number === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    if (text.length > maxLength) overflow = true;
    const line: SourceLine = { number, text: overflow ? text.slice(0, maxLength + 1) : text, tooLong: overflow };
    pending = '';
    tooLong = false;
    number++;
    return line;
  };

  const append = (segment: string): void => {
    if (tooLong || segment.length === 0) return;
    if (pending.length + segment.length > keep) {
      pending += segment.slice(0, keep - pending.length);
      tooLong = true;
    } else {
      pending += segment;
    }
  };

  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      append(text.slice(start, newline));
      yield finish();
      start = newline + 1;
    }
    append(text.slice(start));
  }
  append(decoder.decode());
  if (pending.length > 0 || tooLong) yield finish();
}
