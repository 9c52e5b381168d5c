import { LineCounter, type Scalar } from 'yaml';
import type { Diagnostic } from './diagnostic.js';

/**
 * Turns offsets in one rule file into located diagnostics. Owns the `LineCounter` the YAML parser
 * fills, so it must be passed to `parseDocument` before any offset is located.
 */
export class SourceLocator {
  readonly lineCounter = new LineCounter();

  constructor(
    /** Path relative to the rules directory, `/`-separated. */
    readonly file: string,
    readonly text: string,
  ) {}

  /** A diagnostic at the 0-based character `offset` of the file. */
  at(offset: number, message: string, hint?: string): Diagnostic {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const { line, col } = this.lineCounter.linePos(clamped);
    const start = this.lineCounter.lineStarts[line - 1] ?? 0;
    let end = this.text.indexOf('\n', start);
    if (end === -1) end = this.text.length;
    const sourceLine = this.text.slice(start, end).replace(/\r$/, '');
    return {
      file: this.file,
      line,
      column: col,
      message,
      ...(hint === undefined ? {} : { hint }),
      sourceLine,
    };
  }

  /** A diagnostic at the start of a YAML node (or at the file start when the node has no range). */
  atNode(
    node: { range?: readonly number[] | null | undefined } | null | undefined,
    message: string,
    hint?: string,
  ): Diagnostic {
    return this.at(node?.range?.[0] ?? 0, message, hint);
  }
}

function isWhitespace(character: string | undefined): boolean {
  return character === ' ' || character === '\n' || character === '\t' || character === '\r';
}

/** Length of the escape sequence starting at the backslash at `position` of a double-quoted scalar. */
function escapeLength(text: string, position: number): number {
  switch (text[position + 1]) {
    case 'x':
      return 4;
    case 'u':
      return 6;
    case 'U':
      return 10;
    default:
      return 2;
  }
}

/** Skips `\` + line break + indentation (a double-quoted line continuation, which yields nothing). */
function skipContinuations(text: string, position: number): number {
  let next = position;
  while (text[next] === '\\' && (text[next + 1] === '\n' || text[next + 1] === '\r')) {
    next += 2;
    while (isWhitespace(text[next])) next++;
  }
  return next;
}

/**
 * The file offset of character `valueOffset` of a scalar's parsed value, for pointing inside a
 * CEL expression written as a plain, quoted, literal (`|`) or folded (`>`) scalar.
 *
 * The parsed value is the source with indentation removed, line breaks folded and escapes
 * resolved, so the mapping walks both texts together: value whitespace consumes one source
 * whitespace character (or escape), any other value character skips source whitespace and then
 * its own source character or escape sequence (`\"`, `\t`, `\u0065`, …), searching a few
 * characters ahead when the two disagree. A doubled `''` in a single-quoted scalar is one quote.
 */
export function scalarSourceOffset(text: string, scalar: Scalar, valueOffset: number): number {
  const value = String(scalar.value);
  const range = scalar.range;
  if (!range) return 0;
  const end = range[1];
  const double = scalar.type === 'QUOTE_DOUBLE';
  const single = scalar.type === 'QUOTE_SINGLE';
  let position = range[0];
  if (scalar.type === 'BLOCK_FOLDED' || scalar.type === 'BLOCK_LITERAL') {
    const headerEnd = text.indexOf('\n', position);
    position = headerEnd === -1 || headerEnd >= end ? end : headerEnd + 1;
  } else if (double || single) {
    position += 1;
  }
  const target = Math.min(valueOffset, value.length);
  for (let index = 0; index < target && position < end; index++) {
    const character = value[index];
    if (double) position = skipContinuations(text, position);
    if (isWhitespace(character)) {
      if (isWhitespace(text[position])) position++;
      else if (double && text[position] === '\\') position += escapeLength(text, position);
      continue;
    }
    while (position < end && isWhitespace(text[position])) position++;
    if (double) position = skipContinuations(text, position);
    if (double && text[position] === '\\') {
      position += escapeLength(text, position);
      continue;
    }
    if (text[position] === character) {
      // A single-quoted scalar writes a quote as two.
      position += single && character === "'" && text[position + 1] === "'" ? 2 : 1;
      continue;
    }
    const ahead = text.slice(position, Math.min(end, position + 8)).indexOf(character ?? '');
    position += ahead === -1 ? 1 : ahead + 1;
  }
  if (target < value.length && !isWhitespace(value[target])) {
    while (position < end && isWhitespace(text[position])) position++;
  }
  return Math.min(position, end);
}
