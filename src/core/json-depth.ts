/**
 * Default deepest nesting of JSON that Prevail parses (`PREVAIL_MAX_JSON_DEPTH`). Real requests
 * nest a handful of levels; 100,000 levels made `JSON.parse` and schema validation overflow the
 * stack (HTTP 500s) and would do the same to anything that walks the value afterwards.
 */
export const defaultMaxJsonDepth = 64;

/**
 * The deepest nesting of arrays and objects in JSON `text`, counted without parsing (strings
 * are skipped, so brackets inside them do not count), stopping as soon as `limit` is exceeded:
 * cheap enough to run on every body before `JSON.parse`, and immune to the depth it measures.
 * Returns a number greater than `limit` when the text nests deeper than `limit`.
 */
export function jsonDepth(text: string, limit: number = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c)
        index++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
      continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return deepest;
}
