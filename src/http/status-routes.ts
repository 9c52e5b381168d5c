import type { FastifyInstance } from 'fastify';
import type { HttpDependencies } from './dependencies.js';
import type { HttpMetrics } from './metrics.js';
import { checkReadiness } from './readiness.js';

/**
 * Health and metrics. `/status` answers as HMA does (plain `I-AM-ALIVE`, or 503
 * `INDEX-NOT-LOADED` while the index loads); `/status/live` is always alive (for liveness
 * probes: it answers as long as the event loop does); `/status/ready` is 200 only when the index
 * is loaded, the database answers and the engine is not stuck on a failing store (for readiness
 * probes and load balancers), 503 otherwise, with the checks as JSON; `/metrics` is Prometheus
 * text.
 */
export function registerStatusRoutes(app: FastifyInstance, dependencies: HttpDependencies, metrics: HttpMetrics): void {
  // Registered before any route so that /site-map lists them all.
  const paths = new Set<string>();
  app.addHook('onRoute', (route) => {
    if (route.method !== 'HEAD') paths.add(route.url);
  });
  const html = 'text/html; charset=utf-8';
  app.get('/status', { config: { scope: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    dependencies.matcher.ready
      ? reply.type(html).send('I-AM-ALIVE')
      : reply.code(503).type(html).send('INDEX-NOT-LOADED'),
  );
  app.get('/status/live', { config: { scope: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(html).send('I-AM-ALIVE'),
  );
  app.get('/status/ready', { config: { scope: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const engine = dependencies.engine?.engine;
    const readiness = await checkReadiness({
      indexReady: () => dependencies.matcher.ready,
      ...(dependencies.pingDatabase === undefined ? {} : { pingDatabase: dependencies.pingDatabase }),
      ...(engine === undefined ? {} : { engineStoreError: () => engine.health().storeError }),
      onDatabaseError: (error) => request.log.warn({ err: error }, 'readiness: the database did not answer'),
    });
    return reply
      .code(readiness.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(readiness);
  });
  app.get('/site-map', { config: { scope: 'public' }, schema: { hide: true } }, async () => [...paths].sort());
  app.get('/metrics', { config: { scope: 'read' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
