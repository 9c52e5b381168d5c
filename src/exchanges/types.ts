import { EngineError } from '../core/index.js';

/**
 * The hash-list formats Prevail reads and writes. The names are storage and CLI keys
 * (`prevail bank import --format typed`): never rename one once released.
 *
 * - `typed`: `<signal_type> <value>` per line (python-threatexchange `local_file`, HMA, `dataset -P`);
 * - `bare`: one value per line, the signal type declared by the caller;
 * - `te-csv`: ThreatExchange "simple" CSV (`simple.HASH_PDQ.te`, HMA `<group>.hash_pdq.te`);
 * - `pdq-tool`: the C++ PDQ tools' hash files (`hash,quality,filename`, `hash=…,…`).
 */
export const hashListFormats = ['typed', 'bare', 'te-csv', 'pdq-tool'] as const;

/** One of {@link hashListFormats}. */
export type HashListFormat = (typeof hashListFormats)[number];

/** A concrete format, or `auto` to detect it from the first content line (see `detect-format.ts`). */
export type HashListFormatOption = HashListFormat | 'auto';

/**
 * Parses a format name from a CLI flag, a query parameter or a stored setting.
 *
 * @throws EngineError `IMPORT_INVALID_FORMAT` naming the known formats, so a typo is reported as
 *   such rather than as a storage or parsing failure later on.
 */
export function parseHashListFormat(name: string): HashListFormatOption {
  if (name === 'auto') return 'auto';
  const found = hashListFormats.find((format) => format === name);
  if (found === undefined) {
    throw new EngineError(
      'IMPORT_INVALID_FORMAT',
      `unknown hash list format "${name.slice(0, 40)}"; known: auto, ${hashListFormats.join(', ')}`,
    );
  }
  return found;
}

/**
 * Where a hash list is read from: a Node `Readable`, `process.stdin`, an HTTP body, or any
 * iterable of text or byte chunks (bytes are decoded as UTF-8; invalid sequences become U+FFFD).
 */
export type HashListSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** Options of `readHashList`. */
export interface ReadHashListOptions {
  /** The file's format, or `auto` to detect it. */
  readonly format: HashListFormatOption;
  /**
   * The declared signal type (`--signal-type`): required by `bare`; the default for `te-csv`
   * rows; for `typed` and `te-csv` rows that name another type are rejected. python-threatexchange
   * names (`video_md5`) are accepted and mapped to Prevail's.
   */
  readonly signalType?: string | undefined;
  /** The uploaded file's name, for `te-csv`'s indicator type (`simple.HASH_PDQ.te`) and `auto`. */
  readonly fileName?: string | undefined;
  /**
   * Called once with the concrete format as soon as it is known (right away for an explicit
   * format, at the first content line for `auto`; never for an `auto` list with no content), so
   * the importer can log or record what `auto` chose without peeking at the stream itself.
   */
  readonly onFormat?: ((format: HashListFormat) => void) | undefined;
}

/** One accepted line: a validated, normalised value of a known signal type. */
export interface HashListEntry {
  readonly kind: 'entry';
  /** 1-based physical line number in the input. */
  readonly line: number;
  /** Prevail's signal name (`pdq`, `md5`, `sha256`), whatever name the file used. */
  readonly signalType: string;
  /** The value as the signal descriptor's `parse` normalised it. */
  readonly value: string;
  /** The source's id of the item (te-csv `indicator_id`, pdq-tool `filename`). */
  readonly externalId?: string;
  /** The source's labels (te-csv `labels`/`tags`, space-joined). */
  readonly category?: string;
  /** When the source added it, ISO-8601 UTC (te-csv `added_on` when it parses). */
  readonly addedAt?: string;
}

/** One line that could not be imported, with why; the import goes on with the next line. */
export interface HashListRejection {
  readonly kind: 'rejected';
  /** 1-based physical line number in the input. */
  readonly line: number;
  /** Why, for the person who sent the file, e.g. `unknown signal type 'tmk'`. */
  readonly reason: string;
  /** The offending line, truncated to {@link rejectionTextLength} characters. */
  readonly text: string;
}

/** What `readHashList` yields, in input order. */
export type HashListItem = HashListEntry | HashListRejection;

/** What the writers take: a stored signal and its provenance (nulls are treated as absent). */
export interface HashListExportEntry {
  readonly signalType: string;
  readonly value: string;
  readonly externalId?: string | null | undefined;
  readonly category?: string | null | undefined;
  readonly addedAt?: string | null | undefined;
}

/** Lines longer than this many characters (UTF-16 code units, line break excluded) are rejected. */
export const maxLineLength = 4096;

/**
 * The limit for typed `vpdq` lines instead: a vPDQ signal holds about 80 characters per hashed
 * frame, so 1 MiB holds about 13,000 frames (3.6 hours sampled at 1 frame per second). A typed
 * `tmk_pdqf` line (351,128 characters of base64, whatever the video's length) is held to it too. Memory
 * stays bounded: the splitter never holds more than this of one line.
 */
export const maxVideoLineLength = 1024 * 1024;

/** How much of an offending line a rejection keeps. */
export const rejectionTextLength = 120;

/** Builds a rejection, truncating the line so one bad line never bloats a report. */
export function rejection(line: number, reason: string, text: string): HashListRejection {
  const shown = text.length > rejectionTextLength ? `${text.slice(0, rejectionTextLength)}…` : text;
  return { kind: 'rejected', line, reason, text: shown };
}
