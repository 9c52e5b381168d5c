import type { FastifyInstance } from 'fastify';
import type { StartStreamRequest, StreamStatus } from '../../streams/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { schemas } from './json.js';

const entityId = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\s:][^\\s]*$' } as const;

/** The OpenAPI schema of a stream's status (every field is listed: the serialiser drops others). */
const streamStatus = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string', description: 'the source, credentials and query values hidden' },
    kind: { type: 'string', enum: ['file', 'hls', 'live'], description: 'how the source ends' },
    state: { type: 'string', enum: ['connecting', 'running', 'reconnecting', 'ended', 'failed', 'stopped'] },
    requestedFps: { type: 'number' },
    fps: { type: 'number', description: 'frames per second hashed now (below requestedFps when degraded)' },
    degraded: { type: 'boolean', description: 'true while the CPU budget holds the rate below requestedFps' },
    entities: { type: 'object', properties: { stream: { type: 'string' }, user: { type: 'string' } } },
    startedAt: { type: 'string' },
    endedAt: { type: 'string', nullable: true },
    framesSampled: { type: 'integer' },
    framesDropped: { type: 'integer' },
    lastFrameAt: { type: 'string', nullable: true },
    matches: { type: 'integer', description: 'hashed frames with at least one bank match' },
    events: { type: 'integer', description: 'media.matched events sent to the signals engine' },
    reconnects: { type: 'integer' },
    lastError: { type: 'string', nullable: true },
  },
} as const;

const budget = {
  type: 'object',
  properties: {
    maxFramesPerSecond: { type: 'number' },
    overload: { type: 'string', enum: ['refuse', 'degrade'] },
    minimumFps: { type: 'number' },
    requestedFps: { type: 'number' },
    allocatedFps: { type: 'number' },
    activeStreams: { type: 'integer' },
  },
} as const;

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] } as const;

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
  const tags = ['streams'];

  app.post<{ Body: StartStreamRequest }>(
    '/v1/streams',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Start watching a live stream: sample frames, match them, send matches to the signals engine',
        body: {
          type: 'object',
          required: ['url'],
          additionalProperties: false,
          properties: {
            url: {
              type: 'string',
              minLength: 1,
              maxLength: 4096,
              description:
                'rtmp://, rtmps://, rtsp://, http(s):// (HLS .m3u8 or HTTP-FLV); files only if the server allows',
            },
            fps: {
              type: 'number',
              exclusiveMinimum: 0,
              maximum: 30,
              description: 'frames sampled per second (default 1)',
            },
            entities: {
              type: 'object',
              additionalProperties: false,
              properties: { stream: entityId, user: entityId },
              description:
                'entities of the media.matched events: the stream (default: the watcher id) and its host user',
            },
            banks: {
              type: 'array',
              items: schemas.bankName,
              maxItems: 100,
              description: 'only these banks (default all)',
            },
          },
        },
        response: { 201: streamStatus, 503: schemas.error },
      },
    },
    async (request, reply) => {
      const status = await streams.start(request.body);
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

  app.get(
    '/v1/streams',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List watched streams (active first, then the most recent finished ones) and the CPU budget',
        response: { 200: { type: 'object', properties: { streams: { type: 'array', items: streamStatus }, budget } } },
      },
    },
    async () => ({ streams: streams.list(), budget: streams.budget() }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/streams/:id',
    {
      config: { scope: 'read' },
      schema: { tags, summary: "Show a stream's status", params: idParams, response: { 200: streamStatus } },
    },
    async (request): Promise<StreamStatus> => streams.get(request.params.id),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/streams/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Stop watching a stream (ffmpeg is stopped before the answer); returns its final status',
        params: idParams,
        response: { 200: streamStatus },
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
