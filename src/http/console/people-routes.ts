import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EngineError } from '../../core/index.js';
import { can, roles } from '../../people/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { reasonSchema, requireReason } from '../v1/reason.js';
import { consoleRoute } from './console-route.js';
import { personSchema } from './people-schemas.js';

/**
 * `/console/api/people`: list and create people (`people.manage`), and the child-safety opt-in
 * of a person (the person themself, or someone with `people.manage`), always with a reason.
 * Everything is audited by `PeopleService` with the signed-in person as actor.
 */
export function registerPeopleRoutes(app: FastifyInstance, { people }: HttpDependencies): void {
  if (people === undefined) return;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['console'];
  api.get(
    '/console/api/people',
    {
      config: consoleRoute({ permission: 'people.manage' }),
      schema: {
        tags,
        summary: 'Everyone with a login',
        response: { 200: z.object({ people: z.array(personSchema) }) },
      },
    },
    async () => ({ people: await people.list() }),
  );
  api.post(
    '/console/api/people',
    {
      config: consoleRoute({ permission: 'people.manage' }),
      schema: {
        tags,
        summary: 'Create a person (login [a-z0-9._-]{1,64}, password of at least 12 characters, roles)',
        body: z.strictObject({
          login: z.string().max(256),
          displayName: z.string().max(1000).optional(),
          password: z.string().max(1024).nullable().describe('null: single sign-on only'),
          roles: z.array(z.enum(roles)).max(roles.length * 2),
        }),
        response: { 201: z.object({ person: personSchema }) },
      },
    },
    async (request, reply) => {
      const person = await people.create(request.body, { actor: request.actor });
      return reply.code(201).send({ person });
    },
  );
  api.post(
    '/console/api/people/:login/opt-in',
    {
      config: consoleRoute(),
      preValidation: requireReason('body'),
      schema: {
        tags,
        summary: "Record or withdraw a person's opt-in to child-safety work (themself, or people.manage)",
        params: z.object({ login: z.string().max(256) }),
        body: z.strictObject({ optIn: z.boolean(), reason: reasonSchema }),
        response: { 200: z.object({ person: personSchema }) },
      },
    },
    async (request) => {
      const actor = request.person;
      if (actor === undefined) throw new EngineError('AUTH_REQUIRED', 'sign in first');
      if (actor.login !== request.params.login && !can(actor, 'people.manage')) {
        throw new EngineError(
          'AUTH_FORBIDDEN',
          "only the person themself or people.manage may change someone's opt-in",
        );
      }
      const person = await people.setChildSafetyOptIn(request.params.login, request.body.optIn, {
        actor: request.actor,
        reason: request.body.reason,
      });
      return { person };
    },
  );
}
