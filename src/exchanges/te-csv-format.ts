import { EngineError } from '../core/index.js';
import { CsvLineSplitter } from '../csv/index.js';
import { parseAddedOn } from './added-on.js';
import { splitCsvLine } from './csv-fields.js';
import { checkValue, type LineParser, mismatchReason, type ParserContext, quoteToken } from './line-parser.js';
import { indicatorTypeFromFileName, resolveSignalName, signalForIndicatorType } from './signal-names.js';
import { type HashListItem, maxVideoLineLength, rejection } from './types.js';

type Role = 'value' | 'indicatorType' | 'signalType' | 'externalId' | 'addedAt' | 'labels';

/**
 * Header names read, case-insensitively, and what each column means. `null` columns are known
 * and ignored. The names cover Prevail's own export, HMA's `indicator_type_file_columns`
 * (`hash, indicator_id, descriptor_id, timestamp, tags`) and `threatexchange dataset -P --csv`
 * (`collab, signal_type, signal_str, category, tags`).
 */
const columnRoles: ReadonlyMap<string, Role | null> = new Map<string, Role | null>([
  ['indicator', 'value'],
  ['hash', 'value'],
  ['signal_str', 'value'],
  ['indicator_type', 'indicatorType'],
  ['type', 'indicatorType'],
  ['signal_type', 'signalType'],
  ['indicator_id', 'externalId'],
  ['added_on', 'addedAt'],
  ['timestamp', 'addedAt'],
  ['labels', 'labels'],
  ['tags', 'labels'],
  ['first_descriptor_id', null],
  ['descriptor_id', null],
  ['collab', null],
  ['category', null],
]);

/** Which field holds what. */
interface Layout {
  readonly columns: Readonly<Partial<Record<Role, number>>>;
}

/** A header's layout; `width` is its column count, the most fields a row may have. */
interface HeaderLayout extends Layout {
  readonly width: number;
}

/** pytx `CliIndicatorSerialization`: `indicator, first_descriptor_id, added_on, labels`. */
const cliLayout: Layout = { columns: { value: 0, addedAt: 2, labels: 3 } };
/** HMA `HMASerialization`: `indicator, indicator_id, first_descriptor_id, added_on, labels`. */
const hmaLayout: Layout = { columns: { value: 0, externalId: 1, addedAt: 3, labels: 4 } };

/** A header's layout, or why it cannot be read. */
type HeaderRead =
  | { readonly ok: true; readonly layout: HeaderLayout }
  | { readonly ok: false; readonly reason: string };

/**
 * True when the first content line is meant as a header: its first field is a word that is not
 * hex, so it cannot be an indicator value (every signal Prevail reads is hex).
 */
export function isTeCsvHeaderLine(text: string): boolean {
  const first = (text.split(',', 1)[0] ?? '').trim();
  return /^[A-Za-z_][A-Za-z0-9_ ]*$/.test(first) && /[^0-9a-f]/i.test(first);
}

/** The layout a header line declares, checked: known names only, each role once, a value column. */
export function readTeCsvHeader(text: string): HeaderRead {
  const split = splitCsvLine(text);
  if (!split.ok) return { ok: false, reason: split.reason };
  const columns: Partial<Record<Role, number>> = {};
  for (const [index, field] of split.fields.entries()) {
    const name = field.trim().toLowerCase();
    const role = columnRoles.get(name);
    if (role === undefined) {
      return {
        ok: false,
        reason: `unknown column ${quoteToken(field.trim())}; known: ${[...columnRoles.keys()].join(', ')}`,
      };
    }
    if (role === null) continue;
    if (columns[role] !== undefined) return { ok: false, reason: `two columns give the ${role}` };
    columns[role] = index;
  }
  if (columns.value === undefined) return { ok: false, reason: 'no indicator column (indicator, hash or signal_str)' };
  if (columns.indicatorType !== undefined && columns.signalType !== undefined) {
    return { ok: false, reason: 'both an indicator_type and a signal_type column' };
  }
  return { ok: true, layout: { columns, width: split.fields.length } };
}

/**
 * True when `text` reads as a headerless te-csv row: 4 or 5 fields whose `added_on` field (the
 * second last) is a time. Used by format detection to tell `hash,indicator_id,…` from a PDQ tool
 * line `hash,quality,filename`.
 */
export function looksTeCsvRow(text: string): boolean {
  const split = splitCsvLine(text);
  if (!split.ok || (split.fields.length !== 4 && split.fields.length !== 5)) return false;
  return parseAddedOn(split.fields[split.fields.length - 2] ?? '') !== undefined;
}

/** A te-csv parser, and whether the first content line was its header (consumed, not an entry). */
export interface TeCsvParser {
  readonly parse: LineParser;
  readonly firstLineIsHeader: boolean;
}

/**
 * The `te-csv` format: ThreatExchange "simple" CSV caches (pytx `simple.<INDICATOR_TYPE>.te`,
 * HMA `<privacy group>.<indicator_type>.te`), one indicator per row, no line breaks in fields.
 *
 * Columns, without a header (by field count, per row): 4 fields are
 * `indicator, first_descriptor_id, added_on, labels` (pytx); 5 fields are
 * `indicator, indicator_id, first_descriptor_id, added_on, labels` (HMA); other counts are
 * rejected. With a header (first content line whose first field is a non-hex word), columns are
 * found by name (see `columnRoles`); rows may be shorter than the header, not longer.
 *
 * Read: indicator → value; indicator_id → externalId; added_on → addedAt when it is a time;
 * labels (space-separated, one field) → category, joined with single spaces;
 * indicator_type (`HASH_PDQ`…) or signal_type (`pdq`, `video_md5`…) → the row's signal type.
 * Ignored: first_descriptor_id, collab, category.
 *
 * A row's signal type is its type column when present and not empty, else the declared signal
 * type, else the file name's indicator type (`simple.HASH_PDQ.te`); a row whose type differs from
 * a declared one is rejected.
 *
 * @throws EngineError `IMPORT_INVALID_FORMAT` when the header cannot be read, or when no signal
 *   type can come from anywhere (no type column, none declared, none in the file name).
 */
export function createTeCsvParser(context: ParserContext, firstLine: string): TeCsvParser {
  const firstLineIsHeader = isTeCsvHeaderLine(firstLine);
  let header: HeaderLayout | undefined;
  if (firstLineIsHeader) {
    const read = readTeCsvHeader(firstLine);
    if (!read.ok) throw new EngineError('IMPORT_INVALID_FORMAT', `te-csv header cannot be read: ${read.reason}`);
    header = read.layout;
  }
  const declared = context.declaredSignalType;
  const fallback = declared ?? fileSignalType(context.fileName, header);
  const splitter = new CsvLineSplitter(maxVideoLineLength);
  return { firstLineIsHeader, parse: (text, line) => parseRow(splitter, text, line, header, declared, fallback) };
}

function fileSignalType(fileName: string | undefined, header: Layout | undefined): string | undefined {
  const hasTypeColumn = header?.columns.indicatorType !== undefined || header?.columns.signalType !== undefined;
  const indicatorType = fileName === undefined ? undefined : indicatorTypeFromFileName(fileName);
  const signalType = indicatorType === undefined ? undefined : signalForIndicatorType(indicatorType);
  if (signalType !== undefined || hasTypeColumn) return signalType;
  throw new EngineError(
    'IMPORT_INVALID_FORMAT',
    indicatorType === undefined
      ? 'a te-csv file needs a signal type: declare one, name the file simple.<INDICATOR_TYPE>.te, or add an indicator_type column'
      : `the file name's indicator type ${indicatorType} has no Prevail signal; declare a signal type`,
  );
}

function parseRow(
  splitter: CsvLineSplitter,
  text: string,
  line: number,
  header: HeaderLayout | undefined,
  declared: string | undefined,
  fallback: string | undefined,
): HashListItem {
  const split = splitCsvLine(text, splitter);
  if (!split.ok) return rejection(line, split.reason, text);
  const fields = split.fields;
  let layout: Layout;
  if (header === undefined) {
    if (fields.length < 4) return rejection(line, `too few fields: expected 4 or 5, got ${fields.length}`, text);
    if (fields.length > 5) return rejection(line, `too many fields: expected 4 or 5, got ${fields.length}`, text);
    layout = fields.length === 4 ? cliLayout : hmaLayout;
  } else {
    layout = header;
    if (fields.length > header.width) {
      return rejection(line, `too many fields: the header has ${header.width}, got ${fields.length}`, text);
    }
  }
  const cell = (role: Role): string => {
    const index = layout.columns[role];
    return index === undefined ? '' : (fields[index] ?? '').trim();
  };

  const rawValue = cell('value');
  if (rawValue === '') return rejection(line, 'missing indicator', text);
  const typed = rowSignalType(cell('indicatorType'), cell('signalType'));
  if (!typed.ok) return rejection(line, typed.reason, text);
  if (typed.signalType !== undefined && declared !== undefined && typed.signalType !== declared) {
    return rejection(line, mismatchReason(typed.signalType, declared), text);
  }
  const signalType = typed.signalType ?? fallback;
  if (signalType === undefined) return rejection(line, 'missing indicator type', text);
  const check = checkValue(signalType, rawValue);
  if (!check.ok) return rejection(line, check.reason, text);

  const externalId = cell('externalId');
  const addedAt = parseAddedOn(cell('addedAt'));
  const category = cell('labels').split(/\s+/).filter(Boolean).join(' ');
  return {
    kind: 'entry',
    line,
    signalType,
    value: check.value,
    ...(externalId !== '' ? { externalId } : {}),
    ...(category !== '' ? { category } : {}),
    ...(addedAt !== undefined ? { addedAt } : {}),
  };
}

type RowType = { readonly ok: true; readonly signalType?: string } | { readonly ok: false; readonly reason: string };

function rowSignalType(indicatorType: string, signalName: string): RowType {
  if (indicatorType !== '') {
    const signalType = signalForIndicatorType(indicatorType);
    return signalType === undefined
      ? { ok: false, reason: `unknown indicator type ${quoteToken(indicatorType)}` }
      : { ok: true, signalType };
  }
  if (signalName !== '') {
    const signalType = resolveSignalName(signalName);
    return signalType === undefined
      ? { ok: false, reason: `unknown signal type ${quoteToken(signalName)}` }
      : { ok: true, signalType };
  }
  return { ok: true };
}
