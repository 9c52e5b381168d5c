import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { EngineError } from '../core/index.js';
import {
  type ActionDeclaration,
  type ActionEndpoint,
  type ActionKind,
  type ActionPolicy,
  actionNamePattern,
  builtinActionKinds,
  emptyActionPolicy,
  type PayloadTemplate,
  type WebhookSigning,
} from './action-model.js';
import { unknownPlaceholders } from './payload-template.js';

/** The policy file that declares actions. */
export const actionsFileName = 'actions.yaml';

/** Limits that keep a hostile or mistaken file from costing memory or time. */
const limits = {
  fileBytes: 256 * 1024,
  actions: 256,
  endpoints: 32,
  payloadDepth: 8,
  payloadNodes: 512,
  textLength: 4096,
  secretBytes: 16,
  subjectLength: 255,
  subjectTokens: 16,
} as const;

const name = z.string().max(64).regex(actionNamePattern, 'lowercase words joined by underscores');
const customKind = /^custom:[a-z][a-z0-9_]{0,63}$/;

const secretEnv = z
  .string()
  .regex(
    /^PREVAIL_ACTION_SECRET_[A-Z0-9_]{1,100}$/,
    'a PREVAIL_ACTION_SECRET_<NAME> variable (A-Z, 0-9, _): the only environment variables read for actions',
  );
const timeoutMs = z.number().int().min(100).max(60_000).default(5_000);
const concurrency = z.number().int().min(1).max(64).default(4);

const webhookSchema = z
  .object({
    kind: z.literal('webhook'),
    url: z.string().max(2048),
    secret_env: secretEnv,
    signature: z.enum(['hmac-sha256', 'ed25519']).default('hmac-sha256'),
    timeout_ms: timeoutMs,
    concurrency,
  })
  .strict();

const natsSchema = z
  .object({
    kind: z.literal('nats'),
    subject: z.string().max(limits.subjectLength),
    stream: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a stream name: letters, digits, _ and - (at most 64)'),
    timeout_ms: timeoutMs,
    concurrency,
  })
  .strict();

const sseSchema = z.object({ kind: z.literal('sse') }).strict();

/** An endpoint without `kind` is a webhook (the first kind, kept for files written before the others). */
const endpointSchema = z.preprocess(
  (value) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) && !('kind' in value)
      ? { ...value, kind: 'webhook' }
      : value,
  z.discriminatedUnion('kind', [webhookSchema, natsSchema, sseSchema]),
);

const actionSchema = z
  .object({
    name,
    kind: z
      .string()
      .refine(
        (kind) => (builtinActionKinds as readonly string[]).includes(kind) || customKind.test(kind),
        `expected ${builtinActionKinds.join(', ')} or custom:<name>`,
      ),
    mode: z.enum(['shadow', 'active']).default('shadow'),
    endpoints: z.array(name).min(1).max(limits.endpoints),
    on: z
      .array(
        z
          .string()
          .regex(
            /^(?:typology:[a-z][a-z0-9_]{0,63}|decision:(?:confirm|dismiss|escalate|close))$/,
            'typology:<name> or decision:confirm|dismiss|escalate|close',
          ),
      )
      .max(64)
      .default([]),
    payload: z.unknown().optional(),
  })
  .strict();

const fileSchema = z
  .object({
    endpoints: z.record(name, endpointSchema).default({}),
    actions: z.array(actionSchema).max(limits.actions).default([]),
  })
  .strict();

/**
 * Reads `<policy>/actions.yaml` (a missing file is an empty policy). See `parseActionPolicy`.
 *
 * @throws EngineError `CONFIG_INVALID` naming `actions.yaml:<path>` for every problem.
 */
export async function loadActionPolicy(
  policyDirectory: string,
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly natsServers?: string } = {},
): Promise<ActionPolicy> {
  let text: string;
  try {
    text = await readFile(join(policyDirectory, actionsFileName), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyActionPolicy;
    throw new EngineError('CONFIG_INVALID', `${actionsFileName}: ${(error as Error).message}`);
  }
  return parseActionPolicy(text, { env, ...options });
}

/**
 * Checks an `actions.yaml` text like rules are checked: every problem is reported, each with the
 * file and the path of the value (`actions.yaml:actions.1.endpoints.0: unknown endpoint 'x'`),
 * and nothing runs until the whole file is right. Refused: unknown keys, bad names, duplicate
 * actions, unknown kinds, endpoints or typologies (when `typologies` is given), URLs that are not
 * http(s) or carry credentials, a secret variable unset or shorter than 16 bytes, unknown
 * template placeholders, payloads deeper than 8 levels or larger than 512 values, YAML aliases.
 *
 * @example
 * endpoints:
 *   platform: { url: https://platform.example/prevail, secret_env: PREVAIL_ACTION_SECRET_PLATFORM }
 * actions:
 *   - name: end_stream
 *     kind: terminate_stream
 *     mode: active
 *     endpoints: [platform]
 *     on: [typology:livestream_payment_pattern]
 *     payload: { stream: "{{entities.stream}}", reasons: "{{reasons}}" }
 *
 * @throws EngineError `CONFIG_INVALID`, one line per problem.
 */
export function parseActionPolicy(
  text: string,
  options: {
    readonly env?: Readonly<Record<string, string | undefined>>;
    readonly typologies?: readonly string[];
    readonly file?: string;
    /** `PREVAIL_ACTIONS_NATS_URL`: the NATS server(s) of `kind: nats` endpoints. */
    readonly natsServers?: string;
  } = {},
): ActionPolicy {
  const file = options.file ?? actionsFileName;
  const env = options.env ?? {};
  if (Buffer.byteLength(text, 'utf8') > limits.fileBytes)
    throw new EngineError('CONFIG_INVALID', `${file}: larger than ${limits.fileBytes} bytes`);
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    const messages = document.errors.map((error) => {
      const position = error.linePos?.[0];
      return `${file}:${position?.line ?? 1}:${position?.col ?? 1}: ${error.message.split('\n')[0]}`;
    });
    throw new EngineError('CONFIG_INVALID', messages.join('\n'));
  }
  let value: unknown;
  try {
    // Aliases would let a small file expand into a large one: an actions file has no need of them.
    value = document.toJS({ maxAliasCount: 0 });
  } catch (error) {
    throw new EngineError('CONFIG_INVALID', `${file}: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const messages = parsed.error.issues.map((issue) => `${file}:${pathText(issue.path)}: ${issue.message}`);
    throw new EngineError('CONFIG_INVALID', messages.join('\n'));
  }
  const problems: string[] = [];
  const report = (path: readonly (string | number)[], message: string): void => {
    problems.push(`${file}:${pathText(path)}: ${message}`);
  };
  const endpoints = new Map<string, ActionEndpoint>();
  for (const [endpointName, spec] of Object.entries(parsed.data.endpoints)) {
    const path = ['endpoints', endpointName];
    if (spec.kind === 'sse') {
      endpoints.set(endpointName, { kind: 'sse', name: endpointName });
      continue;
    }
    if (spec.kind === 'nats') {
      for (const problem of subjectProblems(spec.subject)) report([...path, 'subject'], problem);
      if (options.natsServers === undefined)
        report([...path, 'kind'], 'a nats endpoint needs PREVAIL_ACTIONS_NATS_URL (the NATS server) to be set');
      endpoints.set(endpointName, {
        kind: 'nats',
        name: endpointName,
        servers: options.natsServers ?? '',
        subject: spec.subject,
        stream: spec.stream,
        timeoutMs: spec.timeout_ms,
        concurrency: spec.concurrency,
      });
      continue;
    }
    const url = checkUrl(spec.url);
    if (url !== undefined) report([...path, 'url'], url);
    const secret = env[spec.secret_env];
    let signing: WebhookSigning = { scheme: 'hmac-sha256', secret: secret ?? '' };
    if (spec.signature === 'ed25519') {
      const key = secret === undefined ? undefined : ed25519PrivateKey(secret);
      if (key === undefined)
        report(
          [...path, 'secret_env'],
          `${spec.secret_env} must hold an Ed25519 private key (PKCS#8 PEM, or its DER in base64)`,
        );
      else signing = { scheme: 'ed25519', privateKey: key };
    } else if (secret === undefined || Buffer.byteLength(secret, 'utf8') < limits.secretBytes)
      report([...path, 'secret_env'], `${spec.secret_env} must hold a secret of at least ${limits.secretBytes} bytes`);
    endpoints.set(endpointName, {
      kind: 'webhook',
      name: endpointName,
      url: spec.url,
      signing,
      timeoutMs: spec.timeout_ms,
      concurrency: spec.concurrency,
    });
  }
  const actions = new Map<string, ActionDeclaration>();
  parsed.data.actions.forEach((spec, index) => {
    const path = ['actions', index];
    if (actions.has(spec.name)) report([...path, 'name'], `action '${spec.name}' is declared twice`);
    spec.endpoints.forEach((endpoint, position) => {
      if (!endpoints.has(endpoint)) report([...path, 'endpoints', position], `unknown endpoint '${endpoint}'`);
    });
    const typologies = spec.on
      .filter((trigger) => trigger.startsWith('typology:'))
      .map((trigger) => trigger.slice('typology:'.length));
    const decisions = spec.on
      .filter((trigger) => trigger.startsWith('decision:'))
      .map((trigger) => trigger.slice('decision:'.length));
    spec.on.forEach((trigger, position) => {
      const typology = trigger.slice('typology:'.length);
      if (trigger.startsWith('typology:') && options.typologies !== undefined && !options.typologies.includes(typology))
        report([...path, 'on', position], `unknown typology '${typology}'`);
    });
    const payload = checkTemplate(spec.payload ?? {}, [...path, 'payload'], report);
    actions.set(spec.name, {
      name: spec.name,
      kind: spec.kind as ActionKind,
      mode: spec.mode,
      endpoints: [...new Set(spec.endpoints)],
      payload,
      onTypologies: [...new Set(typologies)],
      onDecisions: [...new Set(decisions)],
    });
  });
  if (problems.length > 0) throw new EngineError('CONFIG_INVALID', problems.join('\n'));
  return { actions, endpoints };
}

/**
 * Why a NATS subject template is refused: at most 255 characters and 16 tokens joined by `.`,
 * each token letters, digits, `_` or `-`, or a whole placeholder `{{kind}}` / `{{action}}`; no
 * wildcards (`*`, `>`), no empty token, no space or control character. A placeholder is a whole
 * token so that the stream's subject filter (the template with `*` for each) matches every
 * subject it gives.
 */
export function subjectProblems(subject: string): string[] {
  const tokens = subject.split('.');
  if (subject.length === 0) return ['a subject is not empty'];
  if (tokens.length > limits.subjectTokens) return [`a subject has at most ${limits.subjectTokens} tokens`];
  const problems: string[] = [];
  for (const token of tokens) {
    if (natsSubjectPlaceholders.includes(token)) continue;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(token))
      problems.push(
        `subject token '${token.slice(0, 64)}' is not letters, digits, _ or - (nor a whole {{kind}} or {{action}})`,
      );
  }
  return problems;
}

/** The placeholders a NATS subject may use, each a whole token. */
const natsSubjectPlaceholders: readonly string[] = ['{{kind}}', '{{action}}'];

/**
 * An Ed25519 private key from a setting's text: PKCS#8 PEM (newlines may be written `\\n`, as a
 * one-line environment value needs) or the PKCS#8 DER in base64; undefined for anything else.
 */
function ed25519PrivateKey(text: string): KeyObject | undefined {
  try {
    const pem = text.replaceAll('\\n', '\n').trim();
    const key = pem.startsWith('-----BEGIN')
      ? createPrivateKey({ key: pem, format: 'pem' })
      : createPrivateKey({ key: Buffer.from(pem, 'base64'), format: 'der', type: 'pkcs8' });
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Why `text` is not a webhook URL, or undefined when it is one. */
function checkUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `'${text.slice(0, 80)}' is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `a webhook URL is http(s), not ${url.protocol}`;
  if (url.username !== '' || url.password !== '') return 'a webhook URL carries no credentials (the secret signs)';
  return undefined;
}

/**
 * Checks a payload template: mappings (keys of letters, digits, `_`, `-`, `.`), lists and text
 * with known placeholders; numbers and booleans are kept as text of themselves.
 */
function checkTemplate(
  value: unknown,
  path: readonly (string | number)[],
  report: (path: readonly (string | number)[], message: string) => void,
): PayloadTemplate {
  let nodes = 0;
  const walk = (node: unknown, at: readonly (string | number)[], depth: number): PayloadTemplate => {
    nodes++;
    if (nodes === limits.payloadNodes + 1) report(path, `a payload has at most ${limits.payloadNodes} values`);
    if (nodes > limits.payloadNodes) return '';
    if (depth > limits.payloadDepth) {
      report(at, `a payload is at most ${limits.payloadDepth} levels deep`);
      return '';
    }
    if (typeof node === 'number' || typeof node === 'boolean') return String(node);
    if (typeof node === 'string') {
      if (node.length > limits.textLength) report(at, `text longer than ${limits.textLength} characters`);
      for (const unknown of unknownPlaceholders(node))
        report(at, `unknown placeholder '{{${unknown}}}' (ids, names and reasons only; never event data)`);
      return node;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...at, index], depth + 1));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, PayloadTemplate> = {};
      for (const [key, item] of Object.entries(node)) {
        if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(key)) {
          report([...at, key], `payload key '${key.slice(0, 64)}' is not allowed`);
          continue;
        }
        out[key] = walk(item, [...at, key], depth + 1);
      }
      return out;
    }
    report(at, 'a payload value is text, a number, a boolean, a list or a mapping');
    return '';
  };
  return walk(value, path, 0);
}

function pathText(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(file)' : path.map(String).join('.');
}
