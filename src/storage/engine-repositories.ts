/**
 * What the signals engine stores: the durable event log, its processing state, rule hits,
 * labels, entity links, typology contributions, cases and the audit chain. Implemented with the
 * same Kysely code on SQLite and PostgreSQL. Every write that an event causes is idempotent by
 * that event's id, so replaying events after a crash applies each one exactly once.
 */

/** An event as the log keeps it: the sender's event plus the log's sequence number. */
export interface LoggedEvent {
  /** Position in the log: 1, 2, 3… in the order events were accepted. */
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly timeMs: number;
  readonly entities: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The outcome of appending one event. */
export type AppendOutcome =
  | { readonly stored: true; readonly seq: number }
  | { readonly stored: false; readonly seq: number };

export interface EventLogRepository {
  /**
   * Appends events in one transaction; an event whose id is already in the log is not stored
   * again (`stored: false`, with the seq of the first copy). When this resolves the events are
   * durable (committed).
   */
  append(events: readonly Omit<LoggedEvent, 'seq'>[]): Promise<AppendOutcome[]>;
  /** Events with seq > `afterSeq`, ascending, at most `limit`. */
  readAfter(afterSeq: number, limit: number): Promise<LoggedEvent[]>;
  /** The highest seq in the log (0 when empty). */
  lastSeq(): Promise<number>;
  count(): Promise<number>;
}

/** A rule that fired on an event (active or shadow). */
export interface RuleHitRecord {
  readonly eventId: string;
  readonly eventSeq: number;
  readonly ruleId: string;
  readonly mode: 'active' | 'shadow';
  /** The entity the hit is about (the case subject), e.g. `user:u1`, or null. */
  readonly subject: string | null;
  readonly reason: string;
  /** The effects it applied (active) or would have applied (shadow), as JSON. */
  readonly effects: unknown;
  readonly time: string;
}

/** A label on an entity, with optional expiry (Osprey's model). */
export interface LabelRecord {
  readonly entity: string;
  readonly label: string;
  readonly addedAt: string;
  /** ISO time after which the label no longer applies, or null for no expiry. */
  readonly expiresAt: string | null;
  /** Who set it: `rule:<id>` or `person:<name>`. */
  readonly source: string;
  readonly reason: string;
}

/** A link events made between two entities (user↔device, payer↔payee, host↔viewer…). */
export interface LinkRecord {
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly count: number;
}

/** Points a rule added to a typology for a subject, with its reason. */
export interface TypologyContribution {
  readonly typology: string;
  readonly subject: string;
  readonly ruleId: string;
  readonly eventId: string;
  readonly points: number;
  readonly reason: string;
  readonly time: string;
}

/**
 * The stored case statuses. What they mean and which changes are allowed is the cases module's
 * rule (`src/cases/`); storage only keeps the value.
 */
export type CaseStatus = 'open' | 'in_review' | 'escalated' | 'decided' | 'reported' | 'closed';
export type CasePriority = 'low' | 'medium' | 'high' | 'urgent';

/** A legal hold on a case: while it is set the case is never purged. */
export interface LegalHold {
  readonly at: string;
  readonly reason: string;
}

/** A case: one subject entity under review, with its retention clock. */
export interface CaseRecord {
  readonly id: number;
  readonly subject: string;
  readonly status: CaseStatus;
  readonly priority: CasePriority;
  readonly assignee: string | null;
  /** The final decision: `confirmed` (a true positive) or `dismissed`. */
  readonly decision: 'confirmed' | 'dismissed' | null;
  readonly openedAt: string;
  readonly updatedAt: string;
  /** When the case was closed; null while it is not. */
  readonly closedAt: string | null;
  /** When retention ends (ISO), counted from `closedAt`; null while the case is not closed. */
  readonly retainUntil: string | null;
  readonly legalHold: LegalHold | null;
}

/** What a case change writes (every field optional; absent = unchanged). */
export interface CasePatch {
  readonly status?: CaseStatus;
  readonly assignee?: string | null;
  readonly decision?: 'confirmed' | 'dismissed' | null;
  readonly priority?: CasePriority;
  readonly closedAt?: string | null;
  /** Epoch milliseconds after which the case may be purged, or null for none. */
  readonly retainUntilMs?: number | null;
  readonly legalHold?: LegalHold | null;
}

/** One entry of a case's timeline. `ref` makes it idempotent (e.g. `event:<id>`, `hit:<event>:<rule>`). */
export interface CaseTimelineEntry {
  readonly caseId: number;
  readonly kind: 'event' | 'match' | 'rule_hit' | 'label' | 'status' | 'decision' | 'note';
  readonly ref: string;
  readonly time: string;
  readonly summary: string;
  readonly detail: unknown;
}

/** One audit entry, hash-chained to the one before it. */
export interface AuditEntry {
  readonly seq: number;
  readonly time: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly reason: string;
  readonly detail: unknown;
  readonly previousHash: string;
  readonly hash: string;
}

/** A link an event makes, to be counted. */
export interface LinkObservation {
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly time: string;
}

/**
 * What an event does to a subject's case, as the cases module decided it (`src/cases/`); storage
 * carries it out without judging it: find the subject's case that is not closed; when there is
 * none, insert one only if `open` (otherwise do nothing); when there is one, set `priority` if its
 * current priority is one of `raiseFrom`; then add the entries (idempotent by `ref`).
 */
export interface CaseUpdate {
  readonly subject: string;
  /** May this update open a new case (a rule's case effect, a typology at its case threshold)? */
  readonly open: boolean;
  readonly priority: CasePriority;
  /** The current priorities that `priority` replaces (empty: leave the priority alone). */
  readonly raiseFrom: readonly CasePriority[];
  readonly time: string;
  readonly entries: readonly Omit<CaseTimelineEntry, 'caseId'>[];
}

/**
 * An acknowledged event whose processing failed: the engine records it (with the watermark that
 * moves past it) and goes on with the next event.
 */
export interface DeadLetter {
  readonly eventSeq: number;
  readonly eventId: string;
  /** The error code (`INTERNAL` for an unexpected error, `STORAGE_UNAVAILABLE` when the store refused its writes). */
  readonly code: string;
  readonly message: string;
  /** When processing failed (ISO-8601). */
  readonly failedAt: string;
}

/** A neighbour of an entity over the stored links, with the latest time any link between them was seen. */
export interface LinkNeighbour {
  readonly neighbour: string;
  readonly lastSeen: string;
}

/**
 * Everything that processing a run of events changed, written in ONE transaction together with
 * the new watermark, so that after a crash the store is either before or after the whole run.
 */
export interface EngineBatch {
  readonly processedSeq: number;
  readonly hits: readonly RuleHitRecord[];
  readonly labelsAdded: readonly LabelRecord[];
  readonly labelsRemoved: readonly { readonly entity: string; readonly label: string }[];
  readonly links: readonly LinkObservation[];
  readonly contributions: readonly TypologyContribution[];
  readonly cases: readonly CaseUpdate[];
  /** Events of the run whose processing failed. */
  readonly deadLetters?: readonly DeadLetter[];
  /** A feature-state snapshot as of `seq`, when one is due. */
  readonly snapshot?: { readonly seq: number; readonly json: string };
}

/** Where processing stands: the last event applied and the last snapshot. */
export interface EngineState {
  readonly processedSeq: number;
  readonly snapshotSeq: number;
  readonly snapshot: string | null;
  /** The watermark a replay started from (`resetProcessing`): events up to it were processed before. 0 when none. */
  readonly replayUntilSeq: number;
}

/** Per-rule hit counts and, for hits whose subject has a decided case, the decisions. */
export interface RuleHitStats {
  readonly ruleId: string;
  readonly mode: 'active' | 'shadow';
  readonly hits: number;
  readonly subjects: number;
  readonly confirmed: number;
  readonly dismissed: number;
}

export interface CaseFilter {
  readonly status?: CaseStatus;
  readonly subject?: string;
  readonly limit?: number;
}

/** Cases as stored. The rules (lifecycle, retention, holds) belong to `src/cases/`. */
export interface CaseRepository {
  list(filter?: CaseFilter): Promise<CaseRecord[]>;
  get(id: number): Promise<CaseRecord | undefined>;
  timeline(id: number): Promise<CaseTimelineEntry[]>;
  /** The subjects of every case that is not closed (what the engine joins events to). */
  openSubjects(): Promise<string[]>;
  /**
   * Writes the patch and a timeline entry for it in one transaction, only while the case's status
   * is still `expectedStatus` (when given: a compare-and-set against concurrent changes); undefined
   * when no such case, or when its status moved on.
   */
  update(
    id: number,
    patch: CasePatch,
    entry: Omit<CaseTimelineEntry, 'caseId'>,
    expectedStatus?: CaseStatus,
  ): Promise<CaseRecord | undefined>;
  /**
   * Deletes (with their timelines) the closed cases whose `retainUntilMs` is before `nowMs` and
   * that have no legal hold; returns their ids. A case without a retention instant is never deleted.
   */
  purgeExpired(nowMs: number): Promise<number[]>;
}

/**
 * An audit row exactly as stored, not yet trusted: someone with access to the database may have
 * written anything into it (text where JSON belongs, a NULL, a number), so every field but `seq`
 * is `unknown` and the `audit` module checks each one, naming the row by its seq when one is
 * malformed. `detailJson` is the stored JSON text, unparsed.
 */
export interface StoredAuditRow {
  readonly seq: number;
  readonly time: unknown;
  readonly actor: unknown;
  readonly action: unknown;
  readonly subject: unknown;
  readonly reason: unknown;
  readonly detailJson: unknown;
  readonly previousHash: unknown;
  readonly hash: unknown;
}

export interface AuditRepository {
  /** The newest row's seq and hash (for chaining and the head), or undefined when the log is empty. */
  last(): Promise<{ readonly seq: number; readonly hash: unknown } | undefined>;
  /** Appends entries already chained by the caller (seq and hashes computed). */
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** Rows after `afterSeq` in seq order, at most `limit` (streamed in pages by the verifier). */
  page(afterSeq: number, limit: number): Promise<StoredAuditRow[]>;
}

/** The engine's store. */
export interface EngineStore {
  readonly events: EventLogRepository;
  readonly cases: CaseRepository;
  readonly audit: AuditRepository;
  loadState(): Promise<EngineState>;
  commit(batch: EngineBatch): Promise<void>;
  /** Labels not expired at `nowIso`. */
  activeLabels(nowIso: string): Promise<LabelRecord[]>;
  /** Adds or removes labels outside event processing (set by people). */
  saveLabels(
    added: readonly LabelRecord[],
    removed: readonly { readonly entity: string; readonly label: string }[],
  ): Promise<void>;
  /** Typology contributions at or after `sinceIso` (to rebuild scores at start). */
  contributionsSince(sinceIso: string): Promise<TypologyContribution[]>;
  ruleHitStats(): Promise<RuleHitStats[]>;
  /** Entities linked to `entity`, one hop. */
  links(entity: string): Promise<LinkRecord[]>;
  /** Rule hits about `subject`. */
  hitsFor(subject: string, limit: number): Promise<RuleHitRecord[]>;
  /**
   * For each of `entities`, its neighbours over the stored links (either direction, any kind)
   * with the latest time seen, the `perEntity` most recent ones and any tied with the last of
   * them (the caller breaks ties). Entities without links are absent from the map.
   */
  linkNeighbours(entities: readonly string[], perEntity: number): Promise<Map<string, LinkNeighbour[]>>;
  /** Dead letters with seq > `afterSeq`, ascending, at most `limit`. */
  deadLetters(afterSeq: number, limit: number): Promise<DeadLetter[]>;
  deadLetterCount(): Promise<number>;
  /**
   * Sets the watermark back to 0 and drops the feature snapshot, so that the next open processes
   * the whole event log again (`prevail events replay`). Returns the watermark it replaced.
   */
  resetProcessing(): Promise<number>;
}
