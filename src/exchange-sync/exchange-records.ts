import type { ExchangeCheckpoint } from '../exchanges/index.js';

/**
 * The exchange model as the `ExchangeRepository` hands it out: plain objects with camelCase
 * fields and ISO-8601 times. `exchange-sync` owns these; `storage/` implements the repository.
 */

/** One configured exchange: an upstream feeding the bank of the same name. */
export interface ExchangeDefinition {
  readonly id: number;
  /** Also its bank's name (HMA: `^[A-Z0-9_]+$`, and Prevail's bank rule). */
  readonly name: string;
  /** The kind (API) whose client fetches it, e.g. `file`, `url`, `prevail`, `ncmec`. */
  readonly kind: string;
  readonly bankId: number;
  /** The kind's checked configuration; never holds credentials. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly enabled: boolean;
  /** Seconds between the end of one fetch and the start of the next. */
  readonly intervalSeconds: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Input of `createExchange`. */
export interface NewExchange {
  readonly name: string;
  readonly kind: string;
  readonly bankId: number;
  readonly config: Readonly<Record<string, unknown>>;
  readonly enabled: boolean;
  readonly intervalSeconds: number;
}

/** What the fetches of one exchange did, and the committed checkpoint. */
export interface ExchangeFetchStatus {
  /** The committed checkpoint (`null` before the first commit: the next fetch is a full one). */
  readonly checkpoint: ExchangeCheckpoint | null;
  /** When the checkpoint was committed (ISO), or null. */
  readonly checkpointAt: string | null;
  /** Progress time the checkpoint stands for (Unix seconds), clamped never to go back; null if unknown. */
  readonly progressTimestamp: number | null;
  /** Start of the fetch running now or last (ISO), or null. */
  readonly fetchStartedAt: string | null;
  /** End of the last finished fetch (ISO), or null. */
  readonly fetchEndedAt: string | null;
  /** Whether the last finished fetch succeeded (null: none finished yet). */
  readonly lastSucceeded: boolean | null;
  /** The last finished fetch exhausted the upstream within its time box, without error. */
  readonly upToDate: boolean;
  readonly lastErrorCode: string | null;
  readonly lastErrorMessage: string | null;
  readonly consecutiveFailures: number;
  /** Items added or replaced, removed, and skipped (no usable signal, or a value another item holds) by the last fetch. */
  readonly lastFetchUpserts: number;
  readonly lastFetchRemovals: number;
  readonly lastFetchSkipped: number;
  /** Pages (commits) ever committed. */
  readonly pagesCommitted: number;
  /** Items of the bank that came from this exchange now. */
  readonly fetchedItems: number;
  /** The lease: who is fetching and until when (null: nobody). */
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: string | null;
}

/** One item to store under an upstream key: checked signals and the upstream's fields. */
export interface UpstreamItem {
  /** Signal type name → normalised value (validated by the runner). */
  readonly signals: Readonly<Record<string, string>>;
  /** The upstream record's fields, verbatim (JSON object). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** One commit of a fetch: keyed changes (last write already won), applied with the checkpoint. */
export interface PageCommit {
  readonly exchangeId: number;
  readonly bankId: number;
  /** The exchange's name, stored as each item's `source`. */
  readonly exchangeName: string;
  /** The lease this commit is made under: the commit fails if another owner holds it now. */
  readonly leaseOwner: string;
  /** The lease's new expiry (each commit renews it). */
  readonly leaseUntil: string;
  /** Key → item, or `null` to remove the key. Applied in this order. */
  readonly changes: ReadonlyMap<string, UpstreamItem | null>;
  /** Remove every item of this exchange whose key is not in `changes` (a whole snapshot). */
  readonly replacesAll: boolean;
  readonly checkpoint: ExchangeCheckpoint;
  readonly progressTimestamp: number | null;
  readonly committedAt: string;
}

/** What a commit changed in the bank (ids for the matcher, counts for the status). */
export interface PageCommitResult {
  readonly addedIds: number[];
  readonly removedIds: number[];
  readonly upserts: number;
  readonly removals: number;
  /** Keys with nothing stored: every value already held by another item of the bank. */
  readonly skipped: number;
}

/** How a fetch ended, recorded in the status. */
export interface FetchOutcome {
  readonly endedAt: string;
  readonly succeeded: boolean;
  readonly upToDate: boolean;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly upserts: number;
  readonly removals: number;
  readonly skipped: number;
}

/** Credentials as stored: sealed with the key ring's key `keyId` (see `credential-seal.ts`). */
export interface SealedCredentials {
  readonly keyId: string;
  /** The sealed JSON (nonce, ciphertext, tag), never the plain credentials. */
  readonly sealed: string;
}

/** A published bank's changes after a checkpoint, for the Prevail peer feed. */
export interface FeedChanges {
  /** Content rows with ids above `afterContentId`, ascending (at most `limit`). */
  readonly contents: readonly {
    readonly id: number;
    readonly signals: Readonly<Record<string, string>>;
    readonly category: string | null;
    readonly externalId: string | null;
  }[];
  /** Tombstones with sequence above `afterTombstone`, ascending (at most `limit`). */
  readonly tombstones: readonly { readonly seq: number; readonly contentId: number }[];
}

/** A verdict to send upstream about one item of an exchange (a row of `exchange_feedback`). */
export interface NewFeedbackRequest {
  readonly exchangeId: number;
  readonly key: string;
  readonly signalType: string;
  readonly verdict: 'true_positive' | 'false_positive';
  /** The case whose decision (or reviewer) asked for it; null when a person asked directly. */
  readonly caseId: number | null;
  readonly actor: string;
  /**
   * Unique: a request with a key already stored is not stored again (one per decision, exchange,
   * upstream key and signal type; see `decision-feedback.ts`).
   */
  readonly onceKey: string;
  /** The reason sent to the exchange (NCMEC: a reason GUID; StopNCII: a tag); null: none. */
  readonly upstreamReason: string | null;
}

/** A pending feedback request as the job reads it. */
export interface FeedbackRequest extends Omit<NewFeedbackRequest, 'onceKey'> {
  readonly id: number;
  readonly exchange: string;
  readonly attempts: number;
  readonly nextAttemptAt: string;
}

/** The outcome of one attempt to send a feedback request upstream. */
export interface FeedbackSettlement {
  /** `sent`, `failed` (for good) or `pending` (retried at `nextAttemptAt`). */
  readonly status: 'sent' | 'failed' | 'pending';
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly errorCode: string | null;
}

/** A stored feedback request of a case, wherever it stands (`feedbackOfCase`). */
export interface FeedbackRecord {
  readonly id: number;
  readonly exchange: string;
  readonly key: string;
  readonly signalType: string;
  readonly verdict: 'true_positive' | 'false_positive';
  readonly actor: string;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  readonly lastErrorCode: string | null;
  readonly createdAt: string;
  readonly settledAt: string | null;
}

/** A committed decision entry of a case timeline (kind `decision`) the feedback job has not read. */
export interface DecisionEntry {
  readonly caseId: number;
  /** The entry's key within its case (`change:<time>:<actor>`). */
  readonly ref: string;
  /** The entry's time (ISO), taken by the server that made the decision. */
  readonly time: string;
  /** The decision it set; null when its detail names none this job knows. */
  readonly decision: 'confirmed' | 'dismissed' | null;
  /** Who decided (the detail's actor). */
  readonly actor: string;
  /** The decision of the case's decision entry before it, or null (none, or unreadable). */
  readonly previousDecision: string | null;
}

/**
 * Exchanges as `exchange-sync` needs them stored; `storage/` implements it on SQLite and
 * PostgreSQL. `commitPage` is the one place the bank and the checkpoint change together.
 */
export interface ExchangeRepository {
  /** @throws EngineError `EXCHANGE_ALREADY_EXISTS`. */
  createExchange(input: NewExchange, createdAt: string): Promise<ExchangeDefinition>;
  getExchange(name: string): Promise<ExchangeDefinition | undefined>;
  /** All exchanges ordered by name. */
  listExchanges(): Promise<ExchangeDefinition[]>;
  /** @throws EngineError `EXCHANGE_NOT_FOUND`. */
  updateExchange(
    id: number,
    patch: { enabled?: boolean; intervalSeconds?: number; config?: Readonly<Record<string, unknown>> },
    updatedAt: string,
  ): Promise<ExchangeDefinition>;
  getStatus(exchangeId: number): Promise<ExchangeFetchStatus>;
  /**
   * Takes the lease when it is free, expired, or already `owner`'s; true when taken. A
   * conditional update, so two processes never both get it.
   */
  tryLease(exchangeId: number, owner: string, now: string, until: string): Promise<boolean>;
  /** Takes the lease from `previousOwner` (a holder known to be dead) if it still holds it; true when taken. */
  takeOverLease(exchangeId: number, previousOwner: string, owner: string, until: string): Promise<boolean>;
  /** Frees the lease if `owner` holds it. */
  releaseLease(exchangeId: number, owner: string): Promise<void>;
  /** Records the start of a fetch. */
  startFetch(exchangeId: number, startedAt: string): Promise<void>;
  /**
   * Applies the changes to the bank, saves the checkpoint and renews the lease, in one
   * transaction. Idempotent: an unchanged item is left as it is, removing a missing key does
   * nothing.
   * @throws EngineError `EXCHANGE_BUSY` when `leaseOwner` no longer holds the lease (nothing applied).
   */
  commitPage(commit: PageCommit): Promise<PageCommitResult>;
  finishFetch(exchangeId: number, outcome: FetchOutcome): Promise<void>;
  /** The id of the bank item under an upstream key (the bank's unique index), or undefined. */
  findUpstreamContent(bankId: number, key: string): Promise<number | undefined>;
  /**
   * Records feedback requests (one transaction), skipping those whose `onceKey` is stored already;
   * returns how many were stored.
   */
  queueFeedback(requests: readonly NewFeedbackRequest[], createdAt: string): Promise<number>;
  /** A case's feedback requests, oldest first (at most `limit`). */
  feedbackOfCase(caseId: number, limit: number): Promise<FeedbackRecord[]>;
  /**
   * Committed decision entries with a time at or after `from` that no `markDecisionRead` has
   * recorded, by time (at most `limit`).
   */
  unreadDecisions(from: string, limit: number): Promise<DecisionEntry[]>;
  /**
   * Records, in one transaction, that a decision entry was read and the requests it gives (each
   * skipped when its `onceKey` is stored); returns how many requests were stored (0 when the entry
   * was recorded already, e.g. by another server).
   */
  markDecisionRead(
    entry: Pick<DecisionEntry, 'caseId' | 'ref' | 'time'>,
    requests: readonly NewFeedbackRequest[],
    at: string,
  ): Promise<number>;
  /** The time up to which every decision entry has been read, or null before the first read. */
  decisionCursor(): Promise<string | null>;
  /**
   * Moves the decision cursor to `time` (never back) and forgets the read marks of entries older
   * than `forgetBefore` (the job no longer reads that far back).
   */
  moveDecisionCursor(time: string, forgetBefore: string, at: string): Promise<void>;
  /** Pending requests due at `now` (oldest first, at most `limit`). */
  dueFeedback(now: string, limit: number): Promise<FeedbackRequest[]>;
  /**
   * Claims a due request by moving its next attempt to `until`, if no one else did since it was
   * read (its `nextAttemptAt` is still `seen`); true when claimed. Two servers never both send it.
   */
  claimFeedback(id: number, seen: string, until: string): Promise<boolean>;
  /** Records an attempt's outcome: `sent`, `failed` (for good) or `pending` (retry at `nextAttemptAt`). */
  settleFeedback(id: number, outcome: FeedbackSettlement, at: string): Promise<void>;
  /** Sealed credentials by scope (`exchange:<name>` or `api:<kind>`). */
  getCredentials(scope: string): Promise<SealedCredentials | undefined>;
  /** Stores (or with `null` deletes) sealed credentials. */
  setCredentials(scope: string, sealed: SealedCredentials | null, updatedAt: string): Promise<void>;
  /** Every stored credential's scope and key id (for rotation). */
  listCredentialScopes(): Promise<{ scope: string; keyId: string }[]>;
  /** A bank's content and tombstones after a feed checkpoint. */
  feedChanges(bankId: number, afterContentId: number, afterTombstone: number, limit: number): Promise<FeedChanges>;
}
