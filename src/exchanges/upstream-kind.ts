import type { ZodType } from 'zod';
import { EngineError } from '../core/index.js';
import { parseExchangeSettings } from './client-options.js';

/**
 * What the upstream kinds (NCMEC, StopNCII, ThreatExchange) share between HMA's snake_case fields
 * and their clients' camelCase settings: a configuration is checked by the client's own zod schema
 * at `add` time (so a bad one is refused before anything is stored, `EXCHANGE_INVALID`), and
 * credentials must be present and well-formed when a client is made (`EXCHANGE_AUTH_FAILED`: the
 * fetch fails as HMA's does on missing credentials). Messages name fields, never values.
 */
export function clientConfig<T>(schema: ZodType<T>, settings: Record<string, unknown>, what: string): T {
  return parseExchangeSettings(schema, dropUndefined(settings), what, 'EXCHANGE_INVALID');
}

/**
 * @throws EngineError `code` (default `EXCHANGE_AUTH_FAILED`, for a fetch; `EXCHANGE_INVALID` when
 *   they are being set) when none are stored or they do not fit `schema`.
 */
export function clientCredentials<T>(
  schema: ZodType<T>,
  credentials: Readonly<Record<string, unknown>> | undefined,
  settings: (stored: Readonly<Record<string, unknown>>) => Record<string, unknown>,
  kind: string,
  code: 'EXCHANGE_AUTH_FAILED' | 'EXCHANGE_INVALID' = 'EXCHANGE_AUTH_FAILED',
): T {
  if (credentials === undefined) {
    throw new EngineError(code, `no credentials are stored for this ${kind} exchange or its API`);
  }
  const result = schema.safeParse(dropUndefined(settings(credentials)));
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(root)'))].slice(0, 5);
    throw new EngineError(code, `the ${kind} credentials are malformed (${fields.join(', ')})`);
  }
  return result.data;
}

function dropUndefined(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined && value !== null));
}
