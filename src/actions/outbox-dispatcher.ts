import { performance } from 'node:perf_hooks';
import type { AuditAction } from '../audit/index.js';
import type { ActionEndpoint, NatsEndpoint, PushEndpoint, WebhookEndpoint } from './action-model.js';
import { deliveryBody } from './action-planner.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { NatsActionPublisher } from './nats-publisher.js';
import type { AttemptOutcome, OutboxAction, OutboxRepository } from './outbox-record.js';
import { defaultRetryPolicy, nextAttemptMs, type RetryPolicy } from './retry-schedule.js';
import { signatureFor, signatureHeader } from './webhook-signature.js';

/** What the dispatcher records each attempt in: the audit chain (`AuditLog` fits). */
export interface ActionAudit {
  record(...actions: AuditAction[]): Promise<unknown>;
}

/** What one delivery attempt observed, for metrics. */
export interface AttemptReport {
  readonly endpoint: string;
  readonly action: string;
  readonly outcome: AttemptOutcome['kind'];
  readonly httpStatus: number | null;
  readonly latencyMs: number;
}

export interface OutboxDispatcherOptions {
  readonly repository: OutboxRepository;
  readonly endpoints: ReadonlyMap<string, ActionEndpoint>;
  readonly audit?: ActionAudit;
  readonly retry?: RetryPolicy;
  /** Consecutive failures that open an endpoint's breaker, and how long it stays open (ms). */
  readonly breaker?: { readonly threshold: number; readonly cooldownMs: number };
  /**
   * How long a claimed row is left alone (ms); a row whose sender died is sent again after it.
   * Longer than any endpoint's timeout. Default 60 s.
   */
  readonly leaseMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** What one round did. */
export interface DispatchRound {
  readonly attempted: number;
  readonly delivered: number;
  readonly failed: number;
}

const auditActor = 'system:actions';

/**
 * Delivers the outbox: for each endpoint, leases the due rows (at most the endpoint's concurrency,
 * fewer while its circuit breaker is open or probing), POSTs each signed body with its
 * `Idempotency-Key`, records the attempt (status, latency, error) on the row and in the audit
 * chain, and decides the row's fate: delivered on a 2xx, retried with backoff and full jitter on
 * anything else (including timeouts and refused connections), dead once the retry bound is spent.
 *
 * Delivery is at least once: a crash after the request left and before its outcome was recorded
 * sends the same body with the same `Idempotency-Key` again once the lease lapses, and the
 * receiver keeps the first (docs/actions.md). Together that is exactly one effective delivery.
 */
export class OutboxDispatcher {
  readonly #options: OutboxDispatcherOptions;
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #retry: RetryPolicy;
  readonly #now: () => number;
  readonly #listeners: ((report: AttemptReport) => void)[] = [];
  /** The endpoints pushed to (webhooks and NATS; an SSE endpoint is read by its subscribers). */
  readonly #endpoints: readonly PushEndpoint[];
  readonly #nats = new NatsActionPublisher();

  constructor(options: OutboxDispatcherOptions) {
    this.#options = options;
    this.#endpoints = [...options.endpoints.values()].filter(
      (endpoint): endpoint is PushEndpoint => endpoint.kind !== 'sse',
    );
    this.#retry = options.retry ?? defaultRetryPolicy;
    this.#now = options.now ?? Date.now;
    const breaker = options.breaker ?? { threshold: 5, cooldownMs: 30_000 };
    for (const endpoint of this.#endpoints)
      this.#breakers.set(endpoint.name, new CircuitBreaker(breaker.threshold, breaker.cooldownMs));
  }

  /** Closes the NATS connections (after the last `drain`). */
  async close(): Promise<void> {
    await this.#nats.close();
  }

  /** Tells `listener` of every attempt after it is recorded (the server's metrics). */
  subscribe(listener: (report: AttemptReport) => void): void {
    this.#listeners.push(listener);
  }

  /** Rows waiting to be sent, per pushed endpoint (every declared webhook and NATS endpoint, 0 when none). */
  async queueDepth(): Promise<Map<string, number>> {
    return this.#perEndpoint(await this.#options.repository.countsByEndpoint('pending'));
  }

  /** Rows given up on (`dead`), per pushed endpoint (0 when none): what an operator must look at. */
  async deadCount(): Promise<Map<string, number>> {
    return this.#perEndpoint(await this.#options.repository.countsByEndpoint('dead'));
  }

  #perEndpoint(counts: ReadonlyMap<string, number>): Map<string, number> {
    return new Map(this.#endpoints.map((endpoint) => [endpoint.name, counts.get(endpoint.name) ?? 0]));
  }

  /** The breaker state of `endpoint` now. */
  breakerState(endpoint: string): ReturnType<CircuitBreaker['state']> | undefined {
    return this.#breakers.get(endpoint)?.state(this.#now());
  }

  /**
   * The job's work: for each endpoint, independently, rounds until one sends nothing, so a slow
   * endpoint does not hold back the rounds of the others (the drain ends with the slowest).
   */
  async drain(): Promise<DispatchRound> {
    const drains = this.#endpoints.map(async (endpoint) => {
      const total = { attempted: 0, delivered: 0, failed: 0 };
      for (;;) {
        const round = await this.#round(endpoint);
        total.attempted += round.attempted;
        total.delivered += round.delivered;
        total.failed += round.failed;
        if (round.attempted === 0) return total;
      }
    });
    return sum(await Promise.all(drains));
  }

  /** One round: every endpoint's due rows, up to its concurrency, sent in parallel. */
  async runOnce(): Promise<DispatchRound> {
    return sum(await Promise.all(this.#endpoints.map((endpoint) => this.#round(endpoint))));
  }

  async #round(endpoint: PushEndpoint): Promise<DispatchRound> {
    const breaker = this.#breakers.get(endpoint.name);
    const now = this.#now();
    const allowance = breaker?.allowance(now, endpoint.concurrency) ?? endpoint.concurrency;
    if (allowance === 0) return { attempted: 0, delivered: 0, failed: 0 };
    const leaseMs = Math.max(this.#options.leaseMs ?? 60_000, endpoint.timeoutMs * 2);
    const rows = await this.#options.repository.claimDue(
      endpoint.name,
      new Date(now).toISOString(),
      new Date(now + leaseMs).toISOString(),
      allowance,
    );
    if (rows.length > 0) breaker?.probing(now);
    const outcomes = await Promise.all(rows.map((row) => this.#deliver(endpoint, row, breaker)));
    const delivered = outcomes.filter((kind) => kind === 'delivered').length;
    return { attempted: rows.length, delivered, failed: rows.length - delivered };
  }

  async #deliver(
    endpoint: PushEndpoint,
    row: OutboxAction,
    breaker: CircuitBreaker | undefined,
  ): Promise<AttemptOutcome['kind']> {
    const body = deliveryBody(row);
    const sentAt = this.#now();
    const started = performance.now();
    const { httpStatus, error } =
      endpoint.kind === 'nats'
        ? await this.#publish(endpoint, row, body)
        : await this.#post(endpoint, row, body, sentAt);
    const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    const now = this.#now();
    const outcome = this.#outcome(row, error, now);
    if (error === null) breaker?.succeeded();
    else breaker?.failed(now);
    await this.#options.repository.recordAttempt(
      { outboxId: row.id, at: new Date(sentAt).toISOString(), httpStatus, latencyMs, error },
      outcome,
    );
    const report: AttemptReport = {
      endpoint: endpoint.name,
      action: row.action,
      outcome: outcome.kind,
      httpStatus,
      latencyMs,
    };
    for (const listener of this.#listeners) listener(report);
    await this.#options.audit?.record(auditEntry(row, outcome, httpStatus, latencyMs));
    return outcome.kind;
  }

  /** POSTs the signed body; any answer but a 2xx, and any failure to get one, is an error. */
  async #post(endpoint: WebhookEndpoint, row: OutboxAction, body: string, sentAt: number): Promise<SendResult> {
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': row.idempotencyKey,
          [signatureHeader]: signatureFor(endpoint.signing, body, sentAt / 1000),
          'user-agent': 'Prevail-Actions/1',
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(endpoint.timeoutMs),
      });
      await response.body?.cancel();
      const ok = response.status >= 200 && response.status <= 299;
      return { httpStatus: response.status, error: ok ? null : `HTTP ${response.status}` };
    } catch (failure) {
      return { httpStatus: null, error: describeFailure(failure) };
    }
  }

  /** Publishes on JetStream; delivered once the PubAck came (a duplicate PubAck too: the stream has it). */
  async #publish(endpoint: NatsEndpoint, row: OutboxAction, body: string): Promise<SendResult> {
    try {
      await this.#nats.publish(endpoint, row, body);
      return { httpStatus: null, error: null };
    } catch (failure) {
      return { httpStatus: null, error: describeNatsFailure(failure) };
    }
  }

  #outcome(row: OutboxAction, error: string | null, now: number): AttemptOutcome {
    const at = new Date(now).toISOString();
    if (error === null) return { kind: 'delivered', at };
    const next = nextAttemptMs(
      this.#retry,
      row.attempts + 1,
      Date.parse(row.committedAt),
      now,
      this.#options.random ?? Math.random,
    );
    return next === undefined
      ? { kind: 'dead', at, error }
      : { kind: 'retry', nextAttemptAt: new Date(next).toISOString(), error };
  }
}

/** What one send observed: the HTTP status (webhooks) and the error, null when it was delivered. */
interface SendResult {
  readonly httpStatus: number | null;
  readonly error: string | null;
}

function sum(rounds: readonly DispatchRound[]): DispatchRound {
  return {
    attempted: rounds.reduce((total, round) => total + round.attempted, 0),
    delivered: rounds.reduce((total, round) => total + round.delivered, 0),
    failed: rounds.reduce((total, round) => total + round.failed, 0),
  };
}

function auditEntry(
  row: OutboxAction,
  outcome: AttemptOutcome,
  httpStatus: number | null,
  latencyMs: number,
): AuditAction {
  const reason =
    outcome.kind === 'delivered'
      ? 'action delivered to its endpoint'
      : outcome.kind === 'dead'
        ? 'action delivery abandoned: retry bound reached'
        : 'action delivery failed; retry scheduled';
  return {
    actor: auditActor,
    action: `action.${outcome.kind}`,
    subject: `action:${row.id}`,
    reason,
    detail: {
      action: row.action,
      endpoint: row.endpoint,
      idempotencyKey: row.idempotencyKey,
      caseId: row.caseId,
      attempt: row.attempts + 1,
      httpStatus,
      latencyMs,
      ...(outcome.kind === 'delivered' ? {} : { error: outcome.error }),
    },
  };
}

/** A short, secret-free description of a failed request (timeouts and socket errors by name). */
function describeFailure(failure: unknown): string {
  if (failure instanceof Error) {
    if (failure.name === 'TimeoutError') return 'timeout';
    const cause = (failure as Error & { cause?: { code?: string } }).cause;
    if (cause?.code !== undefined) return `network: ${cause.code}`;
    return `network: ${failure.message.slice(0, 200)}`;
  }
  return 'network: unknown failure';
}

/** A short description of a failed publish (no server credentials: the URL is never included). */
function describeNatsFailure(failure: unknown): string {
  if (failure instanceof Error) {
    const code = (failure as Error & { code?: unknown }).code;
    const name = failure.name === 'Error' ? '' : `${failure.name}: `;
    return `nats: ${name}${typeof code === 'string' || typeof code === 'number' ? `${code} ` : ''}${failure.message.replace(/\w+:\/\/[^\s]*/g, '<server>').slice(0, 200)}`;
  }
  return 'nats: unknown failure';
}
