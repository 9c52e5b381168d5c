import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EngineError } from '../../core/index.js';
import { maxFeedPageItems } from '../../exchange-sync/index.js';
import { feedSignatureHeader } from '../../exchanges/index.js';
import type { HttpDependencies } from '../dependencies.js';

const checkpointNumber = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0);

/**
 * `GET /v1/exchange-feed/{bank}`: the bank as a Prevail peer exchange feed, one signed page of
 * additions and deletions after a checkpoint (`docs/exchanges.md`). Served only when the server
 * has a feed signing key (`PREVAIL_EXCHANGE_FEED_KEY`); the body's exact bytes are signed
 * (`Prevail-Feed-Signature`), so it is sent as text, never re-serialised.
 */
export function registerExchangeFeedRoutes(app: FastifyInstance, { exchangeFeed }: HttpDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/v1/exchange-feed/:bank',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['exchanges'],
        summary: 'A signed page of a published bank (the Prevail peer exchange)',
        params: z.object({ bank: z.string().max(200) }),
        querystring: z.object({
          after_content: checkpointNumber,
          after_tombstone: checkpointNumber,
          limit: z.coerce.number().int().min(1).max(maxFeedPageItems).default(1000),
        }),
      },
    },
    async (request, reply) => {
      if (exchangeFeed === undefined) {
        throw new EngineError(
          'BANK_NOT_FOUND',
          'this server publishes no exchange feed (PREVAIL_EXCHANGE_FEED_KEY is not set)',
        );
      }
      const { body, signature } = await exchangeFeed.page(
        request.params.bank,
        { content: request.query.after_content, tombstone: request.query.after_tombstone },
        request.query.limit,
      );
      return reply.header(feedSignatureHeader, signature).type('application/json; charset=utf-8').send(body);
    },
  );
}
