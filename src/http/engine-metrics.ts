import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SignalsEngine } from '../engine/index.js';

/**
 * The signals engine on `/metrics`. Two kinds of reading, both cheap:
 * - counters and the latency histogram are moved by the engine's observer seam
 *   (`SignalsEngine.observe`) as events are ingested and committed: an increment per event, no
 *   store access, and the engine knows nothing of Prometheus;
 * - the lag and health gauges read the engine's memory on each scrape (`lag()`, `health()`), but
 *   the dead-letter gauge counts the store's table (one indexed count: workers write it too).
 *
 * Label values are bounded: event types are the registry's (invalid events are counted without
 * their type), rule ids are the policy's, dead-letter codes the error-code registry's.
 */
export function registerEngineMetrics(registry: Registry, engine: SignalsEngine): void {
  const events = new Counter({
    name: 'prevail_engine_events_total',
    help: 'Events submitted to the engine, by type and outcome (accepted into the log, duplicate, rejected as invalid: type "")',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const processed = new Counter({
    name: 'prevail_engine_events_processed_total',
    help: 'Events processed and committed with the watermark, by type and verdict (dead_letter when processing failed)',
    labelNames: ['type', 'verdict'] as const,
    registers: [registry],
  });
  const ruleHits = new Counter({
    name: 'prevail_engine_rule_hits_total',
    help: 'Rule hits committed, by rule and mode (active or shadow)',
    labelNames: ['rule', 'mode'] as const,
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'prevail_engine_dead_lettered_total',
    help: 'Events dead-lettered since the server started, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'prevail_engine_verdict_latency_seconds',
    help: 'From the ingest call to the commit of the event verdict (durable append, queueing, processing, commit)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  engine.observe({
    ingested(observation) {
      for (const type of observation.accepted) events.inc({ type, outcome: 'accepted' });
      for (const type of observation.duplicates) events.inc({ type, outcome: 'duplicate' });
      if (observation.rejected > 0) events.inc({ type: '', outcome: 'rejected' }, observation.rejected);
    },
    processed(committed) {
      for (const event of committed) {
        processed.inc({ type: event.type, verdict: event.verdict ?? 'dead_letter' });
        for (const hit of event.hits) ruleHits.inc({ rule: hit.ruleId, mode: hit.mode });
        if (event.deadLetterCode !== undefined) deadLettered.inc({ code: event.deadLetterCode });
        if (event.latencyMs !== undefined) latency.observe(event.latencyMs / 1000);
      }
    },
  });
  new Gauge({
    name: 'prevail_engine_lag_events',
    help: 'Events logged (durable, acknowledged) but not processed yet',
    registers: [registry],
    collect() {
      this.set(engine.lag().waiting);
    },
  });
  new Gauge({
    name: 'prevail_engine_lag_seconds',
    help: 'Age of the oldest event ingested and not processed yet (0 when caught up): how stale the watermark is',
    registers: [registry],
    collect() {
      this.set(engine.lag().oldestWaitingMs / 1000);
    },
  });
  new Gauge({
    name: 'prevail_engine_logged_seq',
    help: 'The newest event in the log (its seq)',
    registers: [registry],
    collect() {
      this.set(engine.lag().loggedSeq);
    },
  });
  new Gauge({
    name: 'prevail_engine_processed_seq',
    help: 'The last event processed (its seq in the event log)',
    registers: [registry],
    collect() {
      this.set(engine.health().processedSeq);
    },
  });
  new Gauge({
    name: 'prevail_engine_dead_letters',
    help: 'Dead letters stored: events whose processing failed, and bus messages workers set aside (GET /v1/dead-letters lists them)',
    registers: [registry],
    async collect() {
      // Counted in the store: in multi-node mode the workers record them there, not this process.
      this.set(await engine.deadLetterCount().catch(() => engine.health().deadLetters));
    },
  });
  new Gauge({
    name: 'prevail_engine_store_failures',
    help: 'Store failures while processing events since the engine opened (each is retried)',
    registers: [registry],
    collect() {
      this.set(engine.health().storeFailures);
    },
  });
  new Gauge({
    name: 'prevail_engine_store_failing',
    help: '1 while processing is held up by a failing store, else 0',
    registers: [registry],
    collect() {
      this.set(engine.health().storeError === null ? 0 : 1);
    },
  });
}
