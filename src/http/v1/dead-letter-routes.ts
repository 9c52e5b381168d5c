import type { FastifyInstance } from 'fastify';
import type { HttpDependencies } from '../dependencies.js';

/**
 * `GET /v1/dead-letters` (read scope): the acknowledged events whose processing failed, in log
 * order, with the error each one met. The engine records them and goes on with later events;
 * this is where an operator finds them (`/metrics` counts them as `prevail_engine_dead_letters`).
 */
export function registerDeadLetterRoutes(app: FastifyInstance, { engine }: HttpDependencies): void {
  if (engine === undefined) return;
  app.get<{ Querystring: { after?: number; limit?: number } }>(
    '/v1/dead-letters',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['engine'],
        summary: 'Events whose processing failed (event id, seq, error code and message, time), in log order',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const deadLetters = await engine.engine.deadLetters(request.query.after ?? 0, limit);
      const last = deadLetters[deadLetters.length - 1];
      return {
        deadLetters,
        next: deadLetters.length === limit && last !== undefined ? last.eventSeq : null,
      };
    },
  );
}
