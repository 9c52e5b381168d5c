import { Command, Option } from 'commander';
import { auditSigningKeyVariable, parseAuditSigningKey } from '../../audit/index.js';
import { defaultMaxPixels } from '../../content/index.js';
import { EngineError } from '../../core/index.js';
import { defaultHashPoolSettings } from '../../hasher/index.js';
import { logLevels } from '../../logging/index.js';
import { type RunningServer, type ServerSettings, startServer } from '../../main.js';
import { type ExtraFrameView, parseExtraFrameViews } from '../../streams/index.js';
import { cliLogger, cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import {
  addressList,
  commaList,
  extraViewsOption,
  natsUrlList,
  nonNegativeInteger,
  positiveInteger,
  withUrlOptions,
} from '../options.js';
import { guardProcess } from '../process-guard.js';
import { reloadRulesOnHangup } from '../rules-reload-signal.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

interface ServeOptions extends StorageCliOptions {
  port: number;
  host: string;
  hmaOpen: boolean;
  maxUploadBytes: number;
  maxPixels: number;
  hashWorkers?: number;
  hashQueue?: number;
  hashPixelBudget?: number;
  urlTimeout: number;
  allowHost: string[];
  allowPrivate: boolean;
  streamAllowHost?: string[];
  streamAllowPrivate?: boolean;
  streamAllowFiles?: boolean;
  streamFrameBudget?: number;
  streamHashWorkers?: number;
  streamExtraViews?: ExtraFrameView[];
  streamOverload?: 'refuse' | 'degrade';
  streamEvidenceDir?: string;
  auditCheckpointDir?: string;
  auditCheckpointMinutes?: number;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  trustProxy?: string[];
  maxJsonDepth?: number;
  logLevel?: (typeof logLevels)[number];
  /** `serve --events` only (multi-node mode). */
  events?: string;
  /** `serve --events --partitions N` (partitioned multi-node mode). */
  partitions?: number;
}

/**
 * The checkpoint settings: none without `--audit-checkpoint-dir`; with it, the signing key must
 * be in `PREVAIL_AUDIT_SIGNING_KEY` (refused at start, never discovered at the first write).
 */
function auditCheckpointSettings(options: ServeOptions): ServerSettings['auditCheckpoints'] {
  const directory = options.auditCheckpointDir;
  if (directory === undefined || directory === '') return undefined;
  const configured = cliSettings().auditSigningKey;
  const signingKey = configured === undefined ? undefined : parseAuditSigningKey(configured);
  if (signingKey === undefined) {
    throw new EngineError(
      'CONFIG_INVALID',
      `--audit-checkpoint-dir needs the Ed25519 signing key in ${auditSigningKeyVariable} (make one with "prevail audit keygen")`,
    );
  }
  return { directory, intervalMs: (options.auditCheckpointMinutes ?? 15) * 60_000, signingKey };
}

/**
 * The extra views every watched stream hashes: `--stream-extra-views`, else
 * `PREVAIL_STREAM_EXTRA_VIEWS` (its names checked here, before the server starts), else none.
 *
 * @throws EngineError `CONFIG_INVALID` for a variable that names an unknown view.
 */
function streamExtraViews(options: ServeOptions): readonly ExtraFrameView[] | undefined {
  if (options.streamExtraViews !== undefined) return options.streamExtraViews;
  const configured = cliSettings().streamExtraViews;
  return configured === undefined ? undefined : parseExtraFrameViews(configured, 'PREVAIL_STREAM_EXTRA_VIEWS');
}

/** Builds the server settings from `serve`/`demo` options. */
export function serverSettings(options: ServeOptions): ServerSettings {
  const auditCheckpoints = auditCheckpointSettings(options);
  const extraViews = streamExtraViews(options);
  return {
    ...(auditCheckpoints === undefined ? {} : { auditCheckpoints }),
    ...(options.events === undefined ? {} : { eventsUrl: options.events }),
    ...(options.partitions === undefined ? {} : { eventPartitions: options.partitions }),
    storage: storageSettings(options),
    ...(cliSettings().consoleSecret === undefined ? {} : { consoleSecret: cliSettings().consoleSecret }),
    host: options.host,
    port: options.port,
    hmaOpen: options.hmaOpen,
    maxUploadBytes: options.maxUploadBytes,
    fetchPolicy: {
      maxBytes: options.maxUploadBytes,
      timeoutMs: options.urlTimeout,
      allowedHosts: options.allowHost,
      allowPrivateAddresses: options.allowPrivate,
    },
    decode: { maxPixels: options.maxPixels },
    pdqLookupThreads: cliSettings().pdqLookupThreads,
    hashing: {
      ...(options.hashWorkers === undefined ? {} : { workers: options.hashWorkers }),
      ...(options.hashQueue === undefined ? {} : { maxQueued: options.hashQueue }),
      ...(options.hashPixelBudget === undefined ? {} : { maxPixelsInFlight: options.hashPixelBudget }),
    },
    allowedHosts: options.allowedHosts ?? [],
    allowedOrigins: options.allowedOrigins ?? [],
    trustProxy: options.trustProxy ?? [],
    ...(options.maxJsonDepth !== undefined ? { maxJsonDepth: options.maxJsonDepth } : {}),
    ...(cliSettings().oidc !== undefined ? { oidc: cliSettings().oidc } : {}),
    exchanges: {
      evidenceKey: cliSettings().evidenceKey,
      evidenceKeys: cliSettings().evidenceKeys,
      feedKey: cliSettings().exchangeFeedKey,
    },
    ...(cliSettings().cybertip.username === undefined
      ? {}
      : { reporting: { cybertip: cliSettings().cybertip, preservationDays: cliSettings().preservationDays } }),
    logger:
      options.logLevel === undefined || options.logLevel === cliLogger().level
        ? cliLogger()
        : cliLogger().child({}, { level: options.logLevel }),
    streams: {
      policy: {
        allowedHosts: options.streamAllowHost ?? [],
        allowPrivateAddresses: options.streamAllowPrivate === true,
        allowFiles: options.streamAllowFiles === true,
      },
      ...(options.streamFrameBudget === undefined ? {} : { maxFramesPerSecond: options.streamFrameBudget }),
      ...(options.streamHashWorkers === undefined ? {} : { hashWorkers: options.streamHashWorkers }),
      ...(extraViews === undefined ? {} : { extraViews }),
      ...(options.streamOverload === undefined ? {} : { overload: options.streamOverload }),
      ...(options.streamEvidenceDir === undefined ? {} : { evidenceDirectory: options.streamEvidenceDir }),
      ...(cliSettings().evidenceKey === undefined ? {} : { evidenceKey: cliSettings().evidenceKey }),
      ...(cliSettings().evidenceKeys === undefined ? {} : { evidenceKeys: cliSettings().evidenceKeys }),
    },
  };
}

/** Adds the server options shared by `serve` and `demo`. */
export function withServerOptions(command: Command, defaultPort: number): Command {
  const hashing = defaultHashPoolSettings();
  return withUrlOptions(withStorageOptions(command))
    .option('--port <port>', 'TCP port (env PREVAIL_PORT)', positiveInteger, cliSettings().port ?? defaultPort)
    .option('--host <host>', 'address to listen on (env PREVAIL_HOST)', cliSettings().host)
    .option(
      '--allowed-hosts <names>',
      'more Host names clients may use to reach the server, besides localhost, 127.0.0.1, [::1] and --host (comma-separated; "*" for any, when a proxy checks it; env PREVAIL_ALLOWED_HOSTS)',
      commaList,
      [...cliSettings().allowedHosts],
    )
    .option(
      '--trust-proxy <addresses>',
      'reverse proxies (IP addresses or CIDR ranges, comma-separated) whose X-Forwarded-For is believed, so logs show the client; none by default (env PREVAIL_TRUST_PROXY)',
      addressList,
      [...cliSettings().trustProxy],
    )
    .option(
      '--allowed-origins <origins>',
      'origins of web apps whose browser pages may send writes, e.g. https://ui.example.org (comma-separated; env PREVAIL_ALLOWED_ORIGINS)',
      commaList,
      [...cliSettings().allowedOrigins],
    )
    .option(
      '--max-json-depth <n>',
      'deepest JSON nesting accepted in a request body (env PREVAIL_MAX_JSON_DEPTH)',
      positiveInteger,
      cliSettings().maxJsonDepth,
    )
    .addOption(
      new Option('--log-level <level>', 'lowest level logged, as JSON lines on standard error (env PREVAIL_LOG_LEVEL)')
        .choices(logLevels)
        .default(cliSettings().logLevel),
    )
    .option(
      '--hma-open',
      'serve the HMA-compatible routes (/h, /m, /c) without an API key even off loopback (on loopback they are open already)',
      false,
    )
    .option(
      '--max-upload-bytes <n>',
      'largest upload or fetched file (env PREVAIL_MAX_BYTES)',
      positiveInteger,
      cliSettings().maxBytes ?? 100 * 1024 * 1024,
    )
    .option(
      '--max-pixels <n>',
      'largest image to decode (env PREVAIL_MAX_PIXELS)',
      positiveInteger,
      cliSettings().maxPixels ?? defaultMaxPixels,
    )
    .option(
      '--hash-workers <n>',
      'worker threads decoding and hashing uploads; default: one less than the cores of this machine (env PREVAIL_HASH_WORKERS)',
      positiveInteger,
      cliSettings().hashWorkers ?? hashing.workers,
    )
    .option(
      '--hash-queue <n>',
      'uploads waiting for a hashing worker before more are refused with 503; default 4 per worker (env PREVAIL_HASH_QUEUE)',
      positiveInteger,
      cliSettings().hashQueue ?? hashing.maxQueued,
    )
    .option(
      '--hash-pixel-budget <n>',
      'pixels decoded at once across all hashing workers (env PREVAIL_HASH_PIXEL_BUDGET)',
      positiveInteger,
      cliSettings().hashPixelBudget ?? hashing.maxPixelsInFlight,
    )
    .option(
      '--stream-allow-host <hosts>',
      'live streams (/v1/streams) may come from these hosts even on private networks (comma-separated)',
      commaList,
    )
    .option('--stream-allow-private', 'live streams may come from any private address', false)
    .option('--stream-allow-files', 'POST /v1/streams may name video files on this machine', false)
    .option(
      '--stream-evidence-dir <dir>',
      'keep each matched stream frame and matched upload as evidence here, encrypted under PREVAIL_EVIDENCE_KEYS (or PREVAIL_EVIDENCE_KEY) and audited; off by default',
    )
    .option(
      '--stream-frame-budget <n>',
      'frames per second hashed across all streams (default: measured on this machine)',
      positiveInteger,
    )
    .option(
      '--stream-hash-workers <n>',
      'worker threads hashing live-stream frames; default: the cores of this machine; 0: on the main thread (env PREVAIL_STREAM_HASH_WORKERS)',
      nonNegativeInteger,
      cliSettings().streamHashWorkers,
    )
    .option(
      '--stream-extra-views <names>',
      'also hash views off by default in every watched stream: small-insets (picture-in-picture under 4 % of the frame), off-centre (crops towards a corner), corners (the four corners of the picture, for banks with videoViews corners); comma-separated, repeatable; each costs CPU per frame, counted in the measured budget (env PREVAIL_STREAM_EXTRA_VIEWS)',
      extraViewsOption('--stream-extra-views'),
    )
    .addOption(
      new Option('--stream-overload <policy>', 'when a new stream does not fit the budget (default refuse)').choices([
        'refuse',
        'degrade',
      ]),
    )
    .option(
      '--audit-checkpoint-dir <dir>',
      `write signed audit checkpoints here (at start, every --audit-checkpoint-minutes, on shutdown), signed with ${auditSigningKeyVariable}; ship them off this machine (env PREVAIL_AUDIT_CHECKPOINT_DIR)`,
      cliSettings().auditCheckpointDir,
    )
    .option(
      '--audit-checkpoint-minutes <n>',
      'minutes between audit checkpoints (env PREVAIL_AUDIT_CHECKPOINT_MINUTES)',
      positiveInteger,
      cliSettings().auditCheckpointMinutes,
    );
}

/** Stops the server on SIGINT/SIGTERM and resolves when it has stopped. */
export function runUntilSignal(server: RunningServer, io: CliIo): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.stderr.write('stopping…\n');
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `prevail serve`: the HTTP API (HMA-compatible routes and /v1) on the configured store. */
export function serveCommand(io: CliIo): Command {
  return withServerOptions(
    new Command('serve')
      .summary('run the HTTP API (HMA-compatible /h /m /c routes and /v1)')
      .description(
        'Starts the HTTP server: HMA 1.1.7-compatible routes, Prevail\'s /v1 API, OpenAPI at /openapi.json, a reference page at /docs, Prometheus metrics at /metrics. The match index loads from the store at start (/status answers 503 INDEX-NOT-LOADED until it is ready). /v1 needs an API key (create one with "prevail keys create"); the HMA routes are open on loopback, key-protected elsewhere unless --hma-open.',
      ),
    5100,
  )
    .option(
      '--events <url>',
      'multi-node mode: publish ingested events to this NATS JetStream server (e.g. nats://127.0.0.1:4222) for "prevail worker" processes instead of processing them here (needs --database-url postgres://…; see docs/scaling.md)',
      natsUrlList,
    )
    .option(
      '--partitions <n>',
      'with --events: partition by entity, publishing each event on one of N partitions of its primary entity for partitioned workers (every node must use the same N, e.g. 8; see docs/scaling.md)',
      positiveInteger,
    )
    .action(async (options: ServeOptions) => {
      if (options.partitions !== undefined && options.events === undefined)
        throw new EngineError('CONFIG_INVALID', '--partitions needs --events');
      if (options.partitions !== undefined && options.partitions > 1024)
        throw new EngineError('CONFIG_INVALID', '--partitions is at most 1,024');
      if (
        options.events !== undefined &&
        (options.databaseUrl === undefined || !/^postgres(ql)?:\/\//.test(options.databaseUrl))
      )
        throw new EngineError(
          'CONFIG_INVALID',
          '--events needs --database-url postgres://… (the PostgreSQL the workers share)',
        );
      const started = Date.now();
      const server = await startServer(serverSettings(options), (signalType, loaded) => {
        if (loaded % 1_000_000 === 0)
          io.stderr.write(`loading ${signalType} index: ${loaded.toLocaleString('en')} hashes\n`);
      });
      const sizes = server.services.matcher
        .status()
        .map((status) => `${status.signalType} ${status.size.toLocaleString('en')}`)
        .join(', ');
      // SIGHUP reloads the rules; a bad set keeps the old one running and says why.
      reloadRulesOnHangup(server.services.engine?.rules, io);
      guardProcess(cliLogger(), () => server.close());
      io.stderr.write(
        `prevail listening on ${server.url} (store: ${server.services.storage.location}; index: ${sizes}; ready in ${Date.now() - started} ms)\n`,
      );
      await runUntilSignal(server, io);
    });
}
