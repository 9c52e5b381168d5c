import type { OutboxRepository } from '../actions/index.js';
import type { ApiKeyRepository } from '../auth/index.js';
import type { BankChangeFeed, BankRepository } from '../banks/index.js';
import type { EngineStore } from '../engine/index.js';
import type { ExchangeRepository } from '../exchange-sync/index.js';
import type { PeopleRepository } from '../people/index.js';
import type { QueueRepository } from '../queues/index.js';
import type { ReviewRepository } from '../review/index.js';
import type { SubmissionRepository } from '../submissions/index.js';
import type { WellnessRepository } from '../wellness/index.js';

/**
 * An open store: the implementations of the repository contracts the domain modules define
 * (`banks`, `auth`, `engine` with its `events`, `cases` and `audit` parts), plus lifecycle. Only
 * types come from those modules, so storage never loads them at run time.
 */
export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  /** Human-readable location, e.g. the SQLite file path or the PostgreSQL host/database. */
  readonly location: string;
  readonly banks: BankRepository;
  /**
   * Every committed bank change in order, from any process sharing the store (PostgreSQL: with
   * NOTIFY wake-ups); what a running matcher follows (`banks`' contract).
   */
  readonly bankChanges: BankChangeFeed;
  readonly apiKeys: ApiKeyRepository;
  /** The signals engine's event log, rule hits, labels, links, typologies, cases and audit. */
  readonly engine: EngineStore;
  /** The review console's comments and dashboard queries. */
  readonly review: ReviewRepository;
  /** People of the review console and their sessions. */
  readonly people: PeopleRepository;
  /** Review queues over the engine's cases: depth, pages, claims (`queues`' contract). */
  readonly queues: QueueRepository;
  /** Reviewer wellness: preferences, limits and the reveal records. */
  readonly wellness: WellnessRepository;
  /** Reports sent to outside authorities (NCMEC), their exchanges, and the "reported to" ledger. */
  readonly submissions: SubmissionRepository;
  /** The action outbox the engine's commits fill and the dispatcher delivers (`actions`' contract). */
  readonly outbox: OutboxRepository;
  /**
   * Answers one trivial query (`select 1`): resolves when the database answers, rejects with the
   * driver's error when it does not (PostgreSQL down, the pool closed). For readiness probes.
   */
  ping(): Promise<void>;
  /** Exchanges: their settings, checkpoints, leases, sealed credentials and page commits (`exchange-sync`'s contract). */
  readonly exchanges: ExchangeRepository;
  close(): Promise<void>;
}
