import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiScopes, createApiKey } from '../../auth/index.js';
import { EngineError } from '../../core/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { queryInteger } from '../query-values.js';
import { apiKeyAnswerSchema } from './answer-schemas.js';

/** `/v1/keys` (admin scope): create, list and revoke API keys. The secret is shown once. */
export function registerKeyRoutes(app: FastifyInstance, { apiKeys }: HttpDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['keys'];
  api.post(
    '/v1/keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Create an API key (the secret is in this response only)',
        body: z.strictObject({ name: z.string().min(1).max(200), scopes: z.array(z.enum(apiScopes)).min(1) }),
        response: {
          201: apiKeyAnswerSchema.extend({
            secret: z.string().describe('the key to send as "Authorization: Bearer <secret>"; shown only here'),
          }),
        },
      },
    },
    async (request, reply) => {
      const { key, secret } = await createApiKey(apiKeys, request.body.name, request.body.scopes);
      return reply.code(201).send({ ...key, secret });
    },
  );
  api.get(
    '/v1/keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'List API keys (never their secrets)',
        response: { 200: z.object({ keys: z.array(apiKeyAnswerSchema) }) },
      },
    },
    async () => ({ keys: await apiKeys.list() }),
  );
  api.delete(
    '/v1/keys/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Revoke an API key',
        params: z.object({ id: queryInteger(Number.MIN_SAFE_INTEGER) }),
        response: { 200: z.object({ revoked: z.literal(true) }) },
      },
    },
    async (request) => {
      if (!(await apiKeys.revoke(request.params.id)))
        throw new EngineError('KEY_NOT_FOUND', `no active key has id ${request.params.id}`);
      return { revoked: true as const };
    },
  );
}
