import type { FastifyRequest } from 'fastify';
import { apiKeyDigest, hasScope } from '../../auth/index.js';
import { EngineError, parseJsonWithin } from '../../core/index.js';
import { bearerSecret } from '../bearer-secret.js';
import type { HttpDependencies } from '../dependencies.js';
import { queryOf } from './query-params.js';

/**
 * Prevail's one addition to HMA's `/m/lookup`: the optional `entities` query parameter, a JSON
 * object of role → id (`entities={"user":"u1"}`, URL-encoded), saying whose media was looked up.
 * With it (and the signals engine running), the lookup's actionable matches become one
 * `media.matched` event, as `/v1/match` with `entities` does. No HMA client sends it, so HMA
 * clients see exactly HMA's behaviour; without it nothing reaches the engine.
 *
 * Feeding the engine is never anonymous: even where the HMA routes are open (loopback,
 * `--hma-open`), a request with `entities` needs an API key with the `read` scope, as `/v1/match`.
 *
 * @returns the entities, or undefined when the parameter is absent.
 * @throws EngineError `AUTH_REQUIRED` / `AUTH_FORBIDDEN` (no key, or one without `read`),
 *   `REQUEST_INVALID` (not a JSON object).
 */
export async function readLookupEntities(
  request: FastifyRequest,
  dependencies: Pick<HttpDependencies, 'apiKeys'>,
): Promise<Record<string, unknown> | undefined> {
  const text = queryOf(request).entities;
  if (text === undefined) return undefined;
  if (request.actor === 'anonymous') {
    const secret = bearerSecret(request.headers.authorization);
    const key = secret === undefined ? undefined : await dependencies.apiKeys.findActiveByDigest(apiKeyDigest(secret));
    if (key === undefined) {
      throw new EngineError(
        'AUTH_REQUIRED',
        'entities feed the signals engine: send an API key as "Authorization: Bearer <key>"',
      );
    }
    if (!hasScope(key.scopes, 'read')) throw new EngineError('AUTH_FORBIDDEN', 'entities need the read scope');
  }
  let entities: unknown;
  try {
    entities = parseJsonWithin(text);
  } catch {
    entities = undefined;
  }
  if (typeof entities !== 'object' || entities === null || Array.isArray(entities)) {
    throw new EngineError('REQUEST_INVALID', 'entities must be a JSON object such as {"user": "u1"}');
  }
  return entities as Record<string, unknown>;
}
