import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caseActions } from '../../actions/index.js';
import { EngineError } from '../../core/index.js';
import { defaultActionStreamLimits, pumpActionStream, type StreamSink } from '../action-stream.js';
import type { HttpDependencies } from '../dependencies.js';
import { errorResponseSchema } from '../error-response.js';
import { queryInteger } from '../query-values.js';
import { caseActionsAnswerSchema } from './answer-schemas.js';

/** Subscribers of `/v1/actions/stream` at once (each holds a connection and polls storage). */
const maxSubscribers = 64;

const streamQuery = z.strictObject({
  endpoint: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/)
    .describe('the kind: sse endpoint of actions.yaml (optional when it declares exactly one)')
    .optional(),
  from: z
    .enum(['start', 'now'])
    .describe('without Last-Event-ID: every retained action (start, the default) or only new ones (now)')
    .optional(),
});

/**
 * `GET /v1/actions/stream` (read scope): server-sent events of an SSE endpoint's actions, for
 * platforms that hold a connection instead of exposing a webhook. Each event is
 * `id: <outbox id>`, `event: action`, `data: <the webhook body>`; a reconnect with
 * `Last-Event-ID: <id>` resumes after it, so nothing is missed across disconnects. Shadow
 * actions are never streamed. Heartbeat comments keep idle connections open; a subscriber that
 * leaves more than 1 MiB unread is ended with `ACTIONS_STREAM_SLOW_CONSUMER`.
 */
export function registerActionRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  registerCaseActionRoute(app, dependencies);
  const { actionStream } = dependencies;
  if (actionStream === undefined) return;
  const limits = { ...defaultActionStreamLimits, ...actionStream.limits };
  const live = new Set<StreamSink>();
  // Open streams would hold the server's close forever: end them first.
  app.addHook('preClose', async () => {
    for (const sink of live) sink.destroy();
  });
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/actions/stream',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['actions'],
        summary: 'Server-sent events: the actions of a kind: sse endpoint, resumable with Last-Event-ID',
        description:
          'text/event-stream. Events: `action` (id = outbox id, data = the webhook body), comments as heartbeats, and a last `error` event (ACTIONS_STREAM_SLOW_CONSUMER) when the subscriber reads too slowly. Header Last-Event-ID: the last outbox id received (digits).',
        querystring: streamQuery,
        response: {
          200: z.string().describe('text/event-stream'),
          400: errorResponseSchema,
          404: errorResponseSchema,
          503: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const endpoint = request.query.endpoint ?? onlyEndpoint(actionStream.endpoints);
      if (!actionStream.endpoints.includes(endpoint))
        throw new EngineError('ACTION_ENDPOINT_NOT_FOUND', `actions.yaml declares no kind: sse endpoint '${endpoint}'`);
      const header = request.headers['last-event-id'];
      if (header !== undefined && (typeof header !== 'string' || !/^[0-9]{1,15}$/.test(header)))
        throw new EngineError('REQUEST_INVALID', 'Last-Event-ID is the outbox id of the last action received (digits)');
      if (live.size >= maxSubscribers)
        throw new EngineError('ACTIONS_STREAM_BUSY', `${maxSubscribers} subscribers already hold the stream open`);
      const afterId =
        header !== undefined ? Number(header) : request.query.from === 'now' ? await actionStream.outbox.lastId() : 0;
      reply.hijack();
      const sink = reply.raw;
      sink.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      live.add(sink);
      try {
        const how = await pumpActionStream(
          sink,
          (after, limit) => actionStream.outbox.streamAfter(endpoint, after, limit),
          afterId,
          limits,
        );
        request.log.info({ endpoint, how }, 'action stream ended');
      } catch (error) {
        request.log.error({ err: error, endpoint }, 'action stream failed');
        sink.destroy();
      } finally {
        live.delete(sink);
      }
    },
  );
}

function onlyEndpoint(endpoints: readonly string[]): string {
  if (endpoints.length === 1 && endpoints[0] !== undefined) return endpoints[0];
  throw new EngineError(
    'ACTION_ENDPOINT_NOT_FOUND',
    endpoints.length === 0
      ? 'actions.yaml declares no kind: sse endpoint'
      : `name one of the kind: sse endpoints with ?endpoint=: ${endpoints.join(', ')}`,
  );
}

/**
 * `GET /v1/cases/{id}/actions` (read scope): the actions a case's detections and decisions
 * triggered, with their delivery state and newest attempts; never a body, payload or secret.
 */
function registerCaseActionRoute(app: FastifyInstance, { outbox, engineStore }: HttpDependencies): void {
  if (outbox === undefined || engineStore === undefined) return;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/cases/:id/actions',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['actions'],
        summary: "A case's actions and their deliveries (status, attempts, last error, next retry); never a payload",
        params: z.strictObject({ id: queryInteger(1) }),
        response: { 200: caseActionsAnswerSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      if ((await engineStore.cases.get(request.params.id)) === undefined)
        throw new EngineError('CASE_NOT_FOUND', `case ${request.params.id} not found`);
      return { actions: await caseActions(outbox, request.params.id) };
    },
  );
}
