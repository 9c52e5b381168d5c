import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { defaultMaxJsonDepth, EngineError } from '../core/index.js';
import { type LogLevel, logLevels } from '../logging/index.js';

/** The environment a process was started with (only `PREVAIL_*` and `USER` are read). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Every setting of a Prevail process, validated once at the composition root (`runCli`,
 * `prevail serve`) and passed down; no module reads `process.env` itself. A command-line flag
 * overrides the setting of the same name. `docs/configuration.md` lists them all.
 */
export interface Settings {
  /**
   * `PREVAIL_ACTION_SECRET_<NAME>`: the HMAC keys of action endpoints, by variable name, as
   * `actions.yaml` names them (`secret_env`); read here so no other module reads the environment.
   */
  readonly actionSecrets: Readonly<Record<string, string>>;
  /**
   * `PREVAIL_ACTIONS_NATS_URL`: the NATS server(s) (`nats://host:4222`, comma-separated) that
   * `kind: nats` action endpoints publish to; may carry credentials, so it is never shown.
   */
  readonly actionsNatsUrl?: string;
  /** `PREVAIL_DATA_DIR`: where the embedded SQLite database lives (default `./data`). */
  readonly dataDir: string;
  /** `PREVAIL_DATABASE_URL`: PostgreSQL instead of SQLite. */
  readonly databaseUrl?: string;
  /** `PREVAIL_POLICY_DIR`: the signals engine's policy directory. */
  readonly policyDir?: string;
  /** `PREVAIL_HOST`: the address `serve` listens on (default `127.0.0.1`). */
  readonly host: string;
  /** `PREVAIL_PORT`: the port `serve` listens on (default per command: 5100 for `serve`). */
  readonly port?: number;
  /** `PREVAIL_MAX_BYTES`: largest file, download or upload (default per command). */
  readonly maxBytes?: number;
  /** `PREVAIL_MAX_PIXELS`: largest image decoded (default `defaultMaxPixels`). */
  readonly maxPixels?: number;
  /** `PREVAIL_URL_TIMEOUT_MS`: deadline for fetching one URL (default 30 s). */
  readonly urlTimeoutMs: number;
  /** `PREVAIL_URL_ALLOW_HOSTS`: only fetch URLs on these hosts (comma-separated; empty = any public host). */
  readonly urlAllowHosts: readonly string[];
  /** `PREVAIL_URL_ALLOW_PRIVATE`: fetch URLs on loopback and private addresses too (default no). */
  readonly urlAllowPrivate: boolean;
  /** `PREVAIL_FFMPEG`: the ffmpeg executable (default: `/usr/bin/ffmpeg`, then `PATH`; the system ffmpeg only). */
  readonly ffmpeg?: string;
  /** `PREVAIL_EVIDENCE_KEY`: 64 hex characters, the evidence vault's single key (key id `default`). */
  readonly evidenceKey?: string;
  /**
   * `PREVAIL_EVIDENCE_KEYS`: the evidence vault's key ring, `keyId:<64 hex>` entries separated by
   * commas, the first current (new items are wrapped with it; the others still read older items).
   * Validated here; `evidenceKeyRingFromEnvironment` of `src/evidence/` turns it into keys.
   */
  readonly evidenceKeys?: string;
  /**
   * `PREVAIL_EXCHANGE_FEED_KEY`: the Ed25519 key (64 hex characters, its seed) this server signs
   * its published exchange feeds with (`GET /v1/exchange-feed/<bank>`); absent: no feed is served.
   */
  readonly exchangeFeedKey?: string;
  /**
   * `PREVAIL_PRESERVATION_DAYS`: how long preserved material of a CyberTipline report is kept from
   * NCMEC's receipt (default and minimum 365: the law's year; more is a voluntary longer period).
   */
  readonly preservationDays: number;
  /**
   * `PREVAIL_CONSOLE_SECRET`: 64 hex characters, the review console's signing secret (media item
   * ids). Absent: one is generated on first start and kept in `<data dir>/console-secret` (mode 0600).
   */
  readonly consoleSecret?: string;
  /** `PREVAIL_LOG_LEVEL`: lowest level logged (default `info`). */
  readonly logLevel: LogLevel;
  /** `PREVAIL_ALLOWED_HOSTS`: more `Host` names the server answers for (comma-separated; `*` = any). */
  readonly allowedHosts: readonly string[];
  /**
   * `PREVAIL_TRUST_PROXY`: addresses or CIDR ranges of the reverse proxies in front of the server
   * (comma-separated). A request from one of them is taken to come from the address its
   * `X-Forwarded-For` names, so the request log shows the client. Empty (the default): the header
   * is ignored, since anyone can send it.
   */
  readonly trustProxy: readonly string[];
  /** `PREVAIL_ALLOWED_ORIGINS`: origins of web apps whose pages may send writes (comma-separated). */
  readonly allowedOrigins: readonly string[];
  /** `PREVAIL_MAX_JSON_DEPTH`: deepest JSON nesting accepted in a request body (default 64). */
  readonly maxJsonDepth: number;
  /** `PREVAIL_HASH_WORKERS`: worker threads hashing uploads (default: the cores − 1, at least 1). */
  readonly hashWorkers?: number;
  /** `PREVAIL_HASH_QUEUE`: uploads waiting for a hashing worker before 503 (default 4 per worker). */
  readonly hashQueue?: number;
  /** `PREVAIL_HASH_PIXEL_BUDGET`: pixels decoded at once across the hashing workers (default 200,000,000). */
  readonly hashPixelBudget?: number;
  /** `PREVAIL_STREAM_HASH_WORKERS`: worker threads hashing live-stream frames (default: the cores; 0: the main thread). */
  readonly streamHashWorkers?: number;
  /**
   * `PREVAIL_STREAM_EXTRA_VIEWS`: views off by default that every stream `serve` watches hashes
   * too, comma-separated (`corners`, `small-insets`, `off-centre`). Only its shape is checked
   * here (at most 200 characters of letters, hyphens, commas and spaces); the names are the
   * streams module's, checked by `parseExtraFrameViews` when `serve` starts (`CONFIG_INVALID`).
   */
  readonly streamExtraViews?: string;
  /** `PREVAIL_PDQ_LOOKUP_THREADS`: worker threads answering PDQ lookups from a shared index (default 0: the main thread). */
  readonly pdqLookupThreads: number;
  /** `PREVAIL_AUDIT_CHECKPOINT_DIR`: where `serve` writes signed audit checkpoints (off when unset). */
  readonly auditCheckpointDir?: string;
  /** `PREVAIL_AUDIT_CHECKPOINT_MINUTES`: minutes between audit checkpoints (default 15). */
  readonly auditCheckpointMinutes: number;
  /** `PREVAIL_AUDIT_SIGNING_KEY`: the Ed25519 private key (PKCS#8 PEM or base64 DER) that signs checkpoints. */
  readonly auditSigningKey?: string;
  /**
   * `PREVAIL_OIDC_ISSUER`, `PREVAIL_OIDC_CLIENT_ID`, `PREVAIL_OIDC_CLIENT_SECRET`,
   * `PREVAIL_OIDC_REDIRECT_URL`: optional single sign-on for the console (all four or none).
   */
  readonly oidc?: {
    readonly issuer: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly redirectUrl: string;
  };
  /**
   * NCMEC's CyberTipline ([submissions.md](../../docs/submissions.md)): `PREVAIL_CYBERTIP_ENVIRONMENT`
   * (`test` by default; production only when it says `production`), `PREVAIL_CYBERTIP_USERNAME`
   * and `PREVAIL_CYBERTIP_PASSWORD` (both or neither), `PREVAIL_CYBERTIP_BASE_URL` (replaces the
   * environment's URL: a local contract server, a forward proxy), `PREVAIL_CYBERTIP_TIMEOUT_MS`
   * (deadline of one call, default 60 s).
   */
  readonly cybertip: {
    readonly environment: 'test' | 'production';
    readonly username?: string;
    readonly password?: string;
    readonly baseUrl?: string;
    readonly timeoutMs: number;
  };
  /** `USER`: who a CLI command acts as in the audit log unless `--actor` says (default `cli`). */
  readonly actor: string;
}

const positiveWhole = z
  .string()
  .regex(/^[0-9][0-9_]*$/, 'expected a positive whole number')
  .transform((text) => Number(text.replace(/_/g, '')))
  .refine((value) => Number.isSafeInteger(value) && value > 0, 'expected a positive whole number');

const whole = z
  .string()
  .regex(/^[0-9][0-9_]*$/, 'expected a whole number')
  .transform((text) => Number(text.replace(/_/g, '')))
  .refine((value) => Number.isSafeInteger(value), 'expected a whole number');

/** Whether `text` is an IP address or a CIDR range (`10.0.0.0/8`): what a trusted proxy may be. */
export function isAddressOrRange(text: string): boolean {
  if (ipaddr.isValid(text)) return true;
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}

const commaList = z.string().transform((text) =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== ''),
);

const yesNo = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'], 'expected 1 or 0 (true or false)')
  .transform((text) => text === '1' || text === 'true' || text === 'yes');

/** One entry of `PREVAIL_EVIDENCE_KEYS` (the same rule as `parseEvidenceKeyRing` of `src/evidence/`). */
const evidenceKeyEntry = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}:[0-9a-fA-F]{64}$/;

const webUrl = z.string().refine((text) => {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}, 'expected an http:// or https:// URL');

/** The OIDC variables: all four or none. */
const oidcVariables = [
  'PREVAIL_OIDC_ISSUER',
  'PREVAIL_OIDC_CLIENT_ID',
  'PREVAIL_OIDC_CLIENT_SECRET',
  'PREVAIL_OIDC_REDIRECT_URL',
] as const;

/** The schema, keyed by variable name: a failure's path is the name of the variable to fix. */
const environmentSchema = z.object({
  PREVAIL_DATA_DIR: z.string().default('./data'),
  PREVAIL_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  PREVAIL_POLICY_DIR: z.string().optional(),
  PREVAIL_ACTIONS_NATS_URL: z
    .string()
    .max(4096)
    .regex(
      /^(?:nats|tls|wss?):\/\/[\x21-\x2b\x2d-\x7e]+(?:,(?:nats|tls|wss?):\/\/[\x21-\x2b\x2d-\x7e]+)*$/,
      'expected nats://host:port (tls://, ws://, wss://), several separated by commas',
    )
    .optional(),
  PREVAIL_HOST: z.string().default('127.0.0.1'),
  PREVAIL_PORT: positiveWhole.refine((port) => port <= 65_535, 'expected a port from 1 to 65535').optional(),
  PREVAIL_MAX_BYTES: positiveWhole.optional(),
  PREVAIL_MAX_PIXELS: positiveWhole.optional(),
  PREVAIL_URL_TIMEOUT_MS: positiveWhole.default(30_000),
  PREVAIL_URL_ALLOW_HOSTS: commaList.default([]),
  PREVAIL_URL_ALLOW_PRIVATE: yesNo.default(false),
  PREVAIL_FFMPEG: z.string().optional(),
  PREVAIL_EVIDENCE_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex characters (32 random bytes, e.g. "openssl rand -hex 32")')
    .optional(),
  PREVAIL_EXCHANGE_FEED_KEY: z
    .string()
    .regex(
      /^[0-9a-fA-F]{64}$/,
      'expected 64 hex characters (an Ed25519 seed, e.g. from "prevail exchange feed-keygen")',
    )
    .optional(),
  PREVAIL_EVIDENCE_KEYS: z
    .string()
    .max(100_000)
    .refine(
      (text) => text.split(',').every((entry) => evidenceKeyEntry.test(entry.trim())),
      'expected keyId:<64 hex> entries separated by commas (a key id is 1 to 64 letters, digits, ".", "_" or "-")',
    )
    .refine((text) => {
      const ids = text.split(',').map((entry) => entry.trim().split(':')[0]);
      return new Set(ids).size === ids.length;
    }, 'a key id is given twice')
    .optional(),
  PREVAIL_PRESERVATION_DAYS: positiveWhole
    .refine((days) => days >= 365 && days <= 36_500, 'expected 365 to 36500 days (the law asks for one year at least)')
    .default(365),
  PREVAIL_CONSOLE_SECRET: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex characters (32 random bytes, e.g. "openssl rand -hex 32")')
    .optional(),
  PREVAIL_LOG_LEVEL: z.enum(logLevels, `expected one of ${logLevels.join(', ')}`).default('info'),
  PREVAIL_ALLOWED_HOSTS: commaList.default([]),
  PREVAIL_ALLOWED_ORIGINS: commaList.default([]),
  PREVAIL_TRUST_PROXY: commaList
    .refine(
      (entries) => entries.every(isAddressOrRange),
      'expected IP addresses or CIDR ranges such as "127.0.0.1" or "10.0.0.0/8"',
    )
    .default([]),
  PREVAIL_MAX_JSON_DEPTH: positiveWhole.default(defaultMaxJsonDepth),
  PREVAIL_HASH_WORKERS: positiveWhole.optional(),
  PREVAIL_HASH_QUEUE: positiveWhole.optional(),
  PREVAIL_HASH_PIXEL_BUDGET: positiveWhole.optional(),
  PREVAIL_STREAM_HASH_WORKERS: whole.optional(),
  PREVAIL_STREAM_EXTRA_VIEWS: z
    .string()
    .max(200, 'expected at most 200 characters')
    .regex(/^[a-z-]+(?: *, *[a-z-]+)*$/, 'expected view names separated by commas, such as "corners"')
    .optional(),
  PREVAIL_PDQ_LOOKUP_THREADS: whole.default(0),
  PREVAIL_AUDIT_CHECKPOINT_DIR: z.string().optional(),
  PREVAIL_AUDIT_CHECKPOINT_MINUTES: positiveWhole.default(15),
  PREVAIL_AUDIT_SIGNING_KEY: z.string().optional(),
  PREVAIL_OIDC_ISSUER: webUrl.optional(),
  PREVAIL_OIDC_CLIENT_ID: z.string().max(1000).optional(),
  PREVAIL_OIDC_CLIENT_SECRET: z.string().max(10_000).optional(),
  PREVAIL_OIDC_REDIRECT_URL: webUrl
    .refine(
      (text) => new URL(text).pathname.endsWith('/console/api/auth/oidc/callback'),
      'expected the console callback, ending in /console/api/auth/oidc/callback',
    )
    .optional(),
  PREVAIL_CYBERTIP_ENVIRONMENT: z.enum(['test', 'production'], 'expected test or production').default('test'),
  PREVAIL_CYBERTIP_USERNAME: z.string().max(200).optional(),
  PREVAIL_CYBERTIP_PASSWORD: z.string().max(1000).optional(),
  PREVAIL_CYBERTIP_BASE_URL: webUrl.optional(),
  PREVAIL_CYBERTIP_TIMEOUT_MS: positiveWhole.default(60_000),
  USER: z.string().default('cli'),
});

/** Variables whose values are secret: a failure names them but never repeats their value. */
const secretVariables = new Set([
  'PREVAIL_DATABASE_URL',
  'PREVAIL_EVIDENCE_KEY',
  'PREVAIL_EVIDENCE_KEYS',
  'PREVAIL_EXCHANGE_FEED_KEY',
  'PREVAIL_AUDIT_SIGNING_KEY',
  'PREVAIL_OIDC_CLIENT_SECRET',
  'PREVAIL_CONSOLE_SECRET',
  'PREVAIL_ACTIONS_NATS_URL',
  'PREVAIL_CYBERTIP_PASSWORD',
]);

/** Every variable Prevail reads (for the documentation test). */
export const settingVariables: readonly string[] = Object.keys(environmentSchema.shape);

/** The pattern of an action endpoint's secret variable (`secret_env` in `actions.yaml`). */
export const actionSecretVariable = /^PREVAIL_ACTION_SECRET_[A-Z0-9_]{1,100}$/;

/** Every non-empty `PREVAIL_ACTION_SECRET_*` variable of `environment`. */
function actionSecretsOf(environment: Environment): Readonly<Record<string, string>> {
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (actionSecretVariable.test(name) && value !== undefined && value !== '') secrets[name] = value;
  }
  return secrets;
}

/**
 * Reads and validates every setting from `environment`, applying defaults. An empty variable
 * counts as unset. Called once, at the composition root.
 *
 * @throws EngineError `CONFIG_INVALID` naming each invalid variable and what it expects.
 * @example
 * const settings = readSettings(process.env);
 */
export function readSettings(environment: Environment): Settings {
  const raw: Record<string, string> = {};
  for (const name of settingVariables) {
    const value = environment[name];
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim();
  }
  const parsed = environmentSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const shown = secretVariables.has(name) ? '' : `=${JSON.stringify(raw[name])}`;
      return `${name}${shown}: ${issue.message}`;
    });
    throw new EngineError('CONFIG_INVALID', `invalid environment: ${problems.join('; ')}`);
  }
  const value = parsed.data;
  const oidcSet = oidcVariables.filter((name) => value[name] !== undefined);
  if (oidcSet.length > 0 && oidcSet.length < oidcVariables.length) {
    const missing = oidcVariables.filter((name) => value[name] === undefined);
    throw new EngineError(
      'CONFIG_INVALID',
      `invalid environment: single sign-on needs all of ${oidcVariables.join(', ')}; missing ${missing.join(', ')}`,
    );
  }
  if ((value.PREVAIL_CYBERTIP_USERNAME === undefined) !== (value.PREVAIL_CYBERTIP_PASSWORD === undefined))
    throw new EngineError(
      'CONFIG_INVALID',
      'invalid environment: the CyberTipline needs both PREVAIL_CYBERTIP_USERNAME and PREVAIL_CYBERTIP_PASSWORD, or neither',
    );
  return {
    actionSecrets: actionSecretsOf(environment),
    dataDir: value.PREVAIL_DATA_DIR,
    ...(value.PREVAIL_DATABASE_URL !== undefined ? { databaseUrl: value.PREVAIL_DATABASE_URL } : {}),
    ...(value.PREVAIL_POLICY_DIR !== undefined ? { policyDir: value.PREVAIL_POLICY_DIR } : {}),
    ...(value.PREVAIL_ACTIONS_NATS_URL !== undefined ? { actionsNatsUrl: value.PREVAIL_ACTIONS_NATS_URL } : {}),
    host: value.PREVAIL_HOST,
    ...(value.PREVAIL_PORT !== undefined ? { port: value.PREVAIL_PORT } : {}),
    ...(value.PREVAIL_MAX_BYTES !== undefined ? { maxBytes: value.PREVAIL_MAX_BYTES } : {}),
    ...(value.PREVAIL_MAX_PIXELS !== undefined ? { maxPixels: value.PREVAIL_MAX_PIXELS } : {}),
    urlTimeoutMs: value.PREVAIL_URL_TIMEOUT_MS,
    urlAllowHosts: value.PREVAIL_URL_ALLOW_HOSTS,
    urlAllowPrivate: value.PREVAIL_URL_ALLOW_PRIVATE,
    ...(value.PREVAIL_FFMPEG !== undefined ? { ffmpeg: value.PREVAIL_FFMPEG } : {}),
    ...(value.PREVAIL_EVIDENCE_KEY !== undefined ? { evidenceKey: value.PREVAIL_EVIDENCE_KEY } : {}),
    ...(value.PREVAIL_EVIDENCE_KEYS !== undefined ? { evidenceKeys: value.PREVAIL_EVIDENCE_KEYS } : {}),
    ...(value.PREVAIL_EXCHANGE_FEED_KEY !== undefined ? { exchangeFeedKey: value.PREVAIL_EXCHANGE_FEED_KEY } : {}),
    preservationDays: value.PREVAIL_PRESERVATION_DAYS,
    ...(value.PREVAIL_CONSOLE_SECRET !== undefined ? { consoleSecret: value.PREVAIL_CONSOLE_SECRET } : {}),
    logLevel: value.PREVAIL_LOG_LEVEL,
    allowedHosts: value.PREVAIL_ALLOWED_HOSTS,
    allowedOrigins: value.PREVAIL_ALLOWED_ORIGINS,
    trustProxy: value.PREVAIL_TRUST_PROXY,
    maxJsonDepth: value.PREVAIL_MAX_JSON_DEPTH,
    ...(value.PREVAIL_HASH_WORKERS !== undefined ? { hashWorkers: value.PREVAIL_HASH_WORKERS } : {}),
    ...(value.PREVAIL_HASH_QUEUE !== undefined ? { hashQueue: value.PREVAIL_HASH_QUEUE } : {}),
    ...(value.PREVAIL_HASH_PIXEL_BUDGET !== undefined ? { hashPixelBudget: value.PREVAIL_HASH_PIXEL_BUDGET } : {}),
    ...(value.PREVAIL_STREAM_HASH_WORKERS !== undefined
      ? { streamHashWorkers: value.PREVAIL_STREAM_HASH_WORKERS }
      : {}),
    ...(value.PREVAIL_STREAM_EXTRA_VIEWS !== undefined ? { streamExtraViews: value.PREVAIL_STREAM_EXTRA_VIEWS } : {}),
    pdqLookupThreads: value.PREVAIL_PDQ_LOOKUP_THREADS,
    ...(value.PREVAIL_AUDIT_CHECKPOINT_DIR !== undefined
      ? { auditCheckpointDir: value.PREVAIL_AUDIT_CHECKPOINT_DIR }
      : {}),
    auditCheckpointMinutes: value.PREVAIL_AUDIT_CHECKPOINT_MINUTES,
    ...(value.PREVAIL_AUDIT_SIGNING_KEY !== undefined ? { auditSigningKey: value.PREVAIL_AUDIT_SIGNING_KEY } : {}),
    ...(value.PREVAIL_OIDC_ISSUER !== undefined &&
    value.PREVAIL_OIDC_CLIENT_ID !== undefined &&
    value.PREVAIL_OIDC_CLIENT_SECRET !== undefined &&
    value.PREVAIL_OIDC_REDIRECT_URL !== undefined
      ? {
          oidc: {
            issuer: value.PREVAIL_OIDC_ISSUER,
            clientId: value.PREVAIL_OIDC_CLIENT_ID,
            clientSecret: value.PREVAIL_OIDC_CLIENT_SECRET,
            redirectUrl: value.PREVAIL_OIDC_REDIRECT_URL,
          },
        }
      : {}),
    cybertip: {
      environment: value.PREVAIL_CYBERTIP_ENVIRONMENT,
      ...(value.PREVAIL_CYBERTIP_USERNAME !== undefined ? { username: value.PREVAIL_CYBERTIP_USERNAME } : {}),
      ...(value.PREVAIL_CYBERTIP_PASSWORD !== undefined ? { password: value.PREVAIL_CYBERTIP_PASSWORD } : {}),
      ...(value.PREVAIL_CYBERTIP_BASE_URL !== undefined ? { baseUrl: value.PREVAIL_CYBERTIP_BASE_URL } : {}),
      timeoutMs: value.PREVAIL_CYBERTIP_TIMEOUT_MS,
    },
    actor: value.USER,
  };
}

/** The settings of an empty environment: every default. */
export function defaultSettings(): Settings {
  return readSettings({});
}
