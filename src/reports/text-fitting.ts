/**
 * Fitting free text into report fields. Report schemas count characters (Unicode code points),
 * not UTF-16 code units, so every length here is in code points and no cut ever splits a
 * surrogate pair.
 */

/** The number of characters (code points) in `text`. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** The first `limit` characters (code points) of `text`. */
export function firstCharacters(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let result = '';
  let count = 0;
  for (const character of text) {
    if (count === limit) break;
    result += character;
    count += 1;
  }
  return result;
}

/**
 * Collapses every run of whitespace (tabs and line breaks included) into one space and trims
 * both ends: single-line fields such as names and addresses (FinCEN's pattern `\S+( +\S+)*`
 * rejects leading, trailing and repeated whitespace and any line break).
 */
export function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A single-line value cut to at most `limit` characters (trailing space removed after the cut).
 * Used for short identity fields where the report's limit is the report's own design (a FinCEN
 * first name holds 35 characters); the case file keeps the full value.
 */
export function fitSingleLine(text: string, limit: number): string {
  return firstCharacters(singleLine(text), limit).trimEnd();
}

/**
 * `text` unchanged when it has at most `limit` characters; otherwise its beginning followed by
 * `marker`, together exactly `limit` characters, so a reader can see the text was cut.
 *
 * @example truncateWithMarker('abcdef', 5, '…') === 'abcd…'
 */
export function truncateWithMarker(text: string, limit: number, marker: string): string {
  if (characterCount(text) <= limit) return text;
  const room = Math.max(0, limit - characterCount(marker));
  return firstCharacters(text, room) + firstCharacters(marker, limit - room);
}

/**
 * Splits `text` into consecutive pieces of at most `size` characters, losslessly (joining the
 * pieces gives `text` back). An empty text gives one empty piece.
 */
export function splitIntoChunks(text: string, size: number): string[] {
  const chunks: string[] = [];
  let current = '';
  let count = 0;
  for (const character of text) {
    if (count === size) {
      chunks.push(current);
      current = '';
      count = 0;
    }
    current += character;
    count += 1;
  }
  chunks.push(current);
  return chunks;
}

/**
 * A non-negative amount written with exactly `decimals` fraction digits and no exponent, as XML
 * decimal types want (`toFixed`, which rounds half away from zero on the binary value).
 */
export function formatDecimal(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

/**
 * Fits a long free text (a narrative or comment) into a field of `limit` characters: unchanged
 * when it fits, otherwise cut with a visible marker at the end saying so.
 */
export function fitLongText(text: string, limit: number): string {
  return truncateWithMarker(
    text,
    limit,
    `\n[cut to the ${limit}-character limit; the full text is kept in the case file]`,
  );
}
