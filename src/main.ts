import type { KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type CybertipSettings, createServices, type Services, type StorageSettings } from './app/index.js';
import { type AuditHead, writeAuditCheckpoint } from './audit/index.js';
import type { DecodeOptions, FetchPolicy } from './content/index.js';
import { connectEventPublisher, type EventPublisher } from './event-bus/index.js';
import type { FetchSettings } from './exchange-sync/index.js';
import { HashPool, type HashPoolSettings } from './hasher/index.js';
import { buildHttpServer, type HttpConfig, type HttpDependencies, serverHostNames } from './http/index.js';
import { JobRunner, type JobRunnerOptions } from './jobs/index.js';
import { createLogger, type Logger, type LogLevel } from './logging/index.js';
import { type OidcSettings, OidcSignOn } from './people/index.js';
import type { StreamSettings } from './streams/index.js';

/** Everything `prevail serve` needs, validated by the CLI before it gets here. */
export interface ServerSettings {
  readonly storage: StorageSettings;
  readonly host: string;
  readonly port: number;
  /** `open` only when the operator asked for it explicitly; otherwise decided from `host`. */
  readonly hmaOpen: boolean;
  readonly maxUploadBytes: number;
  readonly fetchPolicy: FetchPolicy;
  readonly decode: DecodeOptions;
  /** The hashing worker pool: workers, queue bound, pixels decoded at once (defaults: this machine). */
  readonly hashing?: HashPoolSettings;
  /** Worker threads answering PDQ lookups from a shared index (`PREVAIL_PDQ_LOOKUP_THREADS`; 0 or absent: the main thread). */
  readonly pdqLookupThreads?: number;
  /**
   * Live-stream watching (`/v1/streams`): source policy, CPU budget, reconnects. Absent: watching
   * is on with the defaults (network streams on public hosts only, budget measured here).
   * `evidenceDirectory` turns evidence preservation of matched frames and matched uploads on.
   */
  /**
   * Signed audit checkpoints (`--audit-checkpoint-dir`): the audit log's head, signed with the
   * Ed25519 key from `PREVAIL_AUDIT_SIGNING_KEY`, written to `directory` at start, every
   * `intervalMs` when the log has grown, and on shutdown. Absent: none are written.
   */
  readonly auditCheckpoints?: {
    readonly directory: string;
    readonly intervalMs: number;
    readonly signingKey: KeyObject;
  };
  readonly streams?: StreamSettings & {
    readonly evidenceDirectory?: string;
    readonly evidenceKey?: string;
    readonly evidenceKeys?: string;
  };
  /** `PREVAIL_CONSOLE_SECRET` (64 hex characters); absent: kept in `<data dir>/console-secret`. */
  readonly consoleSecret?: string;
  /** More `Host` names than the loopback ones and `host` (`--allowed-hosts`; `*` = any). */
  readonly allowedHosts?: readonly string[];
  /** Origins of web apps whose pages may send writes (`--allowed-origins`). */
  readonly allowedOrigins?: readonly string[];
  /** Reverse proxies whose `X-Forwarded-For` is believed (`--trust-proxy`); absent: none. */
  readonly trustProxy?: readonly string[];
  /** Deepest JSON nesting of a request body (`--max-json-depth`; default 64). */
  readonly maxJsonDepth?: number;
  /** Lowest level logged (`--log-level`; default `info`). */
  readonly logLevel?: LogLevel;
  /** Console single sign-on (`PREVAIL_OIDC_*`); absent: password sign-in only. */
  readonly oidc?: OidcSettings;
  /**
   * Reporting to NCMEC's CyberTipline (`PREVAIL_CYBERTIP_*`; on when its credentials are set, and
   * then evidence preservation must be on) and how long reported material is preserved from
   * NCMEC's receipt (`PREVAIL_PRESERVATION_DAYS`, at least 365).
   */
  readonly reporting?: { readonly cybertip: CybertipSettings; readonly preservationDays?: number };
  /** The process's logger, when the caller made one; otherwise one is created at `logLevel`. */
  readonly logger?: Logger;
  /**
   * `--events nats://…`: multi-node mode. Ingested events are published to this NATS JetStream
   * server (acknowledged once the stream stored them) and processed by `prevail worker`s, not by
   * this process. Absent: this process logs and processes them itself. See docs/scaling.md.
   */
  readonly eventsUrl?: string;
  /**
   * `--partitions N` with `--events`: partition by entity (docs/scaling.md, "Partitioned
   * workers"). Every node of the deployment must use the same count; the shared store records it.
   */
  readonly eventPartitions?: number;
  /**
   * Exchanges: the key ring credentials are sealed with, the feed signing key
   * (`PREVAIL_EXCHANGE_FEED_KEY`), fetch pacing, and how often the `exchanges.fetch` job looks
   * for exchanges whose interval has passed (default 10 s).
   */
  readonly exchanges?: {
    readonly evidenceKey?: string | undefined;
    readonly evidenceKeys?: string | undefined;
    readonly feedKey?: string | undefined;
    readonly fetch?: FetchSettings;
    readonly tickMs?: number;
  };
}

/** How often the server looks for exchanges whose fetch interval has passed. */
const exchangeTickMs = 10_000;
/** How often queued exchange feedback is looked at. */
const exchangeFeedbackMs = 15_000;

/** How often the server looks for CyberTipline submissions whose retry is due. */
const cybertipRetryIntervalMs = 60_000;

/**
 * How often the server looks for due actions in the outbox (a round that finds none is one
 * indexed query per endpoint): for retries that fall due and lapsed leases. New actions do not
 * wait for it: the engine wakes the job when it commits them.
 */
const actionsPollMs = 100;

/** How often the server purges cases and evidence past their retention. */
const purgeIntervalMs = 3_600_000;
/**
 * How often timed-out queue claims are cleared (and audited). A claim counts as none from the
 * moment it expires; this only tidies and records it.
 */
const claimExpiryIntervalMs = 60_000;

/**
 * The server's periodic jobs: purging cases (closed, retention ended, no legal hold), clearing
 * timed-out queue claims and, when evidence preservation is on, evidence past retention. Each run is caught, logged and retried.
 */
export function retentionJobs(services: Services, options: JobRunnerOptions = {}): JobRunner {
  const jobs = new JobRunner(options);
  jobs.add({
    name: 'cases.purge',
    everyMs: purgeIntervalMs,
    run: () => services.cases.purgeExpired('system:retention'),
  });
  jobs.add({
    name: 'sessions.purge',
    everyMs: purgeIntervalMs,
    run: () => services.people.purgeExpiredSessions(),
  });
  jobs.add({
    name: 'queues.expire-claims',
    everyMs: claimExpiryIntervalMs,
    run: () => services.queues.expireClaims(),
  });
  const evidence = services.evidence;
  if (evidence !== undefined)
    jobs.add({
      name: 'evidence.purge',
      everyMs: purgeIntervalMs,
      run: () => evidence.purgeExpired('system:retention'),
    });
  return jobs;
}

/**
 * What the HTTP server needs from the wired services, with a new hashing pool sized by
 * `config.hashing` (the server closes it).
 */
export function httpDependencies(services: Services, config: HttpConfig): HttpDependencies {
  return {
    hasher: new HashPool(config.hashing),
    banks: services.banks,
    matcher: services.matcher,
    apiKeys: services.storage.apiKeys,
    floodReports: services.floodReports,
    exchanges: services.exchanges,
    ...(services.exchangeFeed !== undefined ? { exchangeFeed: services.exchangeFeed } : {}),
    audit: services.audit,
    cases: services.cases,
    queues: services.queues,
    engineStore: services.storage.engine,
    ...(services.engine !== undefined ? { engine: services.engine } : {}),
    ...(services.actions !== undefined ? { actions: services.actions } : {}),
    outbox: services.storage.outbox,
    ...(services.actionStreamEndpoints.length > 0
      ? { actionStream: { outbox: services.storage.outbox, endpoints: services.actionStreamEndpoints } }
      : {}),
    ...(services.streams !== undefined ? { streams: services.streams } : {}),
    ...(services.review !== undefined ? { review: services.review } : {}),
    people: services.people,
    pingDatabase: () => services.storage.ping(),
    ...(config.oidc !== undefined ? { oidc: new OidcSignOn(config.oidc) } : {}),
    ...(services.wellness !== undefined ? { wellness: services.wellness } : {}),
    ...(services.evidence !== undefined ? { evidence: services.evidence } : {}),
    config,
  };
}

/** True for hosts that only the local machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** A running server: its address, services, and how to stop it. */
export interface RunningServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly services: Services;
  close(): Promise<void>;
}

/**
 * The composition root: config → storage → services (banks, matcher with loaded indexes) →
 * HTTP. The HMA-compatible routes are open without a key only when the server listens on
 * loopback or the operator configured it explicitly (`--hma-open`).
 */
export async function startServer(
  settings: ServerSettings,
  onIndexProgress?: (signalType: string, loaded: number) => void,
): Promise<RunningServer> {
  const logger = settings.logger ?? createLogger({ level: settings.logLevel ?? 'info' });
  const publisher: EventPublisher | undefined =
    settings.eventsUrl === undefined
      ? undefined
      : await connectEventPublisher(settings.eventsUrl, {
          logger: logger.child({ module: 'event-bus' }),
          ...(settings.eventPartitions === undefined ? {} : { partitions: settings.eventPartitions }),
        });
  const services = await createServices(settings.storage, {
    withEngine: true,
    // Other processes' bank changes (cron fetches, imports, other API nodes) reach this matcher.
    followBankChanges: true,
    logger,
    ...(publisher === undefined
      ? {}
      : {
          engineBus: {
            publish: (events, options) => publisher.publish(events, options),
            watchCommits: (ids, onCommit) => publisher.watchCommits(ids, onCommit),
            verdictWaitMs: publisher.verdictWaitMs,
            reloadRulesElsewhere: () => publisher.reloadRulesElsewhere(),
          },
        }),
    ...(settings.pdqLookupThreads === undefined ? {} : { pdqLookupThreads: settings.pdqLookupThreads }),
    streams: settings.streams ?? {},
    wellness: {
      fetchPolicy: settings.fetchPolicy,
      maxPixels: settings.decode.maxPixels,
      ...(settings.consoleSecret !== undefined ? { secret: settings.consoleSecret } : {}),
    },
    ...(settings.reporting === undefined
      ? {}
      : { reporting: { ...settings.reporting, fetchPolicy: settings.fetchPolicy } }),
    ...(onIndexProgress ? { onIndexProgress } : {}),
    exchanges: {
      evidenceKey: settings.exchanges?.evidenceKey ?? settings.streams?.evidenceKey,
      evidenceKeys: settings.exchanges?.evidenceKeys ?? settings.streams?.evidenceKeys,
      feedKey: settings.exchanges?.feedKey,
      ...(settings.exchanges?.fetch === undefined ? {} : { fetch: settings.exchanges.fetch }),
    },
  }).catch(async (error: unknown) => {
    await publisher?.close();
    throw error;
  });
  if (publisher !== undefined) {
    // Another API node's POST /v1/rules/reload reloads this node's rules too.
    publisher.answerRulesReloads(services.engine?.rules);
    // Every node of one deployment publishes with the same partition count (or none).
    await services.storage.engine.partitionLeases
      ?.configure(settings.eventPartitions ?? null)
      .catch(async (error: unknown) => {
        await services.close();
        await publisher.close();
        throw error;
      });
  }
  const config: HttpConfig = {
    hmaAccess: settings.hmaOpen || isLoopbackHost(settings.host) ? 'open' : 'key',
    maxUploadBytes: settings.maxUploadBytes,
    fetchPolicy: settings.fetchPolicy,
    decode: settings.decode,
    ...(settings.hashing !== undefined ? { hashing: settings.hashing } : {}),
    allowedHosts: serverHostNames(settings.host, settings.allowedHosts ?? []),
    allowedOrigins: settings.allowedOrigins ?? [],
    ...(settings.trustProxy === undefined ? {} : { trustProxy: settings.trustProxy }),
    ...(settings.maxJsonDepth !== undefined ? { maxJsonDepth: settings.maxJsonDepth } : {}),
    ...(settings.oidc !== undefined ? { oidc: settings.oidc } : {}),
    logger,
  };
  const checkpoints = settings.auditCheckpoints;
  let checkpointed: AuditHead | undefined;
  if (checkpoints !== undefined) {
    // The first checkpoint is written before the server listens: a directory or key that does
    // not work stops the start instead of failing quietly every few minutes.
    const first = await writeAuditCheckpoint(services.audit, checkpoints).catch(async (error: unknown) => {
      await services.close();
      throw error;
    });
    checkpointed = first === undefined ? undefined : { seq: first.checkpoint.seq, hash: first.checkpoint.hash };
  }
  const app = await buildHttpServer(httpDependencies(services, config));
  const address = await app.listen({ host: settings.host, port: settings.port });
  const jobs = retentionJobs(services, { logger });
  if (checkpoints !== undefined) {
    jobs.add({
      name: 'audit.checkpoint',
      everyMs: checkpoints.intervalMs,
      run: async () => {
        const written = await writeAuditCheckpoint(services.audit, checkpoints, checkpointed);
        if (written !== undefined) checkpointed = { seq: written.checkpoint.seq, hash: written.checkpoint.hash };
        return checkpointed;
      },
    });
  }
  const actions = services.actions;
  if (actions !== undefined) {
    jobs.add({ name: 'actions.dispatch', everyMs: actionsPollMs, run: () => actions.drain() });
    // An action is sent as soon as its commit is done; the poll is for retries and leases.
    services.engine?.engine.onActionsCommitted(() => jobs.wake('actions.dispatch'));
  }
  const reporting = services.reporting;
  if (reporting !== undefined)
    jobs.add({ name: 'cybertip.retry', everyMs: cybertipRetryIntervalMs, run: () => reporting.submitter.retryDue() });
  // Exchange fetches: each due exchange in turn, time-boxed, under its database lease; shutdown
  // aborts a fetch in flight (what it fetched is committed, the rest comes next start).
  const stopFetching = new AbortController();
  jobs.add({
    name: 'exchanges.fetch',
    everyMs: settings.exchanges?.tickMs ?? exchangeTickMs,
    retries: 0,
    run: () => services.exchanges.fetchDue({ signal: stopFetching.signal }),
  });
  // Feedback to exchanges: read from committed decisions (and reviewers' explicit requests), sent
  // with bounded retries, audited.
  jobs.add({
    name: 'exchanges.feedback',
    everyMs: exchangeFeedbackMs,
    retries: 0,
    run: () => services.exchanges.feedbackTick({ signal: stopFetching.signal }),
  });
  jobs.start();
  if (reporting !== undefined) {
    // Submissions an earlier run left unfinished (a crash between /submit and /finish) go on
    // now: with the embedded store this process is the only submitter, so it takes their leases
    // over at once; on PostgreSQL, where several servers may share the store, it waits for the
    // leases to run out (the retry job picks them up then).
    const takeOverLeases = settings.storage.databaseUrl === undefined;
    void reporting.submitter.resumePending({ takeOverLeases }).catch((error: unknown) => {
      logger.error({ err: error }, 'resuming unfinished CyberTipline submissions failed; the retry job tries again');
    });
  }
  return {
    url: address,
    app,
    services,
    close: async () => {
      stopFetching.abort();
      await jobs.stop();
      await app.close();
      // After the last request, so the final checkpoint covers every entry this run wrote.
      if (checkpoints !== undefined) await jobs.runNow('audit.checkpoint');
      await services.close();
      await publisher?.close();
    },
  };
}
