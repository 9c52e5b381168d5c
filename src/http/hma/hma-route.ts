import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyErrorHandler } from './json-body.js';

/** What one HMA-compatible route declares. */
export interface HmaRouteDefinition {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  /** `read` for hashing, lookups and reads; `write` for anything that changes banks or content. */
  readonly scope: 'read' | 'write';
  /** One line for the OpenAPI reference. */
  readonly summary: string;
  /**
   * How bodies Fastify refuses before the handler are answered (see `bodyErrorHandler`): `json`
   * for views that read `request.json` (415), `{ model }` for pydantic body models (422).
   */
  readonly body?: 'json' | { readonly model: string };
  readonly handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/**
 * Registers one route of the HMA 1.1.7-compatible API with the settings every such route needs:
 * `hma: true` (errors as `{"message"}`, access per `HttpConfig.hmaAccess`), its scope, and an
 * OpenAPI entry under the `HMA 1.1.7` tag. No request schema is attached: HMA's own validation
 * answers (400/415/422 with its texts) are produced by the handlers, not by Fastify.
 */
export function hmaRoute(app: FastifyInstance, definition: HmaRouteDefinition): void {
  app.route({
    method: definition.method,
    url: definition.url,
    config: { scope: definition.scope, hma: true },
    schema: { tags: ['HMA 1.1.7'], summary: definition.summary },
    ...(definition.body !== undefined ? { errorHandler: bodyErrorHandler(definition.body) } : {}),
    handler: definition.handler,
  });
}
