import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HttpDependencies } from './dependencies.js';
import { registerEngineMetrics } from './engine-metrics.js';

/** The Prometheus registry of one server. */
export interface HttpMetrics {
  readonly registry: Registry;
}

/**
 * Prometheus metrics: request count and latency by route and status, process metrics, index
 * sizes, matches by bank, rules disabled for going over their cost budget, flood quarantines,
 * the hashing pool's load and refusals, the signals engine (events in, lag, rule hits, verdict
 * latency, dead letters, store failures: `registerEngineMetrics`), the depth and oldest age of
 * each review queue (read from storage on each scrape), and the action outbox: delivery latency
 * and outcomes per endpoint, pending and dead actions per endpoint. Every storage read is one
 * grouped count per scrape; the engine's are memory reads and counters.
 * Served at `/metrics` (read scope).
 */
export function createHttpMetrics(app: FastifyInstance, dependencies: HttpDependencies): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'prevail_' });
  const requests = new Histogram({
    name: 'prevail_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const matches = new Counter({
    name: 'prevail_matches_total',
    help: 'Actionable matches returned, by bank and signal type',
    labelNames: ['bank', 'signal_type'] as const,
    registers: [registry],
  });
  const suppressed = new Counter({
    name: 'prevail_suppressed_matches_total',
    help: 'Matches suppressed by a negative bank',
    registers: [registry],
  });
  new Gauge({
    name: 'prevail_index_entries',
    help: 'Entries in the in-memory match index, by signal type',
    labelNames: ['signal_type'] as const,
    registers: [registry],
    collect() {
      for (const status of dependencies.matcher.status()) this.set({ signal_type: status.signalType }, status.size);
    },
  });
  new Gauge({
    name: 'prevail_rules_disabled',
    help: 'Rules disabled since the last rules load for going over the cost budget (docs/rules.md)',
    registers: [registry],
    collect() {
      this.set(dependencies.engine?.rules?.current.disabled.length ?? 0);
    },
  });
  new Gauge({
    name: 'prevail_flood_quarantines',
    help: 'Bank items quarantined by flood protection since start (recent, bounded)',
    registers: [registry],
    collect() {
      this.set(dependencies.floodReports().length);
    },
  });
  new Gauge({
    name: 'prevail_hashing_jobs',
    help: 'Uploads in the hashing pool: places taken, jobs running in workers, jobs waiting for one',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = dependencies.hasher.stats();
      this.set({ state: 'admitted' }, stats.admitted);
      this.set({ state: 'running' }, stats.running);
      this.set({ state: 'queued' }, stats.queued);
    },
  });
  new Gauge({
    name: 'prevail_hashing_refused',
    help: 'Requests refused with HASHER_BUSY (503) since start: the hashing pool and its queue were full',
    registers: [registry],
    collect() {
      this.set(dependencies.hasher.stats().refused);
    },
  });
  const engine = dependencies.engine?.engine;
  if (engine !== undefined) registerEngineMetrics(registry, engine);
  const queues = dependencies.queues;
  if (queues !== undefined) {
    // Both gauges read one storage query per scrape (depth and oldest case of every queue).
    let reading: Promise<Awaited<ReturnType<typeof queues.depths>>> | undefined;
    const depths = () => {
      reading ??= queues.depths().finally(() => {
        reading = undefined;
      });
      return reading;
    };
    new Gauge({
      name: 'prevail_queue_depth',
      help: 'Active cases (open, in review, escalated) in each review queue',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        for (const queue of await depths()) this.set({ queue: queue.name }, queue.depth);
      },
    });
    new Gauge({
      name: 'prevail_queue_oldest_age_seconds',
      help: 'Age of the oldest case in each review queue, in seconds (0 when empty)',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        for (const queue of await depths()) this.set({ queue: queue.name }, queue.oldestAgeSeconds);
      },
    });
  }
  const actions = dependencies.actions;
  if (actions !== undefined) {
    const deliveries = new Histogram({
      name: 'prevail_action_delivery_seconds',
      help: 'Action webhook attempts by endpoint and outcome (delivered, retry, dead), with their latency',
      labelNames: ['endpoint', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    const failures = new Counter({
      name: 'prevail_action_delivery_failures_total',
      help: 'Action webhook attempts that failed (non-2xx, timeout, network), by endpoint',
      labelNames: ['endpoint'] as const,
      registers: [registry],
    });
    actions.subscribe((report) => {
      deliveries.observe({ endpoint: report.endpoint, outcome: report.outcome }, report.latencyMs / 1000);
      if (report.outcome !== 'delivered') failures.inc({ endpoint: report.endpoint });
    });
    new Gauge({
      name: 'prevail_actions_pending',
      help: 'Actions waiting in the outbox to be sent, by endpoint (read from storage on each scrape)',
      labelNames: ['endpoint'] as const,
      registers: [registry],
      async collect() {
        for (const [endpoint, depth] of await actions.queueDepth()) this.set({ endpoint }, depth);
      },
    });
    new Gauge({
      name: 'prevail_actions_dead',
      help: 'Actions given up on after the retry bound, by endpoint (read from storage on each scrape)',
      labelNames: ['endpoint'] as const,
      registers: [registry],
      async collect() {
        for (const [endpoint, dead] of await actions.deadCount()) this.set({ endpoint }, dead);
      },
    });
  }
  dependencies.matcher.onOutcome((outcome) => {
    for (const match of outcome.matches) matches.inc({ bank: match.bank, signal_type: match.signalType });
    if (outcome.suppressed.length > 0) suppressed.inc(outcome.suppressed.length);
  });
  app.addHook('onResponse', async (request, reply) => {
    requests.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  return { registry };
}
