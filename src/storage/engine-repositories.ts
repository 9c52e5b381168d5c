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

export type CaseStatus = 'open' | 'in_review' | 'escalated' | 'reported' | 'closed';
export type CasePriority = 'low' | 'medium' | 'high' | 'urgent';

/** A case: one subject entity under review, with its retention clock. */
export interface CaseRecord {
  readonly id: number;
  readonly subject: string;
  readonly status: CaseStatus;
  readonly priority: CasePriority;
  readonly assignee: string | null;
  /** The final decision when closed or reported: `confirmed` (a true positive) or `dismissed`. */
  readonly decision: 'confirmed' | 'dismissed' | null;
  readonly openedAt: string;
  readonly updatedAt: string;
  /** Evidence is kept until this time (default one year after opening: the US REPORT Act period). */
  readonly retainUntil: string;
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

/** A case effect: open (or raise the priority of) the subject's open case and add entries. */
export interface CaseUpdate {
  readonly subject: string;
  readonly priority: CasePriority;
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

export interface CaseRepository {
  list(filter?: CaseFilter): Promise<CaseRecord[]>;
  get(id: number): Promise<CaseRecord | undefined>;
  timeline(id: number): Promise<CaseTimelineEntry[]>;
  /** Changes status, assignee, decision or priority; adds a timeline entry for the change. */
  update(
    id: number,
    patch: {
      status?: CaseStatus;
      assignee?: string | null;
      decision?: 'confirmed' | 'dismissed' | null;
      priority?: CasePriority;
    },
    entry: Omit<CaseTimelineEntry, 'caseId'>,
  ): Promise<CaseRecord | undefined>;
  /** Deletes cases (and their timelines) whose retention ended before `nowIso`; returns their ids. */
  purgeExpired(nowIso: string): Promise<number[]>;
}

export interface AuditRepository {
  /** The newest entry (for chaining), or undefined when the log is empty. */
  last(): Promise<AuditEntry | undefined>;
  /** Appends entries already chained by the caller (seq and hashes computed). */
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** Every entry in seq order (streamed in pages by the verifier). */
  page(afterSeq: number, limit: number): Promise<AuditEntry[]>;
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
