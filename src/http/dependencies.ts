import type { OutboxDispatcher, OutboxRepository } from '../actions/index.js';
import type { AuditLog } from '../audit/index.js';
import type { ApiKeyRepository } from '../auth/index.js';
import type { BankService } from '../banks/index.js';
import type { CaseService } from '../cases/index.js';
import type { DecodeOptions, FetchPolicy } from '../content/index.js';
import type { EngineStore, OpenedEngine } from '../engine/index.js';
import type { EvidenceVault } from '../evidence/index.js';
import type { ExchangeFeedPublisher, ExchangeService } from '../exchange-sync/index.js';
import type { HashPoolSettings, MediaHasher } from '../hasher/index.js';
import type { Logger } from '../logging/index.js';
import type { FloodReport, Matcher } from '../matching/index.js';
import type { OidcSettings, OidcSignOn, PeopleService } from '../people/index.js';
import type { QueueService } from '../queues/index.js';
import type { ReviewService } from '../review/index.js';
import type { StreamManager } from '../streams/index.js';
import type { WellnessService } from '../wellness/index.js';
import type { ActionStreamLimits } from './action-stream.js';

/** Settings of the HTTP server, validated once at start-up. */
export interface HttpConfig {
  /**
   * Whether the HMA-compatible routes (`/h`, `/m`, `/c`) accept requests without an API key:
   * `open` (the default only when the server listens on loopback, or when the operator says so
   * explicitly) or `key` (a Bearer key with the right scope, as `/v1` always needs).
   */
  readonly hmaAccess: 'open' | 'key';
  /** Largest upload or request body, in bytes. */
  readonly maxUploadBytes: number;
  /** Limits for hashing media by URL (`/h/hash?url=`, `/v1/hash`). */
  readonly fetchPolicy: FetchPolicy;
  /** Pixel limit and orientation for decoding uploads. */
  readonly decode: DecodeOptions;
  /** Size and bounds of the hashing worker pool (defaults sized to the machine). */
  readonly hashing?: HashPoolSettings;
  /**
   * Host names the `Host` header may carry (DNS-rebinding defence; `*` for any). Absent: the
   * loopback names only (`localhost`, `127.0.0.1`, `[::1]`); `prevail serve` adds its listen
   * address and `--allowed-hosts`.
   */
  readonly allowedHosts?: readonly string[];
  /** Origins besides the server's own whose browser pages may send writes (`--allowed-origins`). */
  readonly allowedOrigins?: readonly string[];
  /**
   * Reverse proxies (addresses, CIDR ranges) whose `X-Forwarded-For` is believed (`--trust-proxy`);
   * absent or empty: the header is ignored.
   */
  readonly trustProxy?: readonly string[];
  /** Deepest JSON nesting accepted in a request body (default `defaultMaxJsonDepth`, 64). */
  readonly maxJsonDepth?: number;
  /** Single sign-on for the console (`PREVAIL_OIDC_*`); absent: password sign-in only. */
  readonly oidc?: OidcSettings;
  /** Where requests and internal errors are logged; absent: nothing is logged. */
  readonly logger?: Logger;
}

/** What the routes need: the services built by the composition root (`main.ts`). */
export interface HttpDependencies {
  readonly banks: BankService;
  readonly matcher: Matcher;
  readonly apiKeys: ApiKeyRepository;
  readonly config: HttpConfig;
  /**
   * Where every upload and fetched URL is decoded and hashed (`HashPool`: worker threads, bounded,
   * refusing with `HASHER_BUSY` beyond its queue). The server closes it when it closes.
   */
  readonly hasher: MediaHasher;
  /** The most recent flood-protection quarantines, newest first (bounded). */
  readonly floodReports: () => readonly FloodReport[];
  /** Exchanges (HMA's `/c/exchange…` routes); absent: those routes answer as an HMA without exchanges. */
  readonly exchanges?: ExchangeService;
  /** This server's signed exchange feeds (`/v1/exchange-feed/<bank>`); absent: 404. */
  readonly exchangeFeed?: ExchangeFeedPublisher;
  /** The signals engine; its routes (`/v1/events`, `/v1/cases`, …) exist only when it is given. */
  readonly engine?: OpenedEngine;
  /** The action outbox's dispatcher, when the policy declares an endpoint (its metrics). */
  readonly actions?: OutboxDispatcher;
  /**
   * The outbox and the `kind: sse` endpoints of `actions.yaml`: `GET /v1/actions/stream` exists
   * only when given (`limits` for tests: poll, heartbeat, buffer). `outbox` alone gives
   * `GET /v1/cases/{id}/actions`.
   */
  readonly outbox?: OutboxRepository;
  readonly actionStream?: {
    readonly outbox: OutboxRepository;
    readonly endpoints: readonly string[];
    readonly limits?: Partial<ActionStreamLimits>;
  };
  readonly engineStore?: EngineStore;
  readonly audit?: AuditLog;
  /** Cases (audited reads and changes); the case and entity routes exist only when it is given. */
  readonly cases?: CaseService;
  /** The review console's case view, decisions, dashboards and audit reader (its console routes exist only when given). */
  readonly review?: ReviewService;
  /** Live-stream watchers; the `/v1/streams` routes exist only when it is given. */
  readonly streams?: StreamManager;
  /** People of the console and their sessions; without it no one can sign in to the console. */
  readonly people?: PeopleService;
  /** Single sign-on (built from `config.oidc`); the OIDC routes answer 404 without it. */
  readonly oidc?: OidcSignOn;
  /**
   * Review queues; the console's queue routes and the `prevail_queue_*` gauges exist only when
   * it is given.
   */
  readonly queues?: QueueService;
  /** Reviewer wellness (media renditions, reveals, preferences, exposure); the console's media and wellness routes need it. */
  readonly wellness?: WellnessService;
  /**
   * The evidence vault, when evidence preservation is on: an uploaded file that matches
   * (`/v1/match`, HMA `POST /m/lookup`) is kept in it and its event names it in `data.media`.
   */
  readonly evidence?: EvidenceVault;
  /**
   * One trivial query on the store (`Storage.ping`), for `/status/ready`; absent: the readiness
   * probe does not look at the database.
   */
  readonly pingDatabase?: () => Promise<void>;
}
