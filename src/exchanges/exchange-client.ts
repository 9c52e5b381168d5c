/**
 * The one contract every exchange client implements (NCMEC, StopNCII, ThreatExchange, a file or
 * URL snapshot, a Prevail peer), modelled on python-threatexchange's `fetch_iter`: the client
 * turns upstream pages into deltas (key → record, or a tombstone) and a checkpoint; the caller
 * commits each page's deltas **atomically with** the page's checkpoint, so a crash between pages
 * resumes from the last committed checkpoint without loss or duplication. Applying the same page
 * twice must give the same bank (deltas are keyed, last write wins), which is what makes a replay
 * after a crash harmless.
 *
 * Clients hold no storage and no schedule: they are handed the last committed checkpoint (or
 * `null` for a first, full fetch) and answer one page at a time.
 */

/** A JSON-serialisable checkpoint whose fields only the client that made it interprets. */
export type ExchangeCheckpoint = Readonly<Record<string, unknown>>;

/** One hash an upstream record carries (an NCMEC entry may carry an MD5 and a PDQ). */
export interface ExchangeSignal {
  /** Prevail's signal type name (`pdq`, `md5`, `sha256`, `vpdq`…), mapped by the client. */
  readonly signalType: string;
  /** The value as Prevail's signal type parses it (lower-case hex for PDQ/MD5). */
  readonly value: string;
}

/** What an upstream record says, kept whole so provenance survives into matches. */
export interface ExchangeRecord {
  /** The hashes Prevail can match; values the client could not map are in `metadata`, not here. */
  readonly signals: readonly ExchangeSignal[];
  /**
   * The upstream's own fields (NCMEC classification and member, StopNCII case numbers and
   * status, ThreatExchange tags…), verbatim: unknown enum values and extra fields are kept, never
   * a reason to drop the record.
   */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** One change: the record now under `key`, or `null` when upstream withdrew or deleted it. */
export interface ExchangeDelta {
  /**
   * The upstream key, stable across fetches: NCMEC `<member id>-<entry id>`; exchanges with no
   * record id (StopNCII, ThreatExchange, file, URL) use `<signalType>:<value>`.
   */
  readonly key: string;
  readonly record: ExchangeRecord | null;
}

/** One page of a fetch. */
export interface ExchangePage {
  readonly deltas: readonly ExchangeDelta[];
  /** The checkpoint to commit with this page's deltas. */
  readonly checkpoint: ExchangeCheckpoint;
  /** `false` once the exchange is up to date; the caller stops asking until the next interval. */
  readonly more: boolean;
  /**
   * `true` when the deltas are the **whole** upstream list (a file or URL snapshot): the caller
   * then deletes, in the same commit, every item of the exchange's bank whose key is not among
   * them, so values that vanished upstream vanish from the bank. Such a page is committed alone.
   */
  readonly replacesAll?: boolean | undefined;
  /**
   * Upstream records of this page the client could not key (no id, no value) and so left out; the
   * caller counts them (the checklist's "count the values you skip"). Absent means none.
   */
  readonly skipped?: number | undefined;
}

/** A reviewer's verdict on a match from an exchange's bank, for upstreams that take feedback. */
export interface ExchangeFeedback {
  readonly key: string;
  readonly signal: ExchangeSignal;
  readonly verdict: 'true_positive' | 'false_positive';
  /** Free text or an upstream reason id, where the API takes one. */
  readonly reason?: string | undefined;
  /**
   * The record's metadata as the client delivered it (the bank item's provenance), for APIs whose
   * feedback addresses an upstream object other than the key (ThreatExchange descriptors).
   */
  readonly metadata?: Readonly<Record<string, unknown>> | undefined;
}

/** Options of a client call. */
export interface ExchangeCallOptions {
  /** Aborts the call (the fetch's time box, or shutdown). */
  readonly signal?: AbortSignal | undefined;
}

/** An exchange client: one upstream, its credentials and configuration bound in. */
export interface ExchangeClient {
  /** The API kind (`ncmec`, `stopncii`, `threatexchange`, `file`, `url`, `prevail`). */
  readonly kind: string;
  /**
   * The next page after `checkpoint` (`null`: from the beginning).
   *
   * @throws EngineError `EXCHANGE_AUTH_FAILED`, `EXCHANGE_UNAVAILABLE`, `EXCHANGE_TIMEOUT` or
   *   `EXCHANGE_PAGE_MALFORMED`; nothing is committed for a page that throws.
   */
  fetchPage(checkpoint: ExchangeCheckpoint | null, options?: ExchangeCallOptions): Promise<ExchangePage>;
  /**
   * Sends a verdict upstream; absent where the API takes none (file, URL). Writes are not retried
   * on a status code (only reads are), as python-threatexchange does.
   */
  sendFeedback?(feedback: ExchangeFeedback, options?: ExchangeCallOptions): Promise<void>;
}
