import { checkValue, type LineParser, mismatchReason, type ParserContext, quoteToken } from './line-parser.js';
import { resolveSignalName } from './signal-names.js';
import { rejection } from './types.js';

/** The whitespace-separated tokens of a typed line, or why it has none. */
type TypedSplit = { readonly ok: true; readonly tokens: string[] } | { readonly ok: false; readonly reason: string };

/**
 * Splits a typed line into whitespace-separated tokens, first skipping a leading Python string
 * literal: `threatexchange dataset -P` prints `repr(collab_name)` before the signal type when it
 * prints more than one collaboration (`'Sample Data' pdq 3f98…`), and a name may hold spaces.
 */
export function splitTypedLine(text: string): TypedSplit {
  let rest = text.trim();
  const quote = rest[0];
  if (quote === "'" || quote === '"') {
    let index = 1;
    while (index < rest.length && rest[index] !== quote) index += rest[index] === '\\' ? 2 : 1;
    if (index >= rest.length) return { ok: false, reason: 'unterminated quoted collaboration name' };
    rest = rest.slice(index + 1);
    if (rest !== '' && !/^\s/.test(rest)) return { ok: false, reason: 'text after a quoted collaboration name' };
    rest = rest.trim();
  }
  return { ok: true, tokens: rest === '' ? [] : rest.split(/\s+/) };
}

/**
 * The value of a `vpdq` (or `vpdq_dense`) line: python-threatexchange's signal string is a JSON list written by
 * `json.dumps`, so it holds spaces (`["…,100,0.0", "…,100,1.0"]`). It runs from the `[` after the
 * signal name to its closing `]` (brackets inside JSON strings skipped); tokens after it are
 * metadata, ignored as on other lines. Without a `[` the first token is the value, as usual.
 */
export function vpdqLineValue(afterName: string, firstToken: string): string {
  if (!afterName.startsWith('[')) return firstToken;
  let inString = false;
  for (let index = 1; index < afterName.length; index++) {
    const character = afterName[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === ']') return afterName.slice(0, index + 1);
  }
  return afterName;
}

/** An optional leading quoted collaboration name (as `splitTypedLine` skips it), then the signal name. */
const collaborationThenName = /^\s*(?:'(?:[^'\\]|\\.)*'\s+|"(?:[^"\\]|\\.)*"\s+)?(\S+)\s+/;

/**
 * A typed video line, `vpdq`, `vpdq_dense` or `tmk_pdqf` (after an optional quoted collaboration
 * name; pytx's `video_tmk_pdqf` too, as `resolveSignalName` reads it): these may be long (a
 * `tmk_pdqf` value is 351,128 characters of base64).
 */
export function isTypedVpdqLine(text: string): boolean {
  const written = collaborationThenName.exec(text)?.[1];
  const name = written === undefined ? undefined : resolveSignalName(written);
  return name === 'vpdq' || name === 'vpdq_dense' || name === 'tmk_pdqf';
}

/** The text of a typed line after its signal name. */
function textAfterSignalName(text: string): string {
  const match = collaborationThenName.exec(text);
  return match === null ? '' : text.slice(match[0].length);
}

/**
 * True when `text` reads as a typed line: a known signal name (or pytx alias) followed by
 * whitespace and a value. Used by format detection.
 */
export function looksTyped(text: string): boolean {
  const split = splitTypedLine(text);
  return split.ok && split.tokens.length >= 2 && resolveSignalName(split.tokens[0] ?? '') !== undefined;
}

/**
 * The `typed` format: `<signal_type> <value>` per line, whitespace separated, as
 * python-threatexchange's `local_file` exchange reads and appends them and as
 * `threatexchange dataset -P` prints them (a leading quoted collaboration name is skipped).
 * Tokens after the value (pytx prints the metadata there) are ignored. Signal names are
 * case-insensitive and pytx's `video_md5`, `photo_md5`, `video_sha256` map to `md5`, `md5`,
 * `sha256`. With a declared signal type, lines naming another type are rejected. A `vpdq` value
 * is a JSON list with spaces inside (see {@link vpdqLineValue}).
 */
export function createTypedParser(context: ParserContext): LineParser {
  return (text, line) => {
    const split = splitTypedLine(text);
    if (!split.ok) return rejection(line, split.reason, text);
    const [name = '', token] = split.tokens;
    const signalType = resolveSignalName(name);
    if (signalType === undefined) return rejection(line, `unknown signal type ${quoteToken(name)}`, text);
    if (token === undefined) return rejection(line, `missing value after signal type ${quoteToken(name)}`, text);
    const raw =
      signalType === 'vpdq' || signalType === 'vpdq_dense' ? vpdqLineValue(textAfterSignalName(text), token) : token;
    const declared = context.declaredSignalType;
    if (declared !== undefined && declared !== signalType) {
      return rejection(line, mismatchReason(signalType, declared), text);
    }
    const check = checkValue(signalType, raw);
    if (!check.ok) return rejection(line, check.reason, text);
    return { kind: 'entry', line, signalType, value: check.value };
  };
}
