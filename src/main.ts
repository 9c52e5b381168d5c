import type { FastifyInstance } from 'fastify';
import { createServices, type Services, type StorageSettings } from './app/index.js';
import type { DecodeOptions, FetchPolicy } from './content/index.js';
import { buildHttpServer, type HttpConfig, type HttpDependencies, serverHostNames } from './http/index.js';
import { createLogger, type Logger, type LogLevel } from './logging/index.js';
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
  /**
   * Live-stream watching (`/v1/streams`): source policy, CPU budget, reconnects. Absent: watching
   * is on with the defaults (network streams on public hosts only, budget measured here).
   * `evidenceDirectory` turns evidence preservation of matched frames on.
   */
  readonly streams?: StreamSettings & { readonly evidenceDirectory?: string; readonly evidenceKey?: string };
  /** More `Host` names than the loopback ones and `host` (`--allowed-hosts`; `*` = any). */
  readonly allowedHosts?: readonly string[];
  /** Origins of web apps whose pages may send writes (`--allowed-origins`). */
  readonly allowedOrigins?: readonly string[];
  /** Deepest JSON nesting of a request body (`--max-json-depth`; default 64). */
  readonly maxJsonDepth?: number;
  /** Lowest level logged (`--log-level`; default `info`). */
  readonly logLevel?: LogLevel;
  /** The process's logger, when the caller made one; otherwise one is created at `logLevel`. */
  readonly logger?: Logger;
}

/** How often the server purges cases past their retention. */
const purgeIntervalMs = 3_600_000;

/** Deletes cases whose retention ended (default one year after opening) and audits the purge. */
export async function purgeExpiredCases(services: Services, actor = 'system:retention'): Promise<number[]> {
  const ids = await services.storage.engine.cases.purgeExpired(new Date().toISOString());
  if (ids.length > 0) {
    await services.audit.record({
      actor,
      action: 'case.purge',
      subject: 'cases',
      reason: 'retention ended',
      detail: { ids },
    });
  }
  return ids;
}

/** What the HTTP server needs from the wired services. */
export function httpDependencies(services: Services, config: HttpConfig): HttpDependencies {
  return {
    banks: services.banks,
    matcher: services.matcher,
    apiKeys: services.storage.apiKeys,
    floodReports: services.floodReports,
    audit: services.audit,
    engineStore: services.storage.engine,
    ...(services.engine !== undefined ? { engine: services.engine } : {}),
    ...(services.streams !== undefined ? { streams: services.streams } : {}),
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
  const services = await createServices(settings.storage, {
    withEngine: true,
    logger,
    streams: settings.streams ?? {},
    ...(onIndexProgress ? { onIndexProgress } : {}),
  });
  const config: HttpConfig = {
    hmaAccess: settings.hmaOpen || isLoopbackHost(settings.host) ? 'open' : 'key',
    maxUploadBytes: settings.maxUploadBytes,
    fetchPolicy: settings.fetchPolicy,
    decode: settings.decode,
    allowedHosts: serverHostNames(settings.host, settings.allowedHosts ?? []),
    allowedOrigins: settings.allowedOrigins ?? [],
    ...(settings.maxJsonDepth !== undefined ? { maxJsonDepth: settings.maxJsonDepth } : {}),
    logger,
  };
  const app = await buildHttpServer(httpDependencies(services, config));
  const address = await app.listen({ host: settings.host, port: settings.port });
  const purge = setInterval(() => {
    void purgeExpiredCases(services);
    void services.evidence?.purgeExpired('system:retention');
  }, purgeIntervalMs);
  purge.unref();
  return {
    url: address,
    app,
    services,
    close: async () => {
      clearInterval(purge);
      await app.close();
      await services.close();
    },
  };
}
