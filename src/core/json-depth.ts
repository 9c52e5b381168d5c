import { EngineError } from './engine-error.js';

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

/**
 * `JSON.parse` for text from outside (a form field, a file line) that refuses nesting deeper
 * than `maxDepth` before parsing, so that no later walk of the value can overflow the stack.
 * @throws EngineError `REQUEST_INVALID` when the text nests too deep; `SyntaxError` as
 *   `JSON.parse` does for text that is not JSON.
 */
export function parseJsonWithin(text: string, maxDepth: number = defaultMaxJsonDepth): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) {
    throw new EngineError('REQUEST_INVALID', `the JSON nests deeper than ${maxDepth} levels`);
  }
  return JSON.parse(text);
}
