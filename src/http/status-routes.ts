import type { FastifyInstance } from 'fastify';
import type { HttpDependencies } from './dependencies.js';
import type { HttpMetrics } from './metrics.js';

/**
 * Health and metrics. `/status` answers as HMA does (plain `I-AM-ALIVE`, or 503
 * `INDEX-NOT-LOADED` while the index loads); `/status/live` is always alive (for liveness
 * probes); `/metrics` is Prometheus text.
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
  app.get('/site-map', { config: { scope: 'public' }, schema: { hide: true } }, async () => [...paths].sort());
  app.get('/metrics', { config: { scope: 'read' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
