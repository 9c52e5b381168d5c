import type { BankService } from '../banks/index.js';
import { EngineError } from '../core/index.js';
import type { EvidenceKeyRing } from '../evidence/index.js';
import {
  checkFields,
  type ExchangeClient,
  type ExchangeFeedback,
  type ExchangeKindRegistry,
  printable,
  upstreamStatusOf,
} from '../exchanges/index.js';
import type { Logger } from '../logging/index.js';
import {
  type CaseFeedbackInput,
  caseFeedback,
  giveCaseFeedback,
  type MatchFeedback,
  unsupportedCode,
} from './case-feedback.js';
import { openCredentials, sealCredentials } from './credential-seal.js';
import { type CaseMatches, readDecisions } from './decision-feedback.js';
import { ExchangeFetcher, type FetchReport, type FetchSettings } from './exchange-fetcher.js';
import type {
  ExchangeDefinition,
  ExchangeFetchStatus,
  ExchangeRepository,
  FeedbackRequest,
} from './exchange-records.js';

/** Shortest and longest fetch interval, in seconds. */
export const minIntervalSeconds = 10;
export const maxIntervalSeconds = 30 * 86_400;
/** HMA's default fetch interval (the reference configs' 240 s). */
export const defaultIntervalSeconds = 240;

/** How many times a feedback request is tried when it cannot reach the exchange. */
export const maxFeedbackAttempts = 5;
/** First wait before trying a feedback request again; doubled each time, at most an hour. */
const feedbackBackoffMs = 30_000;
/** How long a claimed feedback request is left to its sender before another may take it. */
const feedbackClaimMs = 5 * 60_000;

/** What the feedback job records (the audit log's `record`, kept structural). */
export type FeedbackAudit = (entry: {
  actor: string;
  action: string;
  subject: string;
  reason: string;
  detail: unknown;
}) => Promise<unknown>;

/** Input of {@link ExchangeService.sendFeedback}. */
export interface ExchangeFeedbackInput {
  readonly exchange: string;
  /** The upstream key of the item (its provenance's `key`). */
  readonly key: string;
  readonly verdict: ExchangeFeedback['verdict'];
  /** Which of the item's signals the verdict is about; default its first. */
  readonly signalType?: string | undefined;
  /** Free text or an upstream reason id (NCMEC: a reason GUID). */
  readonly reason?: string | undefined;
}

/** Input of {@link ExchangeService.add}. */
export interface ExchangeInput {
  readonly name: string;
  readonly kind: string;
  readonly config?: unknown;
  readonly enabled?: boolean;
  readonly intervalSeconds?: number;
}

/** The credential scope of one exchange, and of one API kind (HMA's default credentials). */
export const exchangeScope = (name: string): string => `exchange:${name}`;
export const apiScope = (kind: string): string => `api:${kind}`;

/**
 * Exchanges as people and integrations manage them (the CLI, the HMA routes, the job): creating
 * one creates its bank (same name), removing one removes its bank, content and credentials (as
 * HMA does); credentials are sealed with the key ring and never returned; fetches go through the
 * {@link ExchangeFetcher}.
 */
export class ExchangeService {
  readonly #repository: ExchangeRepository;
  readonly #banks: BankService;
  readonly #kinds: ExchangeKindRegistry;
  readonly #keyRing: EvidenceKeyRing | undefined;
  readonly #fetcher: ExchangeFetcher;
  readonly #clock: () => number;
  readonly #logger: Logger | undefined;
  readonly #audit: FeedbackAudit | undefined;
  readonly #caseMatches: CaseMatches | undefined;

  constructor(options: {
    repository: ExchangeRepository;
    banks: BankService;
    kinds: ExchangeKindRegistry;
    keyRing?: EvidenceKeyRing | undefined;
    fetch?: FetchSettings;
    logger?: Logger;
    clock?: () => number;
    /** Records what the feedback job did (the audit log's `record`). */
    audit?: FeedbackAudit;
    /** A case's bank matches, for feedback from decisions and reviewers; absent: cases give none. */
    caseMatches?: CaseMatches;
  }) {
    this.#repository = options.repository;
    this.#banks = options.banks;
    this.#kinds = options.kinds;
    this.#keyRing = options.keyRing;
    this.#clock = options.clock ?? Date.now;
    this.#logger = options.logger;
    this.#audit = options.audit;
    this.#caseMatches = options.caseMatches;
    this.#fetcher = new ExchangeFetcher({
      repository: options.repository,
      banks: options.banks,
      clientOf: (exchange) => this.client(exchange),
      ...(options.fetch === undefined ? {} : { settings: options.fetch }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      clock: this.#clock,
    });
  }

  get kinds(): ExchangeKindRegistry {
    return this.#kinds;
  }

  #now(): string {
    return new Date(this.#clock()).toISOString();
  }

  /**
   * Creates an exchange and its bank (same name).
   * @throws EngineError `EXCHANGE_INVALID` (kind, config, interval), `BANK_INVALID_NAME`,
   *   `EXCHANGE_ALREADY_EXISTS` (an exchange or a bank has the name). Nothing is kept on failure.
   */
  async add(input: ExchangeInput): Promise<ExchangeDefinition> {
    const kind = this.#kinds.get(input.kind);
    const config = kind.parseConfig(input.config ?? {});
    const intervalSeconds = checkInterval(input.intervalSeconds ?? defaultIntervalSeconds);
    if ((await this.#banks.repository.getBankByName(input.name)) !== undefined) {
      throw new EngineError('EXCHANGE_ALREADY_EXISTS', `a bank named '${input.name}' already exists`);
    }
    const bank = await this.#banks.createBank({ name: input.name, description: `exchange ${kind.kind}` });
    try {
      return await this.#repository.createExchange(
        { name: bank.name, kind: kind.kind, bankId: bank.id, config, enabled: input.enabled ?? true, intervalSeconds },
        this.#now(),
      );
    } catch (error) {
      await this.#banks.deleteBank(bank.name);
      throw error;
    }
  }

  list(): Promise<ExchangeDefinition[]> {
    return this.#repository.listExchanges();
  }

  /** @throws EngineError `EXCHANGE_NOT_FOUND`. */
  async get(name: string): Promise<ExchangeDefinition> {
    const exchange = await this.#repository.getExchange(name);
    if (exchange === undefined) throw new EngineError('EXCHANGE_NOT_FOUND', `Exchange '${name}' not found`);
    return exchange;
  }

  find(name: string): Promise<ExchangeDefinition | undefined> {
    return this.#repository.getExchange(name);
  }

  /** @throws EngineError `EXCHANGE_NOT_FOUND`, `EXCHANGE_INVALID` (interval). */
  async update(name: string, patch: { enabled?: boolean; intervalSeconds?: number }): Promise<ExchangeDefinition> {
    const exchange = await this.get(name);
    return this.#repository.updateExchange(
      exchange.id,
      {
        ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
        ...(patch.intervalSeconds === undefined ? {} : { intervalSeconds: checkInterval(patch.intervalSeconds) }),
      },
      this.#now(),
    );
  }

  /** Removes the exchange, its bank with its content, and its credentials; false when unknown. */
  async remove(name: string): Promise<boolean> {
    const exchange = await this.#repository.getExchange(name);
    if (exchange === undefined) return false;
    const bank = await this.#banks.repository.getBankById(exchange.bankId);
    if (bank !== undefined) await this.#banks.deleteBank(bank.name);
    await this.#repository.setCredentials(exchangeScope(name), null, this.#now());
    return true;
  }

  /** @throws EngineError `EXCHANGE_NOT_FOUND`. */
  async status(name: string): Promise<ExchangeFetchStatus> {
    return this.#repository.getStatus((await this.get(name)).id);
  }

  /**
   * Stores credentials (checked against the kind's fields, sealed with the key ring) for one
   * exchange (`scope` `exchange:<name>`) or one kind (`api:<kind>`); `null` clears them.
   * @throws EngineError `EXCHANGE_INVALID`, `EXCHANGE_CREDENTIALS_UNREADABLE` (no key ring).
   */
  async setCredentials(target: { exchange: string } | { kind: string }, credentials: unknown): Promise<void> {
    const { scope, kindName } =
      'exchange' in target
        ? { scope: exchangeScope(target.exchange), kindName: (await this.get(target.exchange)).kind }
        : { scope: apiScope(this.#kinds.get(target.kind).kind), kindName: target.kind };
    if (credentials === null) {
      await this.#repository.setCredentials(scope, null, this.#now());
      return;
    }
    const kind = this.#kinds.get(kindName);
    if (kind.credentialFields === null) {
      throw new EngineError('EXCHANGE_INVALID', `exchange kind ${kind.kind} takes no credentials`);
    }
    const checked = checkFields(`${kind.kind} credentials`, kind.credentialFields, credentials);
    kind.checkCredentials?.(checked);
    await this.#repository.setCredentials(scope, sealCredentials(this.#keyRing, scope, checked), this.#now());
  }

  /** Whether credentials are stored for this exchange or kind (never what they are). */
  async hasCredentials(target: { exchange: string } | { kind: string }): Promise<boolean> {
    const scope = 'exchange' in target ? exchangeScope(target.exchange) : apiScope(this.#kinds.get(target.kind).kind);
    return (await this.#repository.getCredentials(scope)) !== undefined;
  }

  /**
   * Reseals every stored credential under the key ring's current key.
   * @returns how many were resealed and how many were already current.
   * @throws EngineError `EXCHANGE_CREDENTIALS_UNREADABLE` when one cannot be opened (nothing after it is changed).
   */
  async rotateCredentials(): Promise<{ rotated: number; current: number }> {
    const ring = this.#keyRing;
    let rotated = 0;
    let current = 0;
    for (const { scope, keyId } of await this.#repository.listCredentialScopes()) {
      if (ring !== undefined && keyId === ring.currentKeyId) {
        current++;
        continue;
      }
      const sealed = await this.#repository.getCredentials(scope);
      if (sealed === undefined) continue;
      const plain = openCredentials(ring, scope, sealed);
      await this.#repository.setCredentials(scope, sealCredentials(ring, scope, plain), this.#now());
      rotated++;
    }
    this.#logger?.info({ rotated, current }, 'exchange credentials rotated');
    return { rotated, current };
  }

  /** The client of an exchange: its kind, its config, and its credentials (or its kind's) opened. */
  async client(exchange: ExchangeDefinition): Promise<ExchangeClient> {
    const kind = this.#kinds.get(exchange.kind);
    let credentials: Record<string, unknown> | undefined;
    for (const scope of [exchangeScope(exchange.name), apiScope(kind.kind)]) {
      const sealed = await this.#repository.getCredentials(scope);
      if (sealed !== undefined) {
        credentials = openCredentials(this.#keyRing, scope, sealed);
        break;
      }
    }
    return kind.createClient(exchange.config, credentials);
  }

  /**
   * Sends a reviewer's verdict on one of the exchange's items upstream (`prevail exchange
   * feedback`): the item under `key` in the exchange's bank gives the signal (`signalType`, or its
   * first signal) and the metadata the client may need (ThreatExchange descriptors), and the
   * client's `sendFeedback` sends it once — a write is not retried on a status code. Where the API
   * takes no feedback (file, url, prevail; StopNCII without a feedback function key) nothing is
   * sent and the call fails.
   *
   * @throws EngineError `EXCHANGE_NOT_FOUND`; `CONTENT_NOT_FOUND` (no item under `key`);
   *   `EXCHANGE_INVALID` (the item has no such signal); `EXCHANGE_FEEDBACK_UNSUPPORTED` (the API
   *   takes no feedback); the client's `REQUEST_INVALID` or `EXCHANGE_*` codes.
   */
  async sendFeedback(
    input: ExchangeFeedbackInput,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ exchange: string; key: string; signalType: string; verdict: ExchangeFeedback['verdict'] }> {
    const exchange = await this.get(input.exchange);
    const contentId = await this.#repository.findUpstreamContent(exchange.bankId, input.key);
    if (contentId === undefined) {
      throw new EngineError('CONTENT_NOT_FOUND', `exchange '${exchange.name}' holds no item under that key`);
    }
    const content = await this.#banks.getContent(contentId);
    const signalType = input.signalType ?? Object.keys(content.signals)[0];
    const value = signalType === undefined ? undefined : content.signals[signalType];
    if (signalType === undefined || value === undefined) {
      const which = input.signalType === undefined ? '' : ` ${printable(input.signalType)}`;
      throw new EngineError('EXCHANGE_INVALID', `the item holds no${which} signal`);
    }
    const client = await this.client(exchange);
    if (client.sendFeedback === undefined) {
      throw new EngineError(unsupportedCode, `exchange '${exchange.name}' (${exchange.kind}) takes no feedback`);
    }
    await client.sendFeedback(
      {
        key: input.key,
        signal: { signalType, value },
        verdict: input.verdict,
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        ...(content.upstream === undefined ? {} : { metadata: content.upstream.metadata }),
      },
      options,
    );
    this.#logger?.info({ exchange: exchange.name, signalType, verdict: input.verdict }, 'exchange feedback sent');
    return { exchange: exchange.name, key: input.key, signalType, verdict: input.verdict };
  }

  /** What the case feedback functions need. */
  #feedbackDeps() {
    return {
      repository: this.#repository,
      banks: this.#banks,
      kinds: this.#kinds,
      caseMatches: this.#caseMatches,
      clock: this.#clock,
      logger: this.#logger,
    };
  }

  /**
   * Each match of a case against an exchange's bank with where its feedback stands (queued, sent,
   * failed, unsupported by that API, or none yet); see `case-feedback.ts`.
   * @throws EngineError `CASE_NOT_FOUND`.
   */
  caseFeedback(caseId: number): Promise<MatchFeedback[]> {
    return caseFeedback(this.#feedbackDeps(), caseId);
  }

  /**
   * A person's or integration's explicit verdict on one match of a case, queued for the job and
   * audited (`exchange.feedback_requested`, with `reason`); see `giveCaseFeedback`.
   * @throws EngineError `EXCHANGE_NOT_FOUND` and the codes of `giveCaseFeedback`.
   */
  async giveCaseFeedback(
    input: CaseFeedbackInput,
    reason: string,
  ): Promise<{ feedback: MatchFeedback; queued: boolean }> {
    const exchange = await this.get(input.exchange);
    const given = await giveCaseFeedback(this.#feedbackDeps(), exchange, input);
    await this.#audit?.({
      actor: input.actor,
      action: 'exchange.feedback_requested',
      subject: `exchange:${exchange.name}`,
      reason,
      detail: {
        caseId: input.caseId,
        contentId: input.contentId,
        key: given.feedback.key,
        signalType: given.feedback.signalType,
        verdict: input.verdict,
        queued: given.queued,
      },
    });
    return given;
  }

  /**
   * The `exchanges.feedback` job's tick: turns the decisions committed since the last tick into
   * feedback requests (`readDecisions`), then sends the due requests ({@link sendDueFeedback}).
   * Never rejects.
   */
  async feedbackTick(options: { signal?: AbortSignal; limit?: number } = {}): Promise<{
    decisions: number;
    queued: number;
    sent: number;
    failed: number;
    retrying: number;
  }> {
    let read = { decisions: 0, queued: 0 };
    try {
      read = await readDecisions(this.#feedbackDeps());
    } catch (error) {
      this.#logger?.error({ err: (error as Error).message }, 'decisions could not be read for exchange feedback');
    }
    return { ...read, ...(await this.sendDueFeedback(options)) };
  }

  /**
   * The `exchanges.feedback` job: sends the due feedback requests, each claimed first (so two
   * servers never both send one). A request that fails without reaching the exchange (network,
   * timeout) is tried again with backoff, at most {@link maxFeedbackAttempts} times; one the
   * exchange answered with a status (a write is not retried on a status), or that cannot be sent
   * (no feedback key, item gone), fails for good. Every attempt is audited (`exchange.feedback`).
   * Never rejects.
   */
  async sendDueFeedback(options: { signal?: AbortSignal; limit?: number } = {}): Promise<{
    sent: number;
    failed: number;
    retrying: number;
  }> {
    const outcome = { sent: 0, failed: 0, retrying: 0 };
    let due: FeedbackRequest[];
    try {
      due = await this.#repository.dueFeedback(this.#now(), options.limit ?? 50);
    } catch (error) {
      this.#logger?.error({ err: (error as Error).message }, 'feedback requests could not be read');
      return outcome;
    }
    for (const request of due) {
      if (options.signal?.aborted === true) break;
      try {
        const until = new Date(this.#clock() + feedbackClaimMs).toISOString();
        if (!(await this.#repository.claimFeedback(request.id, request.nextAttemptAt, until))) continue;
        const attempts = request.attempts + 1;
        let errorCode: string | null = null;
        let status: 'sent' | 'failed' | 'pending' = 'sent';
        try {
          await this.sendFeedback(
            {
              exchange: request.exchange,
              key: request.key,
              verdict: request.verdict,
              signalType: request.signalType,
              ...(request.upstreamReason === null ? {} : { reason: request.upstreamReason }),
            },
            options.signal === undefined ? {} : { signal: options.signal },
          );
        } catch (error) {
          errorCode = error instanceof EngineError ? error.code : 'INTERNAL';
          const reachedNoOne =
            (errorCode === 'EXCHANGE_UNAVAILABLE' && upstreamStatusOf(error) === undefined) ||
            errorCode === 'EXCHANGE_TIMEOUT';
          status = reachedNoOne && attempts < maxFeedbackAttempts ? 'pending' : 'failed';
        }
        const wait = Math.min(feedbackBackoffMs * 2 ** (attempts - 1), 3_600_000);
        await this.#repository.settleFeedback(
          request.id,
          { status, attempts, nextAttemptAt: new Date(this.#clock() + wait).toISOString(), errorCode },
          this.#now(),
        );
        outcome[status === 'sent' ? 'sent' : status === 'failed' ? 'failed' : 'retrying']++;
        await this.#audit?.({
          actor: request.actor,
          action: 'exchange.feedback',
          subject: `exchange:${request.exchange}`,
          reason: request.caseId === null ? 'feedback' : `feedback on case ${request.caseId}`,
          detail: {
            key: request.key,
            signalType: request.signalType,
            verdict: request.verdict,
            caseId: request.caseId,
            attempt: attempts,
            outcome: status === 'sent' ? 'sent' : (errorCode ?? 'failed'),
            ...(status === 'pending' ? { retry: true } : {}),
          },
        });
      } catch (error) {
        this.#logger?.error(
          { err: (error as Error).message, id: request.id },
          'a feedback request could not be settled',
        );
      }
    }
    return outcome;
  }

  /**
   * Fetches one exchange now (`prevail exchange fetch`), whether or not it is enabled or due.
   * @throws EngineError `EXCHANGE_NOT_FOUND`, `EXCHANGE_BUSY`, or the fetch's failure.
   */
  async fetch(name: string, options: { signal?: AbortSignal } = {}): Promise<FetchReport> {
    return this.#fetcher.fetch(await this.get(name), options);
  }

  /**
   * The scheduler's tick: fetches, one after another, every enabled exchange whose interval has
   * passed since its last fetch ended (or that never ran). A failure or a busy lease of one is
   * recorded (or skipped) and the others still run; it never rejects.
   */
  async fetchDue(
    options: { signal?: AbortSignal } = {},
  ): Promise<{ fetched: string[]; failed: string[]; busy: string[] }> {
    const outcome = { fetched: [] as string[], failed: [] as string[], busy: [] as string[] };
    let exchanges: ExchangeDefinition[];
    try {
      exchanges = await this.#repository.listExchanges();
    } catch (error) {
      this.#logger?.error({ err: (error as Error).message }, 'exchanges could not be listed');
      return outcome;
    }
    for (const exchange of exchanges) {
      if (options.signal?.aborted === true) break;
      if (!exchange.enabled) continue;
      try {
        const status = await this.#repository.getStatus(exchange.id);
        const last = status.fetchEndedAt === null ? undefined : Date.parse(status.fetchEndedAt);
        if (last !== undefined && this.#clock() - last < exchange.intervalSeconds * 1000) continue;
        await this.#fetcher.fetch(exchange, options);
        outcome.fetched.push(exchange.name);
      } catch (error) {
        if (error instanceof EngineError && error.code === 'EXCHANGE_BUSY') outcome.busy.push(exchange.name);
        else outcome.failed.push(exchange.name);
      }
    }
    return outcome;
  }
}

function checkInterval(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < minIntervalSeconds || seconds > maxIntervalSeconds) {
    throw new EngineError(
      'EXCHANGE_INVALID',
      `the fetch interval must be a whole number of seconds from ${minIntervalSeconds} to ${maxIntervalSeconds}`,
    );
  }
  return seconds;
}
