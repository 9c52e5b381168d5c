import type { FastifyInstance } from 'fastify';
import { type ApiScope, apiScopes, createApiKey } from '../../auth/index.js';
import { EngineError } from '../../core/index.js';
import type { HttpDependencies } from '../dependencies.js';

/** `/v1/keys` (admin scope): create, list and revoke API keys. The secret is shown once. */
export function registerKeyRoutes(app: FastifyInstance, { apiKeys }: HttpDependencies): void {
  const tags = ['keys'];
  app.post<{ Body: { name: string; scopes: ApiScope[] } }>(
    '/v1/keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Create an API key (the secret is in this response only)',
        body: {
          type: 'object',
          required: ['name', 'scopes'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            scopes: { type: 'array', minItems: 1, items: { type: 'string', enum: [...apiScopes] } },
          },
        },
      },
    },
    async (request, reply) => {
      const { key, secret } = await createApiKey(apiKeys, request.body.name, request.body.scopes);
      return reply.code(201).send({ ...key, secret });
    },
  );
  app.get(
    '/v1/keys',
    { config: { scope: 'admin' }, schema: { tags, summary: 'List API keys (never their secrets)' } },
    async () => ({
      keys: await apiKeys.list(),
    }),
  );
  app.delete<{ Params: { id: number } }>(
    '/v1/keys/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Revoke an API key',
        params: { type: 'object', properties: { id: { type: 'integer' } } },
      },
    },
    async (request) => {
      if (!(await apiKeys.revoke(request.params.id)))
        throw new EngineError('KEY_NOT_FOUND', `no active key has id ${request.params.id}`);
      return { revoked: true };
    },
  );
}
