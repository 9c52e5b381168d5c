import { paymentInvalid } from './payment-invalid.js';

/** One field of an MT text block: `:50K:/ACCOUNT` and its continuation lines. */
export interface MtField {
  /** The tag with its option letter: `20`, `32A`, `50K`, `59`. */
  readonly tag: string;
  /** The value's lines: the text after `:50K:`, then each continuation line (blank lines skipped). */
  readonly lines: readonly string[];
  /** The input line the field starts on. */
  readonly line: number;
}

/** The fields of one text block, by tag, each tag's occurrences in order. */
export type MtFields = ReadonlyMap<string, readonly MtField[]>;

const fieldStart = /^:(\d{2}[A-Z]?):/;

/**
 * The first character of `text` that FIN text never holds and no store should, as `U+XXXX`, or
 * `undefined`: a C0 control other than carriage return and line feed, DEL, a C1 control, U+FFFE,
 * U+FFFF or an unpaired surrogate.
 */
export function forbiddenCharacterIn(text: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x20 && code < 0x7f) continue;
    let bad: boolean;
    if (code < 0x20) bad = code !== 0x0a && code !== 0x0d;
    else if (code <= 0x9f) bad = true;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      bad = !(next >= 0xdc00 && next <= 0xdfff);
      if (!bad) index++;
    } else if (code >= 0xdc00 && code <= 0xdfff) bad = true;
    else bad = code === 0xfffe || code === 0xffff;
    if (bad) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/**
 * Reads the fields of an MT text block (block 4): lines end at LF (CRLF read alike); a line
 * `:NNa:` starts a field; any other line continues the field before it (FIN lines never start
 * with `:` or `-`, so a line starting with `:` that is not a tag is an error); blank lines are
 * skipped. Between braces the block starts with a line break and must end with a line `-`
 * (`…\r\n-}`): a block without it was cut short. A bare block may end with a line `-`.
 *
 * `where(line)` names a position (`message 3, line 41`) for errors; every error is
 * `PAYMENT_INVALID`. Characters FIN never carries that are also unsafe to store (controls, a
 * carriage return that ends no line, unpaired surrogates) are refused; other Unicode passes
 * (exports often carry accented names).
 */
export function readTextBlock(
  text: string,
  firstLine: number,
  bare: boolean,
  where: (line: number) => string,
): MtFields {
  const lines = text.split('\n');
  let last = lines.length - 1;
  const stripped = (index: number) => {
    const line = lines[index] ?? '';
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  while (last >= 0 && stripped(last).trim() === '') last--;
  if (last >= 0 && stripped(last) === '-') last--;
  else if (!bare) {
    throw paymentInvalid(
      where(firstLine + lines.length - 1),
      'block 4 does not end with a line "-" before its "}": the message is cut short or malformed',
    );
  }
  const fields = new Map<string, MtField[]>();
  let current: { tag: string; lines: string[]; line: number } | undefined;
  for (let index = 0; index <= last; index++) {
    const line = stripped(index);
    const number = firstLine + index;
    const bad = forbiddenCharacterIn(line);
    if (bad !== undefined) throw paymentInvalid(where(number), `a character FIN text cannot hold (${bad})`);
    if (line.includes('\r')) {
      throw paymentInvalid(
        where(number),
        'a carriage return (U+000D) without a line feed: FIN lines end with CRLF or LF',
      );
    }
    if (line.trim() === '') continue;
    const start = fieldStart.exec(line);
    if (start !== null) {
      const tag = start[1] as string;
      current = { tag, lines: [line.slice(start[0].length)], line: number };
      const list = fields.get(tag);
      if (list === undefined) fields.set(tag, [current]);
      else list.push(current);
    } else if (line.startsWith(':')) {
      throw paymentInvalid(where(number), `${JSON.stringify(line.slice(0, 8))} is not a field tag (":NNa:")`);
    } else if (line === '-') {
      throw paymentInvalid(where(number), 'text after the line "-" that ends block 4');
    } else if (current === undefined) {
      throw paymentInvalid(where(number), 'text before the first field (":20:")');
    } else {
      current.lines.push(line);
    }
  }
  return fields;
}
