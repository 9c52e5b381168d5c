import { EngineError } from '../core/index.js';
import { createBareParser } from './bare-format.js';
import { detectFormat } from './detect-format.js';
import type { LineParser, ParserContext } from './line-parser.js';
import { splitLines } from './line-splitter.js';
import { createPdqToolParser } from './pdq-tool-format.js';
import { declaredSignalName } from './signal-names.js';
import { createTeCsvParser } from './te-csv-format.js';
import { createTypedParser, isTypedVpdqLine } from './typed-format.js';
import {
  type HashListFormat,
  type HashListItem,
  type HashListSource,
  maxLineLength,
  maxVideoLineLength,
  parseHashListFormat,
  type ReadHashListOptions,
  rejection,
} from './types.js';

/**
 * Streams a hash list as entries and rejections, one per content line, in input order.
 *
 * Common rules, whatever the format: lines end at `\n` (CRLF is fine); a UTF-8 BOM at the start is
 * dropped; blank lines and lines whose first non-blank character is `#` are skipped, not
 * rejected; a line longer than {@link maxLineLength} characters is rejected (`line too long`)
 * without ever being held whole, except typed `vpdq` lines, which may hold up to
 * {@link maxVideoLineLength} characters (a video's frame hashes). Every other line yields exactly one item with its 1-based line
 * number, except a te-csv header, which is consumed. Each value is validated and normalised by
 * its signal descriptor's `parse`; a bad line becomes a rejection and reading goes on.
 *
 * Memory does not grow with the input: nothing is deduplicated or collected here (storage
 * deduplicates), and the source is pulled only as fast as the caller iterates. Breaking out of
 * the loop stops reading (a `Readable` source is destroyed).
 *
 * @throws EngineError, on the first `next()` and before any item is yielded:
 *   `IMPORT_INVALID_FORMAT` for an unknown format, an undetectable format (`auto`), a bare list
 *   without a declared signal type, a te-csv header that cannot be read or a te-csv file with no
 *   signal type from anywhere, or a first content line too long to detect or read a header from;
 *   `SIGNAL_UNKNOWN` for an unknown declared signal type. Errors of the source itself (a failed
 *   read) propagate as they are.
 * @example
 * for await (const item of readHashList(createReadStream(path), { format: 'auto', fileName: path })) {
 *   if (item.kind === 'entry') add(item.signalType, item.value);
 *   else report(`line ${item.line}: ${item.reason}`);
 * }
 */
export async function* readHashList(
  source: HashListSource,
  options: ReadHashListOptions,
): AsyncGenerator<HashListItem> {
  const format = parseHashListFormat(options.format);
  const context: ParserContext = {
    declaredSignalType: options.signalType === undefined ? undefined : declaredSignalName(options.signalType),
    fileName: options.fileName,
  };
  // Formats that need no look at the content are set up (and their option errors thrown) now.
  let parse: LineParser | undefined =
    format === 'auto' || format === 'te-csv' ? undefined : createParser(format, context);
  if (format !== 'auto') options.onFormat?.(format);

  for await (const split of splitLines(source, maxVideoLineLength)) {
    const limit = isTypedVpdqLine(split.text) ? maxVideoLineLength : maxLineLength;
    const line = split.tooLong || split.text.length > limit ? { ...split, tooLong: true } : split;
    // A too-long line is only seen in part: it may be a comment, but it cannot be shown blank.
    if (line.tooLong ? /^\s*#/.test(line.text) : /^\s*(#|$)/.test(line.text)) continue;
    if (parse === undefined) {
      if (line.tooLong) {
        throw new EngineError(
          'IMPORT_INVALID_FORMAT',
          `line ${line.number} is longer than ${limit} characters; cannot read the hash list format from it`,
        );
      }
      const chosen =
        format === 'auto'
          ? detectFormat(line.text, {
              signalTypeDeclared: context.declaredSignalType !== undefined,
              fileName: context.fileName,
            })
          : format;
      if (format === 'auto') options.onFormat?.(chosen);
      if (chosen === 'te-csv') {
        const teCsv = createTeCsvParser(context, line.text);
        parse = teCsv.parse;
        if (teCsv.firstLineIsHeader) continue;
      } else {
        parse = createParser(chosen, context);
      }
    }
    if (line.tooLong) {
      yield rejection(line.number, `line too long: more than ${limit} characters`, line.text);
      continue;
    }
    yield parse(line.text, line.number);
  }
}

function createParser(format: Exclude<HashListFormat, 'te-csv'>, context: ParserContext): LineParser {
  switch (format) {
    case 'typed':
      return createTypedParser(context);
    case 'bare':
      return createBareParser(context);
    case 'pdq-tool':
      return createPdqToolParser(context);
  }
}
