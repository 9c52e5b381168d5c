import type { ExtraVideoView, OptionalVideoSignal } from '../signals/index.js';

/**
 * The bank model: banks and their content as the `BankRepository` hands them out and takes them
 * in: plain objects with camelCase fields and ISO-8601 times. The banks module owns these;
 * `storage/` implements the repository over them, and nothing outside it sees SQL column names.
 */

/** A named hash list. Names follow HMA's rule `[A-Z_][A-Z0-9_]*` and are unique. */
export interface BankRecord {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  /** Share of lookups that consult this bank (HMA's `matching_enabled_ratio`), 0..1. */
  readonly enabledRatio: number;
  /** Largest PDQ distance that counts as a match in this bank (default 31). */
  readonly pdqThreshold: number;
  /** A negative bank suppresses matches of the same content in other banks. */
  readonly negative: boolean;
  /**
   * Extra views of the videos added to it as media that their `vpdq_dense` holds (`corners`:
   * the four corners of the picture, for scaled-down streams under an overlay); empty by default.
   * Changing it changes what later additions hold, not what is banked.
   */
  readonly videoViews: readonly ExtraVideoView[];
  /**
   * Signals beyond the usual ones that it computes for videos added to it as media
   * (`OptionalVideoSignal`: `tmk_pdqf`, TMK+PDQF); empty by default. Changing it changes what
   * later additions hold, not what is banked.
   */
  readonly videoSignals: readonly OptionalVideoSignal[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Where a piece of bank content came from, kept for every match (HMA #1681). */
export interface ContentProvenance {
  /** The exchange or list it came from, e.g. `ncmec`, `local_file`, `manual`. */
  readonly source: string | null;
  /** Its id at that source. */
  readonly externalId: string | null;
  /** The source's category or label, e.g. a hotline's classification code. */
  readonly category: string | null;
}

/**
 * One item of a bank: a piece of media (or a bare hash) with its signals and metadata.
 * `disableUntil` keeps HMA's `disable_until_ts` meaning, in Unix seconds: `1` enabled (the
 * default), `0` disabled indefinitely, any other value disabled until that time.
 */
export interface ContentRecord extends ContentProvenance {
  readonly id: number;
  readonly bankId: number;
  readonly note: string | null;
  readonly contentUri: string | null;
  /** Operator JSON kept verbatim (HMA `metadata.json`). */
  readonly metadata: unknown;
  readonly addedAt: string;
  readonly disableUntil: number;
  /** When flood protection quarantined it (ISO), or null. */
  readonly quarantinedAt: string | null;
  /** Signal type name → value, e.g. `{ pdq: '…', md5: '…' }`. */
  readonly signals: Readonly<Record<string, string>>;
  /** Set on items an exchange fetched: where upstream they came from (absent otherwise). */
  readonly upstream?: ContentUpstream;
}

/**
 * Provenance of an item fetched from an exchange (TE#1681: matches carry it): the exchange's
 * name, the upstream key (NCMEC `<member>-<entry>`, `<signalType>:<value>` for lists without
 * ids) and the upstream record's own fields, verbatim (NCMEC classification, StopNCII case
 * numbers…).
 */
export interface ContentUpstream {
  readonly exchange: string;
  readonly key: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The fields a caller gives to create content. */
export interface NewContent {
  readonly signals: Readonly<Record<string, string>>;
  readonly source?: string | null;
  readonly externalId?: string | null;
  readonly category?: string | null;
  readonly note?: string | null;
  readonly contentUri?: string | null;
  readonly metadata?: unknown;
  readonly disableUntil?: number;
}

/** One stored signal, as the index loader streams them. */
export interface StoredSignal {
  readonly contentId: number;
  readonly bankId: number;
  readonly value: string;
}

/** Input of `createBank`; omitted settings take their defaults (description '', enabled ratio 1, PDQ threshold 31, not negative, no extra video views or signals). */
export interface NewBank {
  readonly name: string;
  readonly description?: string;
  readonly enabledRatio?: number;
  readonly pdqThreshold?: number;
  readonly negative?: boolean;
  /** Checked by the bank service (`checkVideoViews`): callers may pass what they were given. */
  readonly videoViews?: readonly string[];
  /** Checked by the bank service (`checkVideoSignals`): callers may pass what they were given. */
  readonly videoSignals?: readonly string[];
}

/** Fields that may change on a bank; omitted fields stay as they are. */
export interface BankPatch {
  readonly name?: string;
  readonly description?: string;
  readonly enabledRatio?: number;
  readonly pdqThreshold?: number;
  readonly negative?: boolean;
  /** Checked by the bank service (`checkVideoViews`); `[]` turns every extra view off. */
  readonly videoViews?: readonly string[];
  /** Checked by the bank service (`checkVideoSignals`); `[]` turns every optional signal off. */
  readonly videoSignals?: readonly string[];
}

/** Fields that may change on content. `note: null` clears the note. */
export interface ContentPatch {
  readonly disableUntil?: number;
  readonly note?: string | null;
  readonly quarantinedAt?: string | null;
}

/** Result of adding many items at once (imports). */
export interface BatchAddResult {
  /** Ids of the content rows created, in input order, for the items that were new. */
  readonly addedIds: number[];
  /** Index (in the batch) of each item skipped because the bank already held that signal value. */
  readonly duplicateIndexes: number[];
}
