import { EngineError } from '../core/index.js';
import { signalTypeByName } from '../signals/index.js';
import type { HashListItem } from './types.js';

/** What every format's parser knows besides the line: the caller's declarations. */
export interface ParserContext {
  /** Prevail's name of the signal type the caller declared, if any. */
  readonly declaredSignalType: string | undefined;
  /** The uploaded file's name, if known. */
  readonly fileName: string | undefined;
}

/**
 * Parses one content line of a format (not blank, not a comment, not too long) into an entry or
 * a rejection. It never throws for anything a line holds; format-level problems (a bad header)
 * are thrown when the parser is created, before any item is yielded.
 */
export type LineParser = (text: string, line: number) => HashListItem;

/** A validated value, or why the value is not one. */
export type ValueCheck =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Validates and normalises `raw` with the signal descriptor's `parse`, turning its
 * `SIGNAL_INVALID_HASH` into a rejection reason (`invalid pdq hash: …`). Any other error is a
 * bug and is rethrown.
 */
export function checkValue(signalType: string, raw: string): ValueCheck {
  try {
    return { ok: true, value: signalTypeByName(signalType).parse(raw) };
  } catch (error) {
    if (error instanceof EngineError && error.code === 'SIGNAL_INVALID_HASH') {
      return { ok: false, reason: `invalid ${signalType} hash: ${error.message}` };
    }
    throw error;
  }
}

/** The reason given when a line names a signal type other than the one the caller declared. */
export function mismatchReason(found: string, declared: string): string {
  return `signal type ${found} does not match the declared signal type ${declared}`;
}

/** Shortens a token quoted inside a reason, so reasons stay one readable line. */
export function quoteToken(token: string): string {
  return `'${token.length > 40 ? `${token.slice(0, 40)}…` : token}'`;
}
