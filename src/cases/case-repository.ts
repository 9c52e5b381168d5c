import type { NewOutboxAction } from '../actions/index.js';
import type { EventLogRepository, LinkRecord } from '../events/index.js';
import type { RuleHitRecord } from '../rules/index.js';
import type { CaseFilter, CasePatch, CaseRecord, CaseStatus, CaseTimelineEntry } from './case-records.js';

/** Which part of a timeline to read. */
export interface TimelineOptions {
  readonly newestFirst?: boolean;
  readonly limit?: number;
}

/**
 * Cases as stored. The cases module defines this contract and decides every change (lifecycle,
 * retention, holds); `storage/` implements it over SQLite and PostgreSQL.
 */
export interface CaseRepository {
  list(filter?: CaseFilter): Promise<CaseRecord[]>;
  get(id: number): Promise<CaseRecord | undefined>;
  /**
   * A case's timeline: oldest first by default (time, then ref); with `newestFirst`, newest first;
   * at most `limit` entries when given.
   */
  timeline(id: number, options?: TimelineOptions): Promise<CaseTimelineEntry[]>;
  /** The subjects of every case that is not closed (what the engine joins events to). */
  openSubjects(): Promise<string[]>;
  /**
   * Those of `subjects` that have a case that is not closed: what a worker re-reads before each
   * batch in multi-node mode, since other workers open and people close cases meanwhile.
   */
  openAmong(subjects: readonly string[]): Promise<string[]>;
  /**
   * Writes the patch and a timeline entry for it in one transaction, only while the case's status
   * is still `expectedStatus` (when given: a compare-and-set against concurrent changes); undefined
   * when no such case, or when its status moved on. `actions` (outbox rows a decision triggers)
   * are committed in the same transaction, with this case's id, once per (key, endpoint): the
   * action exists exactly when the decision does.
   */
  update(
    id: number,
    patch: CasePatch,
    entry: Omit<CaseTimelineEntry, 'caseId'>,
    expectedStatus?: CaseStatus,
    actions?: readonly NewOutboxAction[],
  ): Promise<CaseRecord | undefined>;
  /**
   * Deletes (with their timelines) the closed cases whose `retainUntilMs` is before `nowMs` and
   * that have no legal hold; returns their ids. A case without a retention instant is never deleted.
   */
  purgeExpired(nowMs: number): Promise<number[]>;
}

/**
 * What `CaseService` reads and writes: the cases, the links and rule hits a case file shows, and
 * the event log's reads a report needs (the engine's store provides all of them).
 */
export interface CaseStore {
  readonly cases: CaseRepository;
  /** Events by id and by entity (a report's payments may predate its case). */
  readonly events: Pick<EventLogRepository, 'readByIds' | 'readForEntities'>;
  /** Entities linked to `entity`, one hop. */
  links(entity: string): Promise<LinkRecord[]>;
  /** Rule hits about `subject`, at most `limit`. */
  hitsFor(subject: string, limit: number): Promise<RuleHitRecord[]>;
}

/**
 * The events a report needs beyond the case's timeline, as its builder names them: events by id
 * (those the case's typologies rest on) and, optionally, every event naming one of `entities`
 * within a period (the subject's other payments). The caller decides which; the cases module
 * only reads.
 */
export interface CaseEventQuery {
  readonly ids: readonly string[];
  readonly entities?: {
    readonly refs: readonly { readonly type: string; readonly id: string }[];
    readonly fromMs: number;
    readonly toMs: number;
    /** At most this many (default and ceiling {@link maxCaseQueryEvents}). */
    readonly limit?: number;
  };
}

/** The most events one report query reads by entity. */
export const maxCaseQueryEvents = 5000;
