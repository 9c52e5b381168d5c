import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StartStreamRequest, StreamStatus } from '../../streams/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { errorResponseSchema } from '../error-response.js';
import { definedOnly } from './defined-only.js';
import { bankNameSchema } from './schemas.js';

const entityId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s:][^\s]*$/);

const startStreamSchema = z.strictObject({
  url: z
    .string()
    .min(1)
    .max(4096)
    .describe('rtmp://, rtmps://, rtsp://, http(s):// (HLS .m3u8 or HTTP-FLV); files only if the server allows'),
  fps: z.number().gt(0).max(30).describe('frames sampled per second (default 1)').optional(),
  entities: z
    .strictObject({ stream: entityId.optional(), user: entityId.optional() })
    .describe('entities of the media.matched events: the stream (default: the watcher id) and its host user')
    .optional(),
  banks: z.array(bankNameSchema).max(100).describe('only these banks (default all)').optional(),
});

/**
 * A stream's status as the routes answer it. Fields are optional as in the former JSON Schema;
 * a field not listed here is dropped from the answer.
 */
const streamStatusSchema = z.object({
  id: z.string().optional(),
  url: z.string().describe('the source, credentials and query values hidden').optional(),
  kind: z.enum(['file', 'hls', 'live']).describe('how the source ends').optional(),
  state: z.enum(['connecting', 'running', 'reconnecting', 'ended', 'failed', 'stopped']).optional(),
  requestedFps: z.number().optional(),
  fps: z.number().describe('frames per second hashed now (below requestedFps when degraded)').optional(),
  degraded: z.boolean().describe('true while the CPU budget holds the rate below requestedFps').optional(),
  entities: z.object({ stream: z.string().optional(), user: z.string().optional() }).optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().nullable().optional(),
  framesSampled: z.number().int().optional(),
  framesDropped: z.number().int().optional(),
  lastFrameAt: z.string().nullable().optional(),
  matches: z.number().int().describe('hashed frames with at least one bank match').optional(),
  events: z.number().int().describe('media.matched events sent to the signals engine').optional(),
  reconnects: z.number().int().optional(),
  lastError: z.string().nullable().optional(),
});

const budgetSchema = z.object({
  maxFramesPerSecond: z.number().optional(),
  overload: z.enum(['refuse', 'degrade']).optional(),
  minimumFps: z.number().optional(),
  requestedFps: z.number().optional(),
  allocatedFps: z.number().optional(),
  activeStreams: z.number().int().optional(),
  extraViews: z
    .array(z.string())
    .readonly()
    .describe('views every stream hashes besides the defaults (--stream-extra-views), which the budget counts')
    .optional(),
});

const idParams = z.object({ id: z.string().max(100) });

/**
 * `/v1/streams`: start, list, show and stop live-stream watchers. Starting and stopping need the
 * `write` scope and are audited; listing needs `read`. Which URLs may be watched is the server's
 * stream source policy (schemes, files, allowed hosts, private addresses: see `docs/streams.md`);
 * a stream that does not fit the CPU budget is refused with 503 `STREAM_BUDGET_EXCEEDED`.
 * The routes exist only when the server was given a stream manager.
 */
export function registerStreamRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { streams, audit } = dependencies;
  if (streams === undefined) return;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['streams'];

  api.post(
    '/v1/streams',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Start watching a live stream: sample frames, match them, send matches to the signals engine',
        body: startStreamSchema,
        response: { 201: streamStatusSchema, 503: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const status = await streams.start(startRequest(request.body));
      await audit?.record({
        actor: request.actor,
        action: 'stream.start',
        subject: `stream:${status.id}`,
        reason: 'watch requested',
        detail: { url: status.url, fps: status.requestedFps, entities: status.entities },
      });
      return reply.code(201).send(status);
    },
  );

  api.get(
    '/v1/streams',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List watched streams (active first, then the most recent finished ones) and the CPU budget',
        response: {
          200: z.object({ streams: z.array(streamStatusSchema).optional(), budget: budgetSchema.optional() }),
        },
      },
    },
    async () => ({ streams: streams.list(), budget: streams.budget() }),
  );

  api.get(
    '/v1/streams/:id',
    {
      config: { scope: 'read' },
      schema: { tags, summary: "Show a stream's status", params: idParams, response: { 200: streamStatusSchema } },
    },
    async (request): Promise<StreamStatus> => streams.get(request.params.id),
  );

  api.delete(
    '/v1/streams/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Stop watching a stream (ffmpeg is stopped before the answer); returns its final status',
        params: idParams,
        response: { 200: streamStatusSchema },
      },
    },
    async (request): Promise<StreamStatus> => {
      const status = await streams.stop(request.params.id);
      await audit?.record({
        actor: request.actor,
        action: 'stream.stop',
        subject: `stream:${status.id}`,
        reason: 'stop requested',
      });
      return status;
    },
  );
}

/** The stream manager's request from the validated body (absent fields left out). */
function startRequest(body: z.output<typeof startStreamSchema>): StartStreamRequest {
  const { entities, ...rest } = body;
  return { ...definedOnly(rest), ...(entities !== undefined ? { entities: definedOnly(entities) } : {}) };
}
