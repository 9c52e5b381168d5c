import type { CasePriority, CaseSource, CaseStatus } from '../cases/index.js';
import type { Role } from '../people/index.js';

/**
 * The queue model: queue definitions, routing rules, the plain-data predicate a queue compiles
 * to, queue items and claims, and the `QueueRepository` contract `storage/` implements.
 */

/** A review queue. */
export interface QueueDefinition {
  /** Lowercase `[a-z][a-z0-9_-]*`, at most 64 characters; URLs and metrics name the queue by it. */
  readonly name: string;
  readonly title: string;
  /**
   * A child-safety queue: a person needs one of `roles` **and** `mayWorkChildSafety` (the
   * child-safety reviewer role with a recorded opt-in).
   */
  readonly childSafety: boolean;
  /** The roles whose holders may work the queue (any one of them). */
  readonly roles: readonly Role[];
}

/**
 * What a routing rule asks of a case: every field given must hold (AND); within a list, any value
 * (OR). An empty condition matches every case.
 */
export interface TraitCondition {
  readonly source?: readonly CaseSource[];
  readonly typology?: readonly string[];
  readonly priority?: readonly CasePriority[];
  readonly imminent?: boolean;
}

/** One routing rule: cases matching `when` go to `queue`, unless an earlier rule matched. */
export interface RoutingRule {
  readonly queue: string;
  readonly when: TraitCondition;
}

/** Queues and how cases are routed to them: ordered rules, first match wins, else the default. */
export interface QueuePolicy {
  readonly queues: readonly QueueDefinition[];
  readonly rules: readonly RoutingRule[];
  /** The queue of a case no rule matches. */
  readonly defaultQueue: string;
}

/**
 * The routing compiled for storage: the rules in order, the default queue last as a rule whose
 * condition is empty (so every case matches exactly one rule: its first match).
 */
export interface CompiledRouting {
  readonly rules: readonly RoutingRule[];
}

/**
 * The cases of one queue as plain data, for storage to turn into SQL: a case is in the queue
 * when, for one element of `anyOf`, it matches `when` and none of `unless` (the earlier rules of
 * other queues). An empty `anyOf` selects nothing.
 */
export interface QueuePredicate {
  readonly anyOf: readonly { readonly when: TraitCondition; readonly unless: readonly TraitCondition[] }[];
}

/** Who works a case now, and until when (ISO-8601 UTC). */
export interface CaseClaim {
  readonly caseId: number;
  readonly person: string;
  readonly claimedAt: string;
  readonly expiresAt: string;
}

/** A case as a queue shows it. `claimedBy` is a login; null (with `claimExpiresAt`) when no live claim. */
export interface QueueItem {
  readonly caseId: number;
  readonly subject: string;
  readonly priority: CasePriority;
  readonly source: CaseSource;
  readonly typology: string | null;
  readonly imminent: boolean;
  readonly openedAt: string;
  readonly claimedBy: string | null;
  readonly claimExpiresAt: string | null;
}

/** A queue item with its case's status (what the service checks before claiming). */
export interface StoredQueueItem extends QueueItem {
  readonly status: CaseStatus;
}

/** Depth and oldest case of one queue, as stored. */
export interface QueueCount {
  readonly queue: string;
  readonly depth: number;
  /** `openedAt` of the oldest case in the queue. */
  readonly oldestOpenedAt: string;
}

/**
 * Queues as stored. Only active cases (open, in review, escalated) are in queues. Times are
 * ISO-8601 UTC text from the queue service's clock (`toISOString()`), compared as text; a claim
 * whose `expiresAt` is not after `now` is no claim.
 */
export interface QueueRepository {
  /** Depth and oldest case of every queue with at least one case, in one pass over the active cases. */
  counts(routing: CompiledRouting): Promise<QueueCount[]>;
  /**
   * The queue's cases in queue order (imminent first, then `hash_match`/`stream`, then the rest;
   * oldest `openedAt` first, then lowest id), at most `limit`, each with its live claim. With
   * `claimableBy`, only cases with no live claim or a live claim of that person; with `heldBy`,
   * only cases that person holds a live claim on.
   */
  page(
    predicate: QueuePredicate,
    options: {
      readonly limit: number;
      readonly now: string;
      readonly claimableBy?: string;
      readonly heldBy?: string;
    },
  ): Promise<QueueItem[]>;
  /** One case with its traits, status and live claim; undefined when no such case. */
  item(caseId: number, now: string): Promise<StoredQueueItem | undefined>;
  /**
   * Compare-and-set: claims the case for `claim.person` only when it has no claim, an expired
   * one (`expiresAt` not after `now`), or one of the same person (renewed). True when stored.
   */
  tryClaim(claim: CaseClaim, now: string): Promise<boolean>;
  /** Removes `person`'s live claim on the case; false when the person holds none. */
  release(caseId: number, person: string, now: string): Promise<boolean>;
  /** Removes every claim expired at `now`; returns them. */
  expireClaims(now: string): Promise<CaseClaim[]>;
}
