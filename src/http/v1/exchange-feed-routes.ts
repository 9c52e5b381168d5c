import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EngineError } from '../../core/index.js';
import { maxFeedPageItems } from '../../exchange-sync/index.js';
import { feedSignatureHeader } from '../../exchanges/index.js';
import type { HttpDependencies } from '../dependencies.js';

const feedCheckpointSchema = z.object({ content: z.number().int(), tombstone: z.number().int() });

/**
 * The page's shape, for the OpenAPI document (`FeedPage` in `exchanges`). The route sends the
 * signed bytes as text, which Fastify does not re-serialise, so this schema describes, and
 * cannot alter, what was signed.
 */
const feedPageSchema = z.object({
  format: z.string().describe('the feed format and version'),
  bank: z.string(),
  after: feedCheckpointSchema,
  items: z.array(
    z.object({
      key: z.string().describe('the upstream key of the item'),
      record: z
        .object({
          signals: z.array(z.object({ signalType: z.string(), value: z.string() })),
          metadata: z.record(z.string(), z.unknown()),
        })
        .nullable()
        .describe('null: the item was deleted'),
    }),
  ),
  checkpoint: feedCheckpointSchema,
  more: z.boolean(),
});

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
        response: { 200: feedPageSchema },
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
      // The signed bytes themselves: a string payload is sent as is, never through the schema's
      // serializer, so the type provider is told the text is the page it describes.
      const signedPage = body as unknown as z.infer<typeof feedPageSchema>;
      return reply.header(feedSignatureHeader, signature).type('application/json; charset=utf-8').send(signedPage);
    },
  );
}
