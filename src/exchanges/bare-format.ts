import { EngineError } from '../core/index.js';
import { checkValue, type LineParser, type ParserContext } from './line-parser.js';
import { rejection } from './types.js';

/**
 * The `bare` format: one value per line, every line of the signal type the caller declared
 * (python-threatexchange's `local_file` with `signal_type` set in the collaboration config).
 * Surrounding whitespace is trimmed; a line with whitespace inside holds more than one field and
 * is rejected (`too many fields`) rather than guessed at.
 *
 * @throws EngineError `IMPORT_INVALID_FORMAT` when no signal type is declared: bare values do not
 *   say what they are (a 64-hex value could be PDQ or SHA-256).
 */
export function createBareParser(context: ParserContext): LineParser {
  const signalType = context.declaredSignalType;
  if (signalType === undefined) {
    throw new EngineError('IMPORT_INVALID_FORMAT', 'a bare hash list needs a declared signal type (--signal-type)');
  }
  return (text, line) => {
    const trimmed = text.trim();
    if (/\s/.test(trimmed)) {
      return rejection(line, 'too many fields: a bare list holds one value per line', text);
    }
    const check = checkValue(signalType, trimmed);
    if (!check.ok) return rejection(line, check.reason, text);
    return { kind: 'entry', line, signalType, value: check.value };
  };
}
