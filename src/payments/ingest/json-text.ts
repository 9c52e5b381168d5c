import { paymentInvalid } from './payment-invalid.js';

/** The line and column (1-based) of a character offset in `text`. */
function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * `JSON.parse` with an error that is safe to show: V8's own message may quote the input, so only
 * its first clause is kept, and an offset it names becomes a line and column of `text`.
 * `where` names the input's place when there is no offset (`line 4`).
 */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    const detail = (message.split(', "')[0] ?? '').replace(/ in JSON at position \d+.*$/, '');
    const offset = /at position (\d+)/.exec(message)?.[1];
    let at = where;
    if (offset !== undefined)
      at = where.startsWith('line') ? `${where}, column ${Number(offset) + 1}` : lineAndColumn(text, Number(offset));
    throw paymentInvalid(at, `not valid JSON (${detail})`);
  }
}
