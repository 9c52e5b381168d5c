import { type AuditAction, checkReason } from '../audit/index.js';
import { isActive } from '../cases/index.js';
import { EngineError } from '../core/index.js';
import { can, mayWorkChildSafety, type Person, personActor } from '../people/index.js';
import { compileRouting, defaultQueuePolicy, findQueue, queuePredicate, routeCase } from './queue-policy.js';
import type {
  CompiledRouting,
  QueueDefinition,
  QueueItem,
  QueuePolicy,
  QueueRepository,
  StoredQueueItem,
} from './queue-records.js';

/** Where the service writes its audit entries (the `AuditLog`). */
export interface QueueAudit {
  record(...actions: AuditAction[]): Promise<unknown>;
}

export interface QueueServiceOptions {
  readonly repository: QueueRepository;
  readonly audit: QueueAudit;
  /** Queues and routing (`loadQueuePolicy`); default `defaultQueuePolicy`. */
  readonly policy?: QueuePolicy;
  /** How long a claim lasts unless renewed (default 15 minutes). */
  readonly claimTimeoutMs?: number;
  readonly now?: () => Date;
}

/** One queue as a person sees it in the queue list. */
export interface QueueSummary {
  readonly name: string;
  readonly title: string;
  readonly childSafety: boolean;
  /** Active cases in the queue. */
  readonly depth: number;
  /** Age of the oldest case in the queue, whole seconds (0 when the queue is empty). */
  readonly oldestAgeSeconds: number;
  /** Whether this person may work the queue (`QueueService.mayWork`). */
  readonly mayWork: boolean;
}

/** Depth and oldest age of one queue, for metrics (no person involved). */
export interface QueueDepth {
  readonly name: string;
  readonly depth: number;
  readonly oldestAgeSeconds: number;
}

/** The default claim timeout: 15 minutes. */
export const defaultClaimTimeoutMs = 15 * 60 * 1000;
/** The most items one page returns. */
export const maxQueuePage = 200;
/** The audit actor of claims that ran out. */
export const claimExpiryActor = 'system:queues';

/** Candidates read per round of `claimNext`, and rounds tried before giving up on a busy queue. */
const candidatesPerRound = 10;
const claimRounds = 5;

/**
 * Review queues over the active cases: the queue of a case is the first routing rule it matches
 * (else the default queue); within a queue, imminent harm first, then hash matches (`hash_match`,
 * `stream`), then the rest, oldest first. Depth and pages are storage queries built from the
 * compiled routing, never a scan of cases in memory.
 *
 * A person works a case by claiming it: exclusive (a compare-and-set in storage, so two people
 * never hold the same case) and timed (`claimTimeoutMs`; an expired claim is no claim, and
 * `expireClaims` clears them). Every claim, release, step-away and expiry is audited, a person's
 * with `personActor(person)`. Who may work a queue: a person with `queues.work` holding one of
 * the queue's roles, and for a child-safety queue also `mayWorkChildSafety` (role and opt-in).
 */
export class QueueService {
  readonly #repository: QueueRepository;
  readonly #audit: QueueAudit;
  readonly #policy: QueuePolicy;
  readonly #routing: CompiledRouting;
  readonly #timeoutMs: number;
  readonly #now: () => Date;

  constructor(options: QueueServiceOptions) {
    this.#repository = options.repository;
    this.#audit = options.audit;
    this.#policy = options.policy ?? defaultQueuePolicy;
    this.#routing = compileRouting(this.#policy);
    this.#timeoutMs = options.claimTimeoutMs ?? defaultClaimTimeoutMs;
    if (!(Number.isSafeInteger(this.#timeoutMs) && this.#timeoutMs > 0))
      throw new EngineError('CONFIG_INVALID', 'the claim timeout must be a positive whole number of milliseconds');
    this.#now = options.now ?? (() => new Date());
  }

  /** The queue definitions, in policy order. */
  get queues(): readonly QueueDefinition[] {
    return this.#policy.queues;
  }

  /** How long a claim lasts, in milliseconds. */
  get claimTimeoutMs(): number {
    return this.#timeoutMs;
  }

  /**
   * Whether `person` may work `queue`: `queues.work`, one of the queue's roles, and for a
   * child-safety queue `mayWorkChildSafety` (the role and a recorded opt-in). A disabled person
   * may work none.
   */
  mayWork(person: Person, queue: QueueDefinition): boolean {
    if (!can(person, 'queues.work')) return false;
    if (!person.roles.some((role) => queue.roles.includes(role))) return false;
    return !queue.childSafety || mayWorkChildSafety(person);
  }

  /** The queues without child-safety material, in policy order: where a reviewer can rotate to. */
  rotationQueues(): string[] {
    return this.#policy.queues.filter((queue) => !queue.childSafety).map((queue) => queue.name);
  }

  /** Every queue with its depth, oldest age and whether `person` may work it, in policy order. */
  async summaries(person: Person): Promise<QueueSummary[]> {
    const depths = await this.depths();
    return this.#policy.queues.map((queue, index) => {
      const depth = depths[index] as QueueDepth;
      return {
        name: queue.name,
        title: queue.title,
        childSafety: queue.childSafety,
        depth: depth.depth,
        oldestAgeSeconds: depth.oldestAgeSeconds,
        mayWork: this.mayWork(person, queue),
      };
    });
  }

  /** Depth and oldest age of every queue, in policy order (what `/metrics` reports). */
  async depths(): Promise<QueueDepth[]> {
    const counts = await this.#repository.counts(this.#routing);
    const nowMs = this.#now().getTime();
    return this.#policy.queues.map((queue) => {
      const count = counts.find((item) => item.queue === queue.name);
      const oldestMs = count === undefined ? Number.NaN : Date.parse(count.oldestOpenedAt);
      return {
        name: queue.name,
        depth: count?.depth ?? 0,
        oldestAgeSeconds: Number.isFinite(oldestMs) ? Math.max(0, Math.floor((nowMs - oldestMs) / 1000)) : 0,
      };
    });
  }

  /**
   * The first `limit` cases of a queue in queue order (default 50, at most 200), with their claims.
   *
   * @throws EngineError `QUEUE_NOT_FOUND`; `AUTH_FORBIDDEN` when the person may not work it;
   *   `REQUEST_INVALID` for a limit that is not a whole number from 1 to 200.
   */
  async page(queueName: string, person: Person, limit = 50): Promise<QueueItem[]> {
    if (!(Number.isSafeInteger(limit) && limit >= 1 && limit <= maxQueuePage))
      throw new EngineError('REQUEST_INVALID', `limit must be a whole number from 1 to ${maxQueuePage}`);
    this.#workable(queueName, person);
    return this.#repository.page(queuePredicate(this.#routing, queueName), { limit, now: this.#nowIso() });
  }

  /**
   * Claims the next case of a queue for `person`: the first in queue order that nobody else
   * holds a live claim on. A person who already holds a live claim on a case of this queue gets
   * that case back (renewed) rather than a second one. Null when the queue has nothing to claim.
   * Two people asking at once never get the same case: each claim is a compare-and-set, and a
   * person who loses one race tries the next case. Audited (`queue.claim`).
   *
   * @throws EngineError `QUEUE_NOT_FOUND`; `AUTH_FORBIDDEN` when the person may not work it.
   */
  async claimNext(queueName: string, person: Person): Promise<QueueItem | null> {
    this.#workable(queueName, person);
    const predicate = queuePredicate(this.#routing, queueName);
    const login = person.login;
    const [held] = await this.#repository.page(predicate, { limit: 1, now: this.#nowIso(), heldBy: login });
    if (held !== undefined) {
      const renewed = await this.#tryClaim(held.caseId, person, queueName, true);
      if (renewed !== undefined) return renewed;
    }
    for (let round = 0; round < claimRounds; round++) {
      const candidates = await this.#repository.page(predicate, {
        limit: candidatesPerRound,
        now: this.#nowIso(),
        claimableBy: login,
      });
      if (candidates.length === 0) return null;
      for (const candidate of candidates) {
        const claimed = await this.#tryClaim(candidate.caseId, person, queueName, true);
        if (claimed !== undefined) return claimed;
      }
    }
    return null;
  }

  /**
   * Claims one case for `person` (or renews the person's own claim on it). Audited (`queue.claim`).
   *
   * @throws EngineError `CASE_NOT_FOUND`; `CASE_NOT_QUEUED` when the case is decided, reported or
   *   closed; `AUTH_FORBIDDEN` when the person may not work its queue; `CASE_CLAIMED` when
   *   someone else holds a live claim on it.
   */
  async claim(caseId: number, person: Person): Promise<QueueItem> {
    const found = await this.#queuedCase(caseId);
    const queueName = routeCase(this.#routing, found);
    this.#workable(queueName, person);
    const claimed = await this.#tryClaim(caseId, person, queueName, false);
    if (claimed !== undefined) return claimed;
    const holder = (await this.#repository.item(caseId, this.#nowIso()))?.claimedBy ?? 'someone else';
    throw new EngineError('CASE_CLAIMED', `case ${caseId} is claimed by ${holder}`);
  }

  /**
   * Gives a claimed case back to its queue, with a reason (e.g. "needs a specialist"). Audited
   * (`queue.release`).
   *
   * @throws EngineError `REASON_REQUIRED` for a blank reason; `CASE_NOT_FOUND`; `CLAIM_NOT_HELD`
   *   when the person holds no live claim on the case.
   */
  async release(caseId: number, person: Person, reason: string): Promise<QueueItem> {
    checkReason(reason);
    return this.#giveBack(caseId, person, 'queue.release', reason);
  }

  /**
   * Steps away from a claimed case: it goes back to its queue without penalty and without a
   * reason asked (a break is never questioned). Audited (`queue.step_away`).
   *
   * @throws EngineError `CASE_NOT_FOUND`; `CLAIM_NOT_HELD` when the person holds no live claim.
   */
  async stepAway(caseId: number, person: Person): Promise<QueueItem> {
    return this.#giveBack(caseId, person, 'queue.step_away', 'stepped away');
  }

  /**
   * Clears the claims that ran out (they already count as no claim); audits each
   * (`queue.claim_expired`, actor `system:queues`, subject the case). Returns how many.
   */
  async expireClaims(): Promise<number> {
    const expired = await this.#repository.expireClaims(this.#nowIso());
    if (expired.length > 0) {
      await this.#audit.record(
        ...expired.map((claim) => ({
          actor: claimExpiryActor,
          action: 'queue.claim_expired',
          subject: `case:${claim.caseId}`,
          reason: 'claim timed out',
          detail: { person: claim.person, claimedAt: claim.claimedAt, expiresAt: claim.expiresAt },
        })),
      );
    }
    return expired.length;
  }

  /**
   * The queue of a case (first matching rule, else the default), whatever its status.
   *
   * @throws EngineError `CASE_NOT_FOUND`.
   */
  async queueOf(caseId: number): Promise<QueueDefinition> {
    return (await this.placement(caseId)).queue;
  }

  /**
   * Checks that `person` may work the queue of a case (what the case view and decisions call
   * before showing or changing a case); returns that queue.
   *
   * @throws EngineError `CASE_NOT_FOUND`; `AUTH_FORBIDDEN` when the person may not work it.
   */
  async checkCaseAccess(person: Person, caseId: number): Promise<QueueDefinition> {
    const queue = await this.queueOf(caseId);
    if (!this.mayWork(person, queue)) throw forbidden(person, queue);
    return queue;
  }

  /**
   * Whether `person` may work the queue of a case (`checkCaseAccess` as a yes or no, for the
   * services that show or hide a case's material).
   *
   * @throws EngineError `CASE_NOT_FOUND`.
   */
  async mayAccessCase(person: Person, caseId: number): Promise<boolean> {
    return this.mayWork(person, await this.queueOf(caseId));
  }

  /**
   * A case as queues show it (traits, live claim), whatever its status; access is the caller's
   * to check (`checkCaseAccess`).
   *
   * @throws EngineError `CASE_NOT_FOUND`.
   */
  async item(caseId: number): Promise<QueueItem> {
    return (await this.placement(caseId)).item;
  }

  /**
   * Where a case sits: its queue and its queue item (traits, live claim), from one read.
   *
   * @throws EngineError `CASE_NOT_FOUND`.
   */
  async placement(caseId: number): Promise<{ readonly queue: QueueDefinition; readonly item: QueueItem }> {
    const found = await this.#repository.item(caseId, this.#nowIso());
    if (found === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${caseId} not found`);
    return { queue: this.#queue(routeCase(this.#routing, found)), item: publicItem(found) };
  }

  #nowIso(): string {
    return this.#now().toISOString();
  }

  #queue(name: string): QueueDefinition {
    const queue = findQueue(this.#policy, name);
    if (queue === undefined) throw new EngineError('QUEUE_NOT_FOUND', `no queue is named '${name}'`);
    return queue;
  }

  /** The queue, if the person may work it. */
  #workable(name: string, person: Person): QueueDefinition {
    const queue = this.#queue(name);
    if (!this.mayWork(person, queue)) throw forbidden(person, queue);
    return queue;
  }

  async #queuedCase(caseId: number): Promise<StoredQueueItem> {
    const found = await this.#repository.item(caseId, this.#nowIso());
    if (found === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${caseId} not found`);
    if (!isActive(found.status) || found.status === 'decided' || found.status === 'reported')
      throw new EngineError('CASE_NOT_QUEUED', `case ${caseId} is ${found.status}: it is in no queue`);
    return found;
  }

  /** One compare-and-set claim, audited when it holds; undefined when someone else holds the case. */
  async #tryClaim(caseId: number, person: Person, queue: string, next: boolean): Promise<QueueItem | undefined> {
    const now = this.#now();
    const claim = {
      caseId,
      person: person.login,
      claimedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.#timeoutMs).toISOString(),
    };
    if (!(await this.#repository.tryClaim(claim, claim.claimedAt))) return undefined;
    await this.#audit.record({
      actor: personActor(person),
      action: 'queue.claim',
      subject: `case:${caseId}`,
      reason: next ? 'claimed the next case of the queue' : 'claimed the case',
      detail: { queue, expiresAt: claim.expiresAt },
    });
    const item = await this.#repository.item(caseId, this.#nowIso());
    if (item === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${caseId} not found`);
    return publicItem(item);
  }

  async #giveBack(caseId: number, person: Person, action: string, reason: string): Promise<QueueItem> {
    const found = await this.#repository.item(caseId, this.#nowIso());
    if (found === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${caseId} not found`);
    if (!(await this.#repository.release(caseId, person.login, this.#nowIso())))
      throw new EngineError('CLAIM_NOT_HELD', `${person.login} holds no live claim on case ${caseId}`);
    await this.#audit.record({
      actor: personActor(person),
      action,
      subject: `case:${caseId}`,
      reason,
      detail: { queue: routeCase(this.#routing, found) },
    });
    return publicItem({ ...found, claimedBy: null, claimExpiresAt: null });
  }
}

function forbidden(person: Person, queue: QueueDefinition): EngineError {
  const needs = queue.childSafety
    ? `one of the roles ${queue.roles.join(', ')} and, for child-safety work, the child_safety_reviewer role with a recorded opt-in`
    : `one of the roles ${queue.roles.join(', ')}`;
  return new EngineError('AUTH_FORBIDDEN', `${person.login} may not work the ${queue.name} queue: it needs ${needs}`);
}

function publicItem(item: StoredQueueItem): QueueItem {
  const { status: _status, ...rest } = item;
  return rest;
}
