import type { NewOutboxAction } from '../actions/index.js';
import { type AuditAction, checkReason } from '../audit/index.js';
import { EngineError } from '../core/index.js';
import type { LinkRecord, LoggedEvent } from '../events/index.js';
import type { RuleHitRecord } from '../rules/index.js';
import { checkCaseChange } from './case-lifecycle.js';
import type { CaseFilter, CasePatch, CasePriority, CaseRecord, CaseStatus, CaseTimelineEntry } from './case-records.js';
import { type CaseEventQuery, type CaseStore, maxCaseQueryEvents, type TimelineOptions } from './case-repository.js';
import { defaultCaseRetentionMs, retentionEndMs } from './case-retention.js';

/** Who reads or changes case material, and why: both go into the audit entry. */
export interface CaseAccess {
  readonly actor: string;
  /** Non-blank text (at most 2,000 characters). */
  readonly reason: string;
}

/** A change people make to a case. */
export interface CaseChange {
  readonly status?: CaseStatus;
  readonly assignee?: string | null;
  readonly decision?: 'confirmed' | 'dismissed';
  readonly priority?: CasePriority;
  /** true: place a legal hold (the change's reason is the hold's reason); false: lift it. */
  readonly legalHold?: boolean;
  /** Set or clear imminent harm (the case jumps its queue while set). */
  readonly imminent?: boolean;
}

/** A case with everything shown about it. */
export interface CaseFile {
  readonly case: CaseRecord;
  readonly timeline: CaseTimelineEntry[];
  readonly links: LinkRecord[];
  readonly hits: RuleHitRecord[];
}

/** What an entity's page shows of case material: its case and its links, two hops out. */
export interface EntityCaseView {
  readonly case: CaseRecord | null;
  readonly links: LinkRecord[];
  readonly secondHop: LinkRecord[];
}

/** Told after every change the service stores (the engine keeps its view of open cases with it). */
export interface CaseListener {
  caseChanged(record: CaseRecord): void;
}

/** Where the service writes its audit entries (the `AuditLog`). */
export interface CaseAudit {
  record(...actions: AuditAction[]): Promise<unknown>;
}

export interface CaseServiceOptions {
  readonly store: CaseStore;
  readonly audit: CaseAudit;
  /** Retention of a closed case, counted from its closing (default one year). */
  readonly retentionMs?: number;
  readonly now?: () => Date;
}

/** Neighbours whose links an entity view walks for the second hop. */
const secondHopNeighbours = 50;

/**
 * The one owner of cases outside event processing: every read of case material (`list`, `show`,
 * `entity`) and every change (`update`, `purgeExpired`) goes through here and is audited exactly
 * once, with the reader's reason. Changes follow the lifecycle (`case-lifecycle.ts`), start the
 * retention clock on closing, and are told to the listeners (the engine) so that its view of
 * open cases never disagrees with the store.
 */
export class CaseService {
  readonly #store: CaseStore;
  readonly #audit: CaseAudit;
  readonly #retentionMs: number;
  readonly #now: () => Date;
  readonly #listeners: CaseListener[] = [];

  constructor(options: CaseServiceOptions) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#retentionMs = options.retentionMs ?? defaultCaseRetentionMs;
    this.#now = options.now ?? (() => new Date());
  }

  /** Adds a listener told of every stored change. */
  subscribe(listener: CaseListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Cases, newest first. Audited (`case.list`) with the filter and the ids returned.
   *
   * @throws EngineError `REASON_REQUIRED` for a blank reason.
   */
  async list(filter: CaseFilter, access: CaseAccess): Promise<CaseRecord[]> {
    checkAccess(access);
    const cases = await this.#store.cases.list(filter);
    await this.#audit.record({
      ...access,
      action: 'case.list',
      subject: filter.subject === undefined ? 'cases' : filter.subject,
      detail: { filter, ids: cases.map((item) => item.id) },
    });
    return cases;
  }

  /**
   * A case with its timeline (oldest first; with `timeline`, the part it names, e.g. the newest
   * 500), links and rule hits. Audited (`case.view`).
   *
   * @throws EngineError `CASE_NOT_FOUND`; `REASON_REQUIRED` for a blank reason.
   */
  async show(id: number, access: CaseAccess, options: { readonly timeline?: TimelineOptions } = {}): Promise<CaseFile> {
    checkAccess(access);
    const found = await this.#store.cases.get(id);
    if (found === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${id} not found`);
    await this.#audit.record({ ...access, action: 'case.view', subject: `case:${id}` });
    const [timeline, links, hits] = await Promise.all([
      this.#store.cases.timeline(id, options.timeline),
      this.#store.links(found.subject),
      this.#store.hitsFor(found.subject, 500),
    ]);
    return { case: found, timeline, links, hits };
  }

  /**
   * Builds something from a case (a goAML or FinCEN report): reads the case and its timeline,
   * then the events `options.events` names (by id, and optionally by entity within a period:
   * a report's payments may predate the case and not be on its timeline), runs `build`, and
   * audits once (`case.report`) with the detail `build` returns (e.g. the document's hash).
   * Nothing is audited when the case is missing or `build` throws. `build` stays pure: it gets
   * everything it reads.
   *
   * @throws EngineError `CASE_NOT_FOUND`; `REASON_REQUIRED` for a blank reason; whatever `build` throws.
   */
  async report<T>(
    id: number,
    access: CaseAccess,
    build: (
      found: CaseRecord,
      timeline: CaseTimelineEntry[],
      events: LoggedEvent[],
    ) => { readonly result: T; readonly detail: unknown },
    options: { readonly events?: (found: CaseRecord, timeline: CaseTimelineEntry[]) => CaseEventQuery } = {},
  ): Promise<T> {
    checkAccess(access);
    const found = await this.#store.cases.get(id);
    if (found === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${id} not found`);
    const timeline = await this.#store.cases.timeline(id);
    const query = options.events?.(found, timeline);
    const events = query === undefined ? [] : await this.#queryEvents(query);
    const built = build(found, timeline, events);
    await this.#audit.record({ ...access, action: 'case.report', subject: `case:${id}`, detail: built.detail });
    return built.result;
  }

  /** The events a query names, each once, in log order. */
  async #queryEvents(query: CaseEventQuery): Promise<LoggedEvent[]> {
    const byId = query.ids.length === 0 ? [] : await this.#store.events.readByIds(query.ids);
    const { entities } = query;
    const byEntity =
      entities === undefined
        ? []
        : await this.#store.events.readForEntities(
            entities.refs,
            { fromMs: entities.fromMs, toMs: entities.toMs },
            Math.min(entities.limit ?? maxCaseQueryEvents, maxCaseQueryEvents),
          );
    const events = new Map<string, LoggedEvent>();
    for (const event of [...byId, ...byEntity]) events.set(event.id, event);
    return [...events.values()].sort((a, b) => a.seq - b.seq);
  }

  /**
   * An entity's case material: its newest case and its links, two hops out. Audited
   * (`entity.view`).
   *
   * @throws EngineError `REASON_REQUIRED` for a blank reason.
   */
  async entity(entity: string, access: CaseAccess): Promise<EntityCaseView> {
    checkAccess(access);
    await this.#audit.record({ ...access, action: 'entity.view', subject: entity });
    const firstHop = await this.#store.links(entity);
    const neighbours = [...new Set(firstHop.map((link) => (link.from === entity ? link.to : link.from)))].slice(
      0,
      secondHopNeighbours,
    );
    const secondHop = (await Promise.all(neighbours.map((neighbour) => this.#store.links(neighbour))))
      .flat()
      .filter((link) => link.from !== entity && link.to !== entity);
    const [newest] = await this.#store.cases.list({ subject: entity, limit: 1 });
    return { case: newest ?? null, links: firstHop, secondHop };
  }

  /**
   * Changes a case: status (within the lifecycle), assignee, decision, priority, legal hold,
   * imminent harm.
   * Closing starts the retention clock. Writes one timeline entry and one audit entry
   * (`case.update`), then tells the listeners.
   *
   * @throws EngineError `CASE_NOT_FOUND`; `CASE_TRANSITION_INVALID` for a move the lifecycle
   *   refuses, or when another change moved the case's status meanwhile (nothing is written);
   *   `REQUEST_INVALID` for an empty change or a blank reason.
   */
  async update(
    id: number,
    change: CaseChange,
    access: CaseAccess,
    options: {
      readonly detail?: Readonly<Record<string, unknown>>;
      /** Outbox rows the change triggers (a review decision's actions), committed with it and audited. */
      readonly actions?: readonly NewOutboxAction[];
    } = {},
  ): Promise<CaseRecord> {
    checkAccess(access);
    const fields = Object.entries(change).filter(([, value]) => value !== undefined);
    if (fields.length === 0) throw new EngineError('REQUEST_INVALID', 'name at least one field to change');
    const current = await this.#store.cases.get(id);
    if (current === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${id} not found`);
    const { legalHold, ...rest } = change;
    checkCaseChange(
      current,
      rest,
      Object.keys(rest).every((key) => rest[key as keyof typeof rest] === undefined),
    );
    const now = this.#now();
    const time = now.toISOString();
    const closing = change.status === 'closed' && current.status !== 'closed';
    const patch: CasePatch = {
      ...rest,
      ...(closing ? { closedAt: time, retainUntilMs: retentionEndMs(now.getTime(), this.#retentionMs) } : {}),
      ...(legalHold === true ? { legalHold: { at: time, reason: access.reason } } : {}),
      ...(legalHold === false ? { legalHold: null } : {}),
    };
    const described = fields.map(([key, value]) => `${key}=${String(value)}`).join(' ');
    const updated = await this.#store.cases.update(
      id,
      patch,
      {
        kind: change.decision !== undefined ? 'decision' : 'status',
        ref: `change:${time}:${access.actor}`,
        time,
        summary: `${access.actor}: ${described} (${access.reason})`,
        detail: { ...options.detail, ...change, reason: access.reason, actor: access.actor },
      },
      current.status,
      options.actions,
    );
    if (updated === undefined) {
      const latest = await this.#store.cases.get(id);
      if (latest === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${id} not found`);
      throw new EngineError(
        'CASE_TRANSITION_INVALID',
        `case ${id} changed from ${current.status} to ${latest.status} meanwhile; read it again and retry`,
      );
    }
    await this.#audit.record(
      {
        ...access,
        action: 'case.update',
        subject: `case:${id}`,
        detail: options.detail === undefined ? change : { ...options.detail, ...change },
      },
      ...(options.actions ?? []).map((action) => ({
        ...access,
        action: 'action.triggered',
        subject: `case:${id}`,
        detail: {
          action: action.action,
          kind: action.kind,
          mode: action.mode,
          endpoint: action.endpoint,
          status: action.status,
          idempotencyKey: action.idempotencyKey,
        },
      })),
    );
    for (const listener of this.#listeners) listener.caseChanged(updated);
    return updated;
  }

  /**
   * Adds a note to a case's timeline without changing the case (e.g. "queued for reporting") and
   * audits it once with `action`. The case must not be closed.
   *
   * @throws EngineError `CASE_NOT_FOUND`; `CASE_TRANSITION_INVALID` for a closed case;
   *   `REASON_REQUIRED` for a blank reason.
   */
  async note(
    id: number,
    note: { readonly action: string; readonly summary: string; readonly detail?: Readonly<Record<string, unknown>> },
    access: CaseAccess,
  ): Promise<CaseRecord> {
    checkAccess(access);
    const current = await this.#store.cases.get(id);
    if (current === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${id} not found`);
    if (current.status === 'closed')
      throw new EngineError('CASE_TRANSITION_INVALID', `case ${id} is closed and cannot change`);
    const time = this.#now().toISOString();
    const updated = await this.#store.cases.update(
      id,
      {},
      {
        kind: 'note',
        ref: `note:${time}:${access.actor}:${note.action}`,
        time,
        summary: `${access.actor}: ${note.summary} (${access.reason})`,
        detail: { ...note.detail, action: note.action, reason: access.reason, actor: access.actor },
      },
      current.status,
    );
    if (updated === undefined)
      throw new EngineError('CASE_TRANSITION_INVALID', `case ${id} changed meanwhile; read it again and retry`);
    await this.#audit.record({ ...access, action: note.action, subject: `case:${id}`, detail: note.detail ?? {} });
    return updated;
  }

  /**
   * Sets or clears imminent harm on a case (a person's judgement over what the engine derived):
   * while set, the case comes first in its queue. A change like any other (`update`): one
   * timeline entry, one audit entry (`case.update` with `{imminent}`), reason required; a closed
   * case cannot change.
   *
   * @throws EngineError `CASE_NOT_FOUND`; `CASE_TRANSITION_INVALID` for a closed case;
   *   `REASON_REQUIRED` for a blank reason; `REQUEST_INVALID` when `imminent` is not a boolean.
   */
  async setImminent(id: number, imminent: boolean, access: CaseAccess): Promise<CaseRecord> {
    if (typeof imminent !== 'boolean') throw new EngineError('REQUEST_INVALID', 'imminent must be true or false');
    return this.update(id, { imminent }, access);
  }

  /**
   * Deletes the closed cases whose retention ended and that have no legal hold; never an open,
   * in-review, decided or reported case. Audited once (`case.purge`) when any was deleted.
   */
  async purgeExpired(actor: string): Promise<number[]> {
    const ids = await this.#store.cases.purgeExpired(this.#now().getTime());
    if (ids.length > 0) {
      await this.#audit.record({
        actor,
        action: 'case.purge',
        subject: 'cases',
        reason: 'retention ended',
        detail: { ids },
      });
    }
    return ids;
  }
}

/**
 * A read or change of case material needs a reason by the audit log's one rule, checked before
 * anything is read, and an actor.
 *
 * @throws EngineError `REASON_REQUIRED` for a blank reason; `REQUEST_INVALID` for a missing actor.
 */
function checkAccess(access: CaseAccess): void {
  checkReason(access.reason);
  if (typeof access.actor !== 'string' || access.actor.trim() === '')
    throw new EngineError('REQUEST_INVALID', 'an actor is required');
}
