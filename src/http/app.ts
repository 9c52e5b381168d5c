import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { apiKeyDigest, hasScope } from '../auth/index.js';
import { defaultMaxJsonDepth, EngineError, jsonDepth, toEngineError } from '../core/index.js';
import { silentLogger } from '../logging/index.js';
import { bearerSecret } from './bearer-secret.js';
import { registerConsoleRoutes } from './console/index.js';
import type { HttpDependencies } from './dependencies.js';
import { httpStatusOfCode, retryAfterSecondsOfCode } from './errors.js';
import { registerHmaRoutes } from './hma/index.js';
import { createHttpMetrics } from './metrics.js';
import { describeOperation, securitySchemes } from './openapi-operation.js';
import './route-config.js';
import { checkRequestSite, loopbackHostNames } from './request-guard.js';
import { registerStatusRoutes } from './status-routes.js';
import { registerV1Routes } from './v1/index.js';

/** Paths of the HMA-compatible API: errors there are `{"message": …}`, as its clients expect. */
export function isHmaPath(url: string): boolean {
  return /^\/+(h|m|c)\//.test(url);
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: EngineError): FastifyReply {
  const status = httpStatusOfCode[error.code];
  const retryAfter = retryAfterSecondsOfCode[error.code];
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  if (error.code === 'INTERNAL') {
    // The internal message (a database's text, a stack's first line) stays in the log; the
    // client gets the request id that finds that log line.
    const message = `internal error; the server logged it under request id ${request.id}`;
    if (isHmaPath(request.url)) return reply.code(status).send({ message, requestId: request.id });
    return reply.code(status).send({ error: { code: error.code, message, requestId: request.id } });
  }
  if (isHmaPath(request.url)) return reply.code(status).send({ message: error.message });
  return reply.code(status).send({ error: error.toJSON() });
}

/** Turns Fastify's own errors (body too large, bad JSON, schema validation) into coded errors. */
function fromFastifyError(error: FastifyError): EngineError {
  if (
    error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ||
    error.code === 'FST_REQ_FILE_TOO_LARGE' ||
    error.statusCode === 413
  ) {
    return new EngineError('REQUEST_TOO_LARGE', 'Content too large');
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new EngineError('REQUEST_INVALID', error.message);
  if (error.validation !== undefined || (error.statusCode !== undefined && error.statusCode < 500)) {
    return new EngineError('REQUEST_INVALID', error.message);
  }
  return toEngineError(error);
}

/**
 * Builds the HTTP server (not yet listening): status routes, the HMA 1.1.7-compatible routes,
 * Prevail's `/v1` API with OpenAPI at `/openapi.json` and a browsable reference at `/docs`, API
 * key authentication with scopes, and Prometheus metrics at `/metrics`.
 *
 * Tests drive it in-process with `app.inject()`.
 */
export async function buildHttpServer(dependencies: HttpDependencies): Promise<FastifyInstance> {
  const { config } = dependencies;
  const maxJsonDepth = config.maxJsonDepth ?? defaultMaxJsonDepth;
  // Typed as Fastify's base logger so that the app keeps the type every route module expects.
  const loggerInstance: FastifyBaseLogger = config.logger ?? silentLogger();
  const app = Fastify({
    loggerInstance,
    genReqId: () => randomUUID(),
    // Coop's default base URL ends in "/", so it requests "//c/banks"; HMA serves that.
    routerOptions: { ignoreDuplicateSlashes: true },
    bodyLimit: dependencies.config.maxUploadBytes,
    // Only the configured proxies' X-Forwarded-For is believed (anyone can send the header).
    ...(config.trustProxy !== undefined && config.trustProxy.length > 0 ? { trustProxy: [...config.trustProxy] } : {}),
    // "body/name Invalid string: …", "querystring/limit Too big: …": where, then what.
    schemaErrorFormatter: (errors, dataVar) =>
      new Error(
        errors
          .map(
            (error) =>
              `${dataVar}${error.instancePath === '/' ? '' : error.instancePath} ${error.message ?? 'is invalid'}`,
          )
          .join('; '),
      ),
  });
  // Request and response schemas are zod schemas (one source for validation, the handlers' types
  // and OpenAPI): nothing is coerced unless a schema says so (`query-values.ts`).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // First of all hooks: DNS rebinding and cross-site writes are refused before anything runs.
  const guard = {
    allowedHosts: config.allowedHosts ?? loopbackHostNames,
    allowedOrigins: config.allowedOrigins ?? [],
  };
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    checkRequestSite(request, guard);
  });

  // Accept "Content-Type: application/json" with an empty body (Coop's GETs send one).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    if (jsonDepth(text, maxJsonDepth) > maxJsonDepth) {
      return done(
        new EngineError(
          'REQUEST_INVALID',
          `the JSON body nests deeper than ${maxJsonDepth} levels (the limit is PREVAIL_MAX_JSON_DEPTH)`,
        ),
      );
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(
        new EngineError(
          'REQUEST_INVALID',
          'The browser (or proxy) sent a request that this server could not understand.',
        ),
      );
    }
  });
  // Hash lists for import arrive as text; payment files (ISO 20022 XML, CSV, JSON Lines) too.
  app.addContentTypeParser(
    ['text/plain', 'application/xml', 'text/xml', 'text/csv', 'application/x-ndjson', 'application/jsonl'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );
  // Any other body (say a form-encoded one on `POST /c/bank/<n>/content?url=`) is ignored, as
  // HMA's handlers ignore it, rather than refused before the route runs.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));

  await app.register(multipart, {
    limits: { fileSize: dependencies.config.maxUploadBytes, files: 2, fields: 20 },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Prevail API',
        version: '1',
        description:
          "Hash banks and matching. `/v1` is Prevail's own API; `/h`, `/m` and `/c` are compatible with HMA 1.1.7.",
      },
      components: { securitySchemes },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // Schemas registered with an id (the error envelope) become components, referenced by `$ref`.
    transformObject: jsonSchemaTransformObject,
  });
  // Every `/v1` and `/console/api` operation answers errors with the one envelope and names its
  // security requirement (declared here once, not per route).
  app.addHook('onRoute', describeOperation);
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const metrics = createHttpMetrics(app, dependencies);
  // The hashing workers stop with the server.
  app.addHook('onClose', () => dependencies.hasher.close());

  app.decorateRequest('actor', 'anonymous');
  app.addHook('onRequest', async (request, reply) => {
    const settings = request.routeOptions.config;
    // Unmatched paths get a plain 404 and the reference page is public; anything else that
    // forgot to declare a scope needs admin (deny by default).
    const unmatched = request.routeOptions.url === undefined;
    const scope = unmatched || request.url.startsWith('/docs') ? 'public' : (settings.scope ?? 'admin');
    if (scope === 'public') return;
    if (settings.hma === true && dependencies.config.hmaAccess === 'open') return;
    const secret = bearerSecret(request.headers.authorization);
    const key = secret === undefined ? undefined : await dependencies.apiKeys.findActiveByDigest(apiKeyDigest(secret));
    if (key === undefined) {
      if (settings.hma === true) {
        return reply.code(401).type('text/html; charset=utf-8').send('Authentication required');
      }
      return sendError(
        request,
        reply,
        new EngineError('AUTH_REQUIRED', 'send an API key as "Authorization: Bearer <key>"'),
      );
    }
    if (!hasScope(key.scopes, scope)) {
      return sendError(request, reply, new EngineError('AUTH_FORBIDDEN', `this request needs the ${scope} scope`));
    }
    request.actor = `key:${key.name}`;
  });

  app.setErrorHandler((error: FastifyError | EngineError, request, reply) => {
    const engineError = error instanceof EngineError ? error : fromFastifyError(error);
    // Every server-side failure is logged with its cause under the request id; the client's
    // errors (4xx) are in the request log already.
    if (httpStatusOfCode[engineError.code] >= 500) {
      request.log.error(
        { err: error, code: engineError.code },
        engineError.code === 'INTERNAL' ? 'internal error' : 'server error',
      );
    }
    return sendError(request, reply, engineError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new EngineError('ROUTE_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`),
    ),
  );

  registerStatusRoutes(app, dependencies, metrics);
  registerHmaRoutes(app, dependencies);
  registerV1Routes(app, dependencies);
  registerConsoleRoutes(app, dependencies);
  app.get('/openapi.json', { config: { scope: 'public' }, schema: { hide: true } }, async () => app.swagger());
  return app;
}
