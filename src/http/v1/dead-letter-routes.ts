import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HttpDependencies } from '../dependencies.js';
import { queryInteger } from '../query-values.js';

/**
 * `GET /v1/dead-letters` (read scope): the acknowledged events whose processing failed, and in
 * multi-node mode the bus messages workers set aside (`BUS_*` codes, docs/scaling.md), in log
 * order, with the error each one met. The engine records them and goes on with later events;
 * this is where an operator finds them (`/metrics` counts them as `prevail_engine_dead_letters`).
 */
export function registerDeadLetterRoutes(app: FastifyInstance, { engine }: HttpDependencies): void {
  if (engine === undefined) return;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/dead-letters',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['engine'],
        summary: 'Events whose processing failed (event id, seq, error code and message, time), in log order',
        querystring: z.strictObject({ after: queryInteger(0).optional(), limit: queryInteger(1, 1000).optional() }),
        response: {
          200: z.object({
            deadLetters: z.array(
              z.object({
                eventSeq: z.number().int(),
                eventId: z.string(),
                code: z.string().describe('the error code, e.g. INTERNAL or STORAGE_UNAVAILABLE'),
                message: z.string(),
                failedAt: z.string().describe('ISO-8601 time'),
              }),
            ),
            next: z.number().int().nullable().describe('pass as ?after= for the next page; null on the last'),
          }),
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
