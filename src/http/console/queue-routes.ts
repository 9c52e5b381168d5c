import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { casePriorities, caseSources } from '../../cases/index.js';
import { EngineError } from '../../core/index.js';
import { type Person, personActor } from '../../people/index.js';
import { maxQueuePage } from '../../queues/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { queryInteger } from '../query-values.js';
import { reasonSchema, requireReason } from '../v1/reason.js';
import './console-route.js';

/** Every queue route: a console route (session cookie, CSRF on writes) needing `queues.work`. */
const config = { scope: 'public', console: { permission: 'queues.work' } } as const;

/** A case as a queue shows it (`QueueItem`). */
const queueItemSchema = z.object({
  caseId: z.number().int(),
  subject: z.string(),
  priority: z.enum(casePriorities),
  source: z.enum(caseSources),
  typology: z.string().nullable(),
  imminent: z.boolean(),
  openedAt: z.string(),
  claimedBy: z.string().nullable().describe('who holds a live claim on it, or null'),
  claimExpiresAt: z.string().nullable(),
});
const itemAnswer = { 200: z.object({ item: queueItemSchema }) };

const queueParams = z.strictObject({ name: z.string().min(1).max(64) });
const caseParams = z.strictObject({ id: queryInteger(1) });

/**
 * The signed-in person (set by the console session hook).
 *
 * @throws EngineError `AUTH_REQUIRED` when there is none (no session hook ran or no session).
 */
function personOf(request: FastifyRequest): Person {
  const person = request.person;
  if (person === undefined) throw new EngineError('AUTH_REQUIRED', 'sign in to the console first');
  return person;
}

/**
 * The console's queue routes (contract B in docs/console.md): the queue list with depth, oldest
 * age and whether the person may work each; a queue's page; claim next, claim, release (with a
 * reason), step away (without); imminent harm set or cleared (with a reason, on a case of a queue
 * the person may work). Each handler only maps HTTP to `QueueService` and `CaseService`, which
 * check access and audit with the person as actor.
 */
export function registerQueueRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { queues, cases } = dependencies;
  if (queues === undefined) return;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['console'];

  api.get(
    '/console/api/queues',
    {
      config,
      schema: {
        tags,
        summary: 'The review queues: depth, oldest age, whether you may work each',
        response: {
          200: z.object({
            queues: z.array(
              z.object({
                name: z.string(),
                title: z.string(),
                childSafety: z.boolean(),
                depth: z.number().int().describe('cases waiting'),
                oldestAgeSeconds: z.number(),
                mayWork: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ queues: await queues.summaries(personOf(request)) }),
  );

  api.get(
    '/console/api/queues/:name/cases',
    {
      config,
      schema: {
        tags,
        summary: 'A queue’s cases in queue order (imminent, hash matches, the rest; oldest first)',
        params: queueParams,
        querystring: z.strictObject({ limit: queryInteger(1, maxQueuePage).optional() }),
        response: { 200: z.object({ cases: z.array(queueItemSchema) }) },
      },
    },
    async (request) => ({
      cases: await queues.page(request.params.name, personOf(request), request.query.limit ?? 50),
    }),
  );

  api.post(
    '/console/api/queues/:name/claim-next',
    {
      config,
      schema: {
        tags,
        summary: 'Claim the next case of a queue (null when none is free)',
        params: queueParams,
        'x-prevail-no-body': true,
        response: { 200: z.object({ item: queueItemSchema.nullable() }) },
      },
    },
    async (request) => ({ item: await queues.claimNext(request.params.name, personOf(request)) }),
  );

  api.post(
    '/console/api/cases/:id/claim',
    {
      config,
      schema: {
        tags,
        summary: 'Claim a case (or renew your claim)',
        params: caseParams,
        'x-prevail-no-body': true,
        response: itemAnswer,
      },
    },
    async (request) => ({ item: await queues.claim(request.params.id, personOf(request)) }),
  );

  api.post(
    '/console/api/cases/:id/release',
    {
      config,
      preValidation: requireReason('body'),
      schema: {
        tags,
        summary: 'Give a claimed case back to its queue, with a reason',
        params: caseParams,
        body: z.strictObject({ reason: reasonSchema }),
        response: itemAnswer,
      },
    },
    async (request) => ({ item: await queues.release(request.params.id, personOf(request), request.body.reason) }),
  );

  api.post(
    '/console/api/cases/:id/step-away',
    {
      config,
      schema: {
        tags,
        summary: 'Step away: the case goes back to its queue, no reason asked',
        params: caseParams,
        'x-prevail-no-body': true,
        response: itemAnswer,
      },
    },
    async (request) => ({ item: await queues.stepAway(request.params.id, personOf(request)) }),
  );

  if (cases === undefined) return;
  api.post(
    '/console/api/cases/:id/imminent',
    {
      config,
      preValidation: requireReason('body'),
      schema: {
        tags,
        summary: 'Set or clear imminent harm on a case (it jumps its queue while set), with a reason',
        params: caseParams,
        body: z.strictObject({ imminent: z.boolean(), reason: reasonSchema }),
        response: itemAnswer,
      },
    },
    async (request) => {
      const person = personOf(request);
      await queues.checkCaseAccess(person, request.params.id);
      await cases.setImminent(request.params.id, request.body.imminent, {
        actor: personActor(person),
        reason: request.body.reason,
      });
      return { item: await queues.item(request.params.id) };
    },
  );
}
