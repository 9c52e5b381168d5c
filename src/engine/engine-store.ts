import type { NewOutboxAction } from '../actions/index.js';
import type { AuditRepository } from '../audit/index.js';
import type { CaseRepository, CaseUpdate } from '../cases/index.js';
import type { EventLogRepository, LinkNeighbour, LinkObservation, LinkRecord, LoggedEvent } from '../events/index.js';
import type { RuleHitRecord, RuleHitStats } from '../rules/index.js';
import type { TypologyContribution } from '../typologies/index.js';
import type { PartitionClaim, PartitionLeases } from './bus-partitions.js';
import type { BatchFeatureHomes } from './feature-homes.js';
import type { Verdict } from './verdict.js';

/**
 * What the signals engine stores: the durable event log, its processing state, rule hits,
 * labels, entity links, typology contributions, cases and the audit chain. The engine defines
 * this contract; `storage/` implements it with the same Kysely code on SQLite and PostgreSQL.
 * Every write that an event causes is idempotent by that event's id, so replaying events after a
 * crash applies each one exactly once.
 */

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
  /**
   * The transactional outbox: actions the run's hits and alerts asked for, written once per
   * (idempotency key, endpoint) with the case id of their subject's open case after `cases`.
   */
  readonly actions?: readonly NewOutboxAction[];
  /** Events of the run whose processing failed. */
  readonly deadLetters?: readonly DeadLetter[];
  /** A feature-state snapshot as of `seq`, when one is due. */
  readonly snapshot?: { readonly seq: number; readonly json: string };
  /**
   * Bus mode only (`commitDelivered`): the verdicts of the run's events an API node waits for
   * (`?wait=verdict`), committed with them so that the API node reads what was committed.
   */
  readonly verdicts?: readonly CommittedVerdict[];
}

/** A worker's verdict on one event someone waits for; null when its processing was dead-lettered. */
export interface CommittedVerdict {
  readonly eventId: string;
  readonly verdict: Verdict | null;
}

/** Bus mode: what the log says of an event an API node published (`takeCommittedVerdicts`). */
export type CommittedOutcome =
  /** A worker logged and processed it now, with this verdict (null: dead-lettered, no verdict). */
  | { readonly status: 'processed'; readonly verdict: Verdict | null }
  /** The log held it before (sent earlier): nothing was done, as the embedded mode's `duplicate`. */
  | { readonly status: 'duplicate'; readonly seq: number };

/** Where processing stands: the last event applied and the last snapshot. */
export interface EngineState {
  readonly processedSeq: number;
  readonly snapshotSeq: number;
  readonly snapshot: string | null;
  /** The watermark a replay started from (`resetProcessing`): events up to it were processed before. 0 when none. */
  readonly replayUntilSeq: number;
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
  /**
   * Every label on any of `entities` (entity keys), expired or not (rules read them as of their
   * event's time): what a worker reads again before a batch, since other workers and people set
   * and remove labels too.
   */
  labelsAmong(entities: readonly string[]): Promise<LabelRecord[]>;
  /** Adds or removes labels outside event processing (set by people). */
  saveLabels(
    added: readonly LabelRecord[],
    removed: readonly { readonly entity: string; readonly label: string }[],
  ): Promise<void>;
  /** Typology contributions at or after `sinceIso` (to rebuild scores at start). */
  contributionsSince(sinceIso: string): Promise<TypologyContribution[]>;
  /**
   * The typology contributions to any of `subjects` (entity keys) at or after `sinceIso`, oldest
   * first: what a worker reads again before a batch, since other workers add to the same scores.
   */
  contributionsAmong(subjects: readonly string[], sinceIso: string): Promise<TypologyContribution[]>;
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
  /**
   * For each of `entities`, its neighbours over the stored links (either direction, any kind)
   * that are the subject of a case that is not closed, each with the latest time a link between
   * them was seen. Entities without such a neighbour are absent. A worker asks it before each
   * batch (docs/scaling.md); its cost grows with the open cases or with the links of the
   * entities asked about, whichever is fewer.
   */
  openNeighbours(entities: readonly string[]): Promise<Map<string, LinkNeighbour[]>>;
  /** Dead letters with seq > `afterSeq`, ascending, at most `limit`. */
  deadLetters(afterSeq: number, limit: number): Promise<DeadLetter[]>;
  deadLetterCount(): Promise<number>;
  /**
   * Sets the watermark back to 0 and drops the feature snapshot, so that the next open processes
   * the whole event log again (`prevail events replay`). Returns the watermark it replaced.
   */
  resetProcessing(): Promise<number>;
  /**
   * Bus mode (a worker; see `EngineBus`): in ONE transaction, logs the events the log does not
   * hold yet (an id already logged is left alone: insert, do nothing on conflict), hands those it
   * logged, with their seqs and in order, to `process`, and writes the effects `process` returns
   * (never its watermark or snapshot: in bus mode the log itself records what was processed).
   * Resolves with the events it logged once committed; an event already logged gets no effects.
   * Absent on stores that cannot be shared by several workers.
   *
   * With `claim` (a partitioned worker), the transaction first checks, and holds until it commits,
   * that `claim.owner` still holds the lease of `claim.partition` (so a worker taking the partition
   * over waits for this commit and then replays it), and records the partition on every event it
   * logs (what `readPartition` reads back).
   *
   * With `homes` (features of every role), it also checks and share-locks, until it commits, that
   * each partition whose features the batch used is still held by the owner that answered, at the
   * epoch it answered with, and records the other partitions home to each logged event's
   * entities (what `readPartition` of those partitions reads back too).
   *
   * @throws EngineError `BUS_PARTITION_LOST` when the lease is gone, `BUS_PEER_UNAVAILABLE` when
   *   another partition's owner or epoch changed: nothing was written.
   */
  commitDelivered?(
    events: readonly Omit<LoggedEvent, 'seq'>[],
    process: (logged: readonly LoggedEvent[]) => EngineBatch,
    claim?: PartitionClaim,
    homes?: BatchFeatureHomes,
  ): Promise<readonly LoggedEvent[]>;
  /** Bus mode: which of `ids` the log holds. Absent where `commitDelivered` is. */
  loggedIds?(ids: readonly string[]): Promise<Set<string>>;
  /**
   * Bus mode, partitioned: the events logged under `partition`, or logged elsewhere with an entity
   * whose features live in it (`event_feature_homes`), with seq > `afterSeq` and event time ≥
   * `sinceMs`, in seq order, at most `limit`; and the newest event time of those
   * (`newestInPartition`, null when none). Absent where `commitDelivered` is.
   */
  readPartition?(partition: number, afterSeq: number, sinceMs: number, limit: number): Promise<LoggedEvent[]>;
  newestInPartition?(partition: number): Promise<number | null>;
  /** Bus mode, partitioned: the partition leases (PostgreSQL only). */
  readonly partitionLeases?: PartitionLeases | undefined;
  /**
   * Bus mode (a worker): records dead letters of bus messages that never reached the log (not
   * JSON, refused, or out of delivery attempts). Each gets a seq drawn from the event log's own
   * sequence (a gap in the log, so it sorts and pages with the others); one already recorded with
   * the same event id and code is not recorded again (a redelivery after a lost acknowledgement).
   * Resolves with how many were new. Absent where `commitDelivered` is.
   */
  recordBusDeadLetters?(letters: readonly Omit<DeadLetter, 'eventSeq'>[]): Promise<number>;
  /**
   * Bus mode (an API node waiting for verdicts): of `ids`, those the log holds, each with the
   * verdict a worker committed for it (`EngineBatch.verdicts`), which this takes (deletes: it is
   * read once); an id the log holds without a verdict row was logged before it was published
   * (`duplicate`). Ids the log does not hold yet are absent. Also deletes verdict rows nobody
   * took for a while (their API node stopped, or its wait ended). Absent where `commitDelivered` is.
   */
  takeCommittedVerdicts?(ids: readonly string[]): Promise<Map<string, CommittedOutcome>>;
}
