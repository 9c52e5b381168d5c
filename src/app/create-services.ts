import {
  type ActionPolicy,
  caseActions,
  createActionPlanner,
  loadActionPolicy,
  OutboxDispatcher,
} from '../actions/index.js';
import { AuditLog } from '../audit/index.js';
import { BankService } from '../banks/index.js';
import { type CaseRepository, CaseService } from '../cases/index.js';
import type { FetchPolicy } from '../content/index.js';
import { EngineError } from '../core/index.js';
import { type EngineBus, EngineService, type OpenedEngine, openEngine } from '../engine/index.js';
import { type EvidenceKeyRing, EvidenceVault, evidenceKeyRingFromEnvironment } from '../evidence/index.js';
import { ExchangeFeedPublisher, ExchangeService, type FetchSettings } from '../exchange-sync/index.js';
import { parseFeedSigningKey } from '../exchanges/index.js';
import { PdqLookupPool, SharedGroupedPdqIndex, SharedPdqIndex, type SignalIndex } from '../indexes/index.js';
import type { Logger } from '../logging/index.js';
import { BankFollower, FloodGuard, type FloodPolicy, type FloodReport, Matcher } from '../matching/index.js';
import { PeopleService, type Person } from '../people/index.js';
import { loadQueuePolicy, type QueuePolicy, QueueService } from '../queues/index.js';
import {
  loadDecisionPolicy,
  loadReportFiler,
  loadRevealPolicy,
  type MediaLister,
  ReviewService,
} from '../review/index.js';
import { signalTypes } from '../signals/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import { engineMatchSink, StreamManager, type StreamSettings } from '../streams/index.js';
import { WellnessService } from '../wellness/index.js';
import { loadConsoleSecret } from './console-secret.js';
import { type CybertipReporting, type CybertipSettings, createCybertipReporting } from './cybertip-reporting.js';
import { builtinExchangeKinds } from './exchange-kinds.js';
import { builtinPacks } from './rule-packs.js';
import { timelineMatches } from './timeline-matches.js';

/** Where the data lives: SQLite under `dataDir` by default, PostgreSQL when `databaseUrl` is set. */
export interface StorageSettings {
  readonly dataDir: string;
  readonly databaseUrl?: string;
  /** PostgreSQL schema (tests use a fresh one per run). */
  readonly schema?: string;
  /** The signals engine's policy directory (features, typologies, labels, rules); none = empty policy. */
  readonly policyDir?: string;
  /** `PREVAIL_ACTION_SECRET_*` values by name (`Settings.actionSecrets`), for `actions.yaml`'s endpoints. */
  readonly actionSecrets?: Readonly<Record<string, string>>;
  /** `PREVAIL_ACTIONS_NATS_URL` (`Settings.actionsNatsUrl`): the NATS server of `kind: nats` endpoints. */
  readonly actionsNatsUrl?: string;
}

/** The wired services of one Prevail process. */
export interface Services {
  readonly storage: Storage;
  readonly banks: BankService;
  /** The matcher; its indexes are empty (and it is not kept in step) when `loadIndexes` was false. */
  readonly matcher: Matcher;
  /** Keeps the matcher in step with other processes' bank changes (when `followBankChanges` was set). */
  readonly bankFollower?: BankFollower;
  /** The signals engine and its policy (absent when `withEngine` was false). */
  readonly engine: OpenedEngine | undefined;
  /**
   * Delivers the action outbox (`<policy>/actions.yaml`); present with the engine when the policy
   * declares an endpoint. The server runs it as the `actions.dispatch` job.
   */
  readonly actions?: OutboxDispatcher;
  /** The `kind: sse` endpoints of `actions.yaml` (read on `GET /v1/actions/stream`); empty when none. */
  readonly actionStreamEndpoints: readonly string[];
  readonly audit: AuditLog;
  /** Cases: audited reads, lifecycle changes, retention (tells the engine of every change). */
  readonly cases: CaseService;
  /**
   * The review console's domain (case view, decisions, dashboards, audit reader); absent when the
   * engine is. Its decision policy and report settings come from the policy directory
   * (`console.yaml`, `reports.yaml`).
   */
  readonly review?: ReviewService;
  /** People of the console: accounts, roles, the child-safety opt-in, sign-in and sessions (audited). */
  readonly people: PeopleService;
  /** Review queues over the cases (`<policy>/queues.yaml`, else the built-in queues). */
  readonly queues: QueueService;
  /** Live-stream watchers (absent unless `streams` settings were given); stopped first on close. */
  readonly streams?: StreamManager;
  /** The evidence vault, when evidence preservation is on. */
  readonly evidence?: EvidenceVault;
  /** Reviewer wellness: media renditions and reveals, preferences, exposure (when `wellness` settings were given). */
  readonly wellness?: WellnessService;
  /** Reports to NCMEC's CyberTipline: the submitter and the ledger (when credentials were given). */
  readonly reporting?: CybertipReporting;
  /** Exchanges: upstream hash lists kept in their banks (the server fetches them as the `exchanges.fetch` job). */
  readonly exchanges: ExchangeService;
  /** This server's signed exchange feeds (when `PREVAIL_EXCHANGE_FEED_KEY` is set). */
  readonly exchangeFeed?: ExchangeFeedPublisher;
  /** Recent flood-protection quarantines, newest first (at most 1,000 kept). */
  readonly floodReports: () => readonly FloodReport[];
  close(): Promise<void>;
}

const keptFloodReports = 1000;

/**
 * How often a following matcher polls the change log for other processes' commits: SQLite has no
 * notices, so the poll is the wake-up (a primary-key read); PostgreSQL's notices wake it at once
 * and the poll only catches up on lost ones.
 */
const followPollMs = { sqlite: 250, postgres: 1_000 } as const;

/**
 * The composition root's core: opens storage, builds the bank service and the matcher, wires the
 * matcher to follow bank changes and flood protection to quarantine items, and loads the indexes.
 */
export async function createServices(
  settings: StorageSettings,
  options: {
    floodPolicy?: FloodPolicy;
    onIndexProgress?: (signalType: string, loaded: number) => void;
    /** Load the match indexes (false for commands that only read or change banks). */
    loadIndexes?: boolean;
    /**
     * Keep the loaded indexes in step with bank changes other processes commit to the same store
     * (`BankFollower`; the server does, one-shot commands need not). `pollMs` overrides the poll
     * (250 ms on SQLite, 1 s on PostgreSQL, which is woken by NOTIFY).
     */
    followBankChanges?: boolean | { readonly pollMs?: number };
    /** Where the services report problems (the composition root's logger; absent: nowhere). */
    logger?: Logger;
    /** Open the signals engine (loads its policy and catches up on the event log). */
    withEngine?: boolean;
    /**
     * Open the engine in multi-node mode (`EngineBus`): it reads no log on its own; with
     * `publish` (an API node) ingestion goes to the bus. See docs/scaling.md.
     */
    engineBus?: EngineBus;
    /**
     * Answer uploads' and stream frames' PDQ lookups from this many worker threads sharing one
     * `SharedPdqIndex`, and the frames of the video indexes (`vpdq`, `vpdq_dense`: a
     * `SharedGroupedPdqIndex` each) (`PdqLookupPool`; bench `index-threads`). 0 or absent: the
     * indexes on the main thread.
     */
    pdqLookupThreads?: number;
    /** How long a closed case is kept after closing (default one year; see `src/cases/`). */
    caseRetentionMs?: number;
    /** How long a queue claim lasts unless renewed (default 15 minutes; see `src/queues/`). */
    claimTimeoutMs?: number;
    /** Watch live streams with these settings (matches go to the engine when it is open). */
    streams?: StreamSettings & {
      /**
       * Turn evidence preservation on (matched stream frames, matched uploads), in this directory,
       * with the key ring of `PREVAIL_EVIDENCE_KEYS` / `PREVAIL_EVIDENCE_KEY` (see `src/evidence/`).
       * Absent: no media is ever stored.
       */
      readonly evidenceDirectory?: string;
      /** The `PREVAIL_EVIDENCE_KEY` setting (64 hex characters, key id `default`). */
      readonly evidenceKey?: string;
      /** The `PREVAIL_EVIDENCE_KEYS` setting (the key ring, first current); this or `evidenceKey` with `evidenceDirectory`. */
      readonly evidenceKeys?: string;
    };
    /**
     * Build the review console's wellness service: media of cases fetched under `fetchPolicy` (the
     * server's URL policy), decoded within `maxPixels`, item ids keyed with `secret`
     * (`PREVAIL_CONSOLE_SECRET`; absent: kept in `<dataDir>/console-secret`).
     */
    wellness?: {
      readonly fetchPolicy: FetchPolicy;
      readonly maxPixels?: number;
      readonly secret?: string;
    };
    /**
     * Report to NCMEC's CyberTipline (`PREVAIL_CYBERTIP_*`): wired only when the credentials are
     * set, and then it needs the engine and the evidence vault (what was reported is preserved
     * for `preservationDays`, at least a year, from NCMEC's receipt). Files named by URL are
     * fetched under `fetchPolicy`.
     */
    exchanges?: {
      /** `PREVAIL_EVIDENCE_KEY` / `PREVAIL_EVIDENCE_KEYS`: the key ring exchange credentials are sealed with. */
      readonly evidenceKey?: string | undefined;
      readonly evidenceKeys?: string | undefined;
      /** `PREVAIL_EXCHANGE_FEED_KEY`: sign and serve this server's exchange feeds. */
      readonly feedKey?: string | undefined;
      /** How fetches are paced (HMA's values by default). */
      readonly fetch?: FetchSettings;
    };
    reporting?: {
      readonly cybertip: CybertipSettings;
      readonly preservationDays?: number;
      readonly fetchPolicy: FetchPolicy;
    };
  } = {},
): Promise<Services> {
  // Keys are checked before anything is opened: a bad one stops the start with nothing to undo.
  const exchangeKeyRing = exchangeKeys(options.exchanges);
  const feedKey = options.exchanges?.feedKey;
  const feedSigningKey = feedKey === undefined || feedKey === '' ? undefined : parseFeedSigningKey(feedKey);
  const storage = await openStorage({
    dataDir: settings.dataDir,
    ...(settings.databaseUrl !== undefined ? { databaseUrl: settings.databaseUrl } : {}),
    ...(settings.schema !== undefined ? { schema: settings.schema } : {}),
  });
  const banks = new BankService(storage.banks);
  const reports: FloodReport[] = [];
  const lookupThreads = options.pdqLookupThreads ?? 0;
  const sharedPdq = lookupThreads > 0 ? new SharedPdqIndex() : undefined;
  // The frames of each video signal whose index can keep them shared, for the same threads.
  const sharedFrames = new Map<string, SharedGroupedPdqIndex>();
  if (lookupThreads > 0) {
    for (const type of signalTypes)
      if (type.createSharedFrameIndex) sharedFrames.set(type.name, new SharedGroupedPdqIndex());
  }
  const pdqPool =
    sharedPdq === undefined
      ? undefined
      : new PdqLookupPool(sharedPdq, { workers: lookupThreads, grouped: Object.fromEntries(sharedFrames) });
  const indexOf = (type: (typeof signalTypes)[number]): SignalIndex => {
    if (type.name === 'pdq' && sharedPdq) return sharedPdq;
    const frames = sharedFrames.get(type.name);
    return frames !== undefined && type.createSharedFrameIndex
      ? type.createSharedFrameIndex(frames)
      : type.createIndex();
  };
  const matcher = new Matcher({
    repository: storage.banks,
    // One index per registered signal type, each its descriptor's own (PDQ's, and the video
    // indexes' frames, shared with the pool, if any).
    indexFactories: Object.fromEntries(signalTypes.map((type) => [type.name, () => indexOf(type)])),
    ...(pdqPool === undefined ? {} : { pdqLookups: pdqPool }),
    floodGuard: new FloodGuard(options.floodPolicy),
    onFlood: async (report) => {
      await banks.setQuarantine(report.contentId, report.quarantinedAt);
      reports.unshift(report);
      reports.length = Math.min(reports.length, keptFloodReports);
    },
  });
  let engine: OpenedEngine | undefined;
  let actionPolicy: ActionPolicy | undefined;
  let queuePolicy: QueuePolicy;
  let bankFollower: BankFollower | undefined;
  try {
    queuePolicy = await loadQueuePolicy(settings.policyDir);
    if (options.loadIndexes !== false && options.followBankChanges) {
      // Every change, this process's and others', reaches the matcher through the change log, in
      // commit order; a write here waits for the catch-up, so it matches when the write returns.
      // The start is taken before loading: what commits during the load is applied again
      // (harmlessly), never missed.
      const fromSeq = await storage.bankChanges.latest();
      await matcher.load(options.onIndexProgress);
      const follower = followBanks(storage, matcher, fromSeq, options.followBankChanges, options.logger);
      bankFollower = follower;
      banks.afterCommit(() => follower.catchUp().catch((error: unknown) => follower.reportError(error)));
      await follower.start();
    } else if (options.loadIndexes !== false) {
      banks.subscribe(matcher);
      await matcher.load(options.onIndexProgress);
    }
    if (options.withEngine === true) {
      if (settings.policyDir !== undefined)
        actionPolicy = await loadActionPolicy(
          settings.policyDir,
          settings.actionSecrets ?? {},
          settings.actionsNatsUrl === undefined ? {} : { natsServers: settings.actionsNatsUrl },
        );
      engine = await openEngine(storage.engine, settings.policyDir, {
        packRegistry: builtinPacks,
        ...(actionPolicy === undefined ? {} : { actions: createActionPlanner(actionPolicy) }),
        ...(options.logger !== undefined ? { logger: options.logger.child({ module: 'engine' }) } : {}),
        ...(options.engineBus === undefined ? {} : { bus: options.engineBus }),
      });
    }
  } catch (error) {
    await bankFollower?.stop();
    await storage.close();
    throw error;
  }
  const exchanges = new ExchangeService({
    repository: storage.exchanges,
    banks,
    kinds: builtinExchangeKinds(),
    keyRing: exchangeKeyRing,
    ...(options.exchanges?.fetch === undefined ? {} : { fetch: options.exchanges.fetch }),
    ...(options.logger !== undefined ? { logger: options.logger.child({ module: 'exchanges' }) } : {}),
    audit: (entry) => audit.record(entry),
    // A case's bank matches, from its timeline, for feedback upstream (decisions and reviewers).
    caseMatches: async (caseId) =>
      (await storage.engine.cases.get(caseId)) === undefined
        ? undefined
        : timelineMatches(await storage.engine.cases.timeline(caseId)),
  });
  const exchangeFeed =
    feedSigningKey === undefined
      ? undefined
      : new ExchangeFeedPublisher({ repository: storage.exchanges, banks, signingKey: feedSigningKey });
  const audit = new AuditLog(storage.engine.audit);
  const actions =
    actionPolicy === undefined || [...actionPolicy.endpoints.values()].every((endpoint) => endpoint.kind === 'sse')
      ? undefined
      : new OutboxDispatcher({ repository: storage.outbox, endpoints: actionPolicy.endpoints, audit });
  const cases = new CaseService({
    store: storage.engine,
    audit,
    ...(options.caseRetentionMs !== undefined ? { retentionMs: options.caseRetentionMs } : {}),
  });
  if (engine !== undefined) cases.subscribe(engine.engine);
  const people = new PeopleService({ repository: storage.people, audit });
  const queues = new QueueService({
    repository: storage.queues,
    audit,
    policy: queuePolicy,
    ...(options.claimTimeoutMs !== undefined ? { claimTimeoutMs: options.claimTimeoutMs } : {}),
  });
  const caseAccess = (person: Person, caseId: number) => queues.mayAccessCase(person, caseId);
  let streams: StreamManager | undefined;
  let evidence: EvidenceVault | undefined;
  if (options.streams !== undefined) {
    const { evidenceDirectory, evidenceKey, evidenceKeys, ...streamSettings } = options.streams;
    evidence =
      evidenceDirectory === undefined
        ? undefined
        : new EvidenceVault({
            directory: evidenceDirectory,
            keyRing: evidenceKeyRingFromEnvironment({
              PREVAIL_EVIDENCE_KEY: evidenceKey,
              PREVAIL_EVIDENCE_KEYS: evidenceKeys,
            }),
            audit: (action) => audit.record(action),
          });
    streams = new StreamManager({
      ...streamSettings,
      matcher,
      ...(engine !== undefined ? { sink: engineMatchSink(engine) } : {}),
      ...(evidence !== undefined ? { evidence } : {}),
      ...(options.logger !== undefined ? { logger: options.logger.child({ module: 'streams' }) } : {}),
    });
  }
  let wellness: WellnessService | undefined;
  if (options.wellness !== undefined) {
    try {
      const secret = await loadConsoleSecret(settings.dataDir, options.wellness.secret);
      const store = storage.engine.cases;
      wellness = new WellnessService({
        repository: storage.wellness,
        audit,
        secret,
        timelineOf: async (id) => ((await store.get(id)) === undefined ? undefined : store.timeline(id)),
        fetchPolicy: options.wellness.fetchPolicy,
        ...(evidence !== undefined ? { evidence } : {}),
        categoryOf: async (_bank, contentId) => (await banks.getContent(contentId)).category,
        decode: { maxPixels: options.wellness.maxPixels ?? 50_000_000 },
      });
    } catch (error) {
      await streams?.close();
      if (engine !== undefined) await engine.engine.close();
      await storage.close();
      throw error;
    }
  }
  wellness?.connect({ rotationQueues: () => queues.rotationQueues(), mayAccessCase: caseAccess });
  let reporting: CybertipReporting | undefined;
  let review: ReviewService | undefined;
  if (engine !== undefined) {
    try {
      reporting = cybertipReporting(options, { storage, audit, cases, evidence });
      const [decisionPolicy, reportFiler, revealPolicy] = await Promise.all([
        loadDecisionPolicy(settings.policyDir),
        loadReportFiler(settings.policyDir),
        loadRevealPolicy(settings.policyDir),
      ]);
      review = new ReviewService({
        cases,
        engine: new EngineService(engine, storage.engine, audit),
        repository: storage.review,
        audit,
        decisionPolicy,
        revealPolicy,
        // A chat message's text, read unaudited for a reveal (the reveal writes its own entry).
        messages: {
          timeline: (id) => storage.engine.cases.timeline(id),
          events: (ids) => storage.engine.events.readByIds(ids),
        },
        ...(wellness === undefined ? {} : { exposure: (person) => wellness.exposure(person) }),
        ...(reportFiler === undefined ? {} : { reportFiler }),
        ...(actionPolicy === undefined ? {} : { actions: createActionPlanner(actionPolicy) }),
        caseActions: (caseId) => caseActions(storage.outbox, caseId),
        matchFeedback: {
          statusOf: (caseId) => exchanges.caseFeedback(caseId),
          give: (input, reason) => exchanges.giveCaseFeedback(input, reason),
        },
        queues: {
          caseAccess,
          placement: async (caseId) => {
            const { queue, item } = await queues.placement(caseId);
            return {
              queue: queue.name,
              claim:
                item.claimedBy === null || item.claimExpiresAt === null
                  ? null
                  : { by: item.claimedBy, expiresAt: item.claimExpiresAt },
              imminent: item.imminent,
            };
          },
        },
        ...(wellness === undefined ? {} : { media: caseMedia(wellness, storage.engine.cases) }),
        ...(reporting === undefined ? {} : { submissions: reporting.review }),
      });
    } catch (error) {
      await streams?.close();
      await engine.engine.close();
      await storage.close();
      throw error;
    }
  }
  return {
    storage,
    banks,
    ...(wellness !== undefined ? { wellness } : {}),
    matcher,
    ...(bankFollower !== undefined ? { bankFollower } : {}),
    engine,
    ...(actions !== undefined ? { actions } : {}),
    actionStreamEndpoints: [...(actionPolicy?.endpoints.values() ?? [])]
      .filter((endpoint) => endpoint.kind === 'sse')
      .map((endpoint) => endpoint.name),
    ...(streams !== undefined ? { streams } : {}),
    ...(evidence !== undefined ? { evidence } : {}),
    audit,
    cases,
    ...(review !== undefined ? { review } : {}),
    ...(reporting !== undefined ? { reporting } : {}),
    people,
    queues,
    exchanges,
    ...(exchangeFeed !== undefined ? { exchangeFeed } : {}),
    floodReports: () => reports,
    close: async () => {
      await bankFollower?.stop();
      await streams?.close();
      await actions?.close();
      await pdqPool?.close();
      sharedPdq?.close();
      for (const frames of sharedFrames.values()) frames.close();
      if (engine !== undefined) await engine.engine.close();
      await storage.close();
    },
  };
}

/** The follower of the store's bank change log that keeps `matcher` in step with other processes. */
function followBanks(
  storage: Storage,
  matcher: Matcher,
  fromSeq: number,
  setting: true | { readonly pollMs?: number },
  logger: Logger | undefined,
): BankFollower {
  const log = logger?.child({ module: 'bank-follower' });
  return new BankFollower({
    feed: storage.bankChanges,
    repository: storage.banks,
    listener: matcher,
    fromSeq,
    pollMs: (setting === true ? undefined : setting.pollMs) ?? followPollMs[storage.dialect],
    onError: (error) => log?.warn({ err: error }, 'following bank changes failed; retrying at the next poll'),
    onApplied: (change) => log?.debug(change, 'bank change applied'),
  });
}

/** The key ring exchange credentials are sealed with, when one is set (absent: none can be stored). */
function exchangeKeys(
  settings: { evidenceKey?: string | undefined; evidenceKeys?: string | undefined } | undefined,
): EvidenceKeyRing | undefined {
  if ((settings?.evidenceKey ?? '') === '' && (settings?.evidenceKeys ?? '') === '') return undefined;
  return evidenceKeyRingFromEnvironment({
    PREVAIL_EVIDENCE_KEY: settings?.evidenceKey,
    PREVAIL_EVIDENCE_KEYS: settings?.evidenceKeys,
  });
}

/**
 * The review service's media seam over the wellness service: a case's media items, read off its
 * whole timeline (references only; nothing is fetched until a rendition is asked for).
 */
function caseMedia(wellness: WellnessService, store: CaseRepository): MediaLister {
  return {
    list: async (found) => wellness.listMedia(found.id, await store.timeline(found.id), { typology: found.typology }),
    forReport: async (found) => wellness.mediaForReport(found.id, await store.timeline(found.id)),
  };
}

/**
 * The CyberTipline submitter when its credentials are set (absent otherwise).
 *
 * @throws EngineError `CONFIG_INVALID` when they are set but evidence preservation is off: a
 *   report whose material cannot be preserved for the year the law asks is never sent.
 */
function cybertipReporting(
  options: Parameters<typeof createServices>[1],
  deps: { storage: Storage; audit: AuditLog; cases: CaseService; evidence: EvidenceVault | undefined },
): CybertipReporting | undefined {
  const reporting = options?.reporting;
  if (reporting === undefined || reporting.cybertip.username === undefined) return undefined;
  if (deps.evidence === undefined)
    throw new EngineError(
      'CONFIG_INVALID',
      'reporting to the CyberTipline needs evidence preservation (--stream-evidence-dir and PREVAIL_EVIDENCE_KEYS): what is reported must be preserved for a year',
    );
  return createCybertipReporting({
    settings: reporting.cybertip,
    storage: deps.storage,
    audit: deps.audit,
    cases: deps.cases,
    evidence: deps.evidence,
    fetchPolicy: reporting.fetchPolicy,
    ...(reporting.preservationDays === undefined ? {} : { preservationDays: reporting.preservationDays }),
    ...(options?.logger === undefined ? {} : { logger: options.logger.child({ module: 'cybertip' }) }),
  });
}
