import { type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { DeliveredResult } from '../engine/index.js';
import type { Logger } from '../logging/index.js';
import { connectToBus } from './event-publisher.js';
import { ensureEventStream, eventStreamName, workerConsumerName } from './event-stream.js';

/** What a worker hands delivered events to: the engine's `processDelivered`. */
export interface DeliveredEventProcessor {
  processDelivered(inputs: readonly unknown[]): Promise<DeliveredResult[]>;
}

/** What a worker has done since it started. */
export interface EventWorkerCounts {
  /** Events logged and processed by this worker (their effects committed). */
  processed: number;
  /** Deliveries of events the log already held: acknowledged, no effect. */
  duplicates: number;
  /** Deliveries that are not an event the engine accepts (bad JSON, a refused event): terminated. */
  refused: number;
  /** Batches whose commit failed: not acknowledged, so JetStream delivers them again. */
  failedBatches: number;
  /** Deliveries that were not a message's first (JetStream gave it to some worker before). */
  redelivered: number;
}

export interface EventWorker {
  readonly counts: Readonly<EventWorkerCounts>;
  /** Stops fetching, finishes (commits and acknowledges) the batch in hand, closes the connection. */
  stop(): Promise<void>;
}

/** Events fetched, processed and committed together (one transaction). */
const defaultBatchSize = 100;
/** How long one fetch waits for a full batch before processing what came. */
const fetchExpiresMs = 1000;
/** Delay before a batch whose commit failed is delivered again (the store may be restarting). */
const retryAfterFailureMs = 2000;

/**
 * A worker: pulls events from the shared durable consumer, processes each batch through the
 * engine (which logs the new events and commits their effects in one PostgreSQL transaction) and
 * acknowledges the batch only after that commit. An event already committed (its acknowledgement
 * was lost, or the worker died between commit and ack) comes back as a duplicate and is
 * acknowledged with no effect; an event that is not one the engine accepts is terminated (never
 * redelivered) and logged. A failing commit acknowledges nothing: the batch is delivered again.
 */
export async function startEventWorker(options: {
  url: string;
  processor: DeliveredEventProcessor;
  logger?: Logger;
  batchSize?: number;
}): Promise<EventWorker> {
  const { processor, logger } = options;
  const batchSize = options.batchSize ?? defaultBatchSize;
  const connection = await connectToBus(options.url, 'prevail-worker');
  await ensureEventStream(await jetstreamManager(connection));
  const client = jetstream(connection);
  const counts: EventWorkerCounts = { processed: 0, duplicates: 0, refused: 0, failedBatches: 0, redelivered: 0 };
  let stopping = false;

  async function fetchBatch(): Promise<JsMsg[]> {
    const consumer = await client.consumers.get(eventStreamName, workerConsumerName);
    const messages = await consumer.fetch({ max_messages: batchSize, expires: fetchExpiresMs });
    const batch: JsMsg[] = [];
    for await (const message of messages) batch.push(message);
    return batch;
  }

  async function handle(batch: readonly JsMsg[]): Promise<void> {
    const inputs: unknown[] = [];
    const delivered: JsMsg[] = [];
    for (const message of batch) {
      if (message.redelivered) counts.redelivered++;
      try {
        inputs.push(JSON.parse(message.string()));
        delivered.push(message);
      } catch {
        counts.refused++;
        logger?.warn({ seq: message.seq }, 'event bus: a message that is not JSON was terminated');
        message.term('not JSON');
      }
    }
    if (inputs.length === 0) return;
    let results: DeliveredResult[];
    try {
      results = await processor.processDelivered(inputs);
    } catch (error) {
      counts.failedBatches++;
      logger?.warn(
        { err: error, events: inputs.length },
        'event bus: a batch was not committed; it will be delivered again',
      );
      for (const message of delivered) message.nak(retryAfterFailureMs);
      await new Promise((resolve) => setTimeout(resolve, retryAfterFailureMs));
      return;
    }
    results.forEach((result, index) => {
      const message = delivered[index] as JsMsg;
      if (result.status === 'rejected') {
        counts.refused++;
        logger?.warn({ seq: message.seq, problems: result.problems }, 'event bus: a refused event was terminated');
        message.term('refused');
        return;
      }
      if (result.status === 'processed') counts.processed++;
      else counts.duplicates++;
      message.ack();
    });
  }

  const loop = (async () => {
    while (!stopping) {
      let batch: JsMsg[];
      try {
        batch = await fetchBatch();
      } catch (error) {
        // The server is away, or heartbeats were missed: a new fetch recovers (bounded pause).
        if (stopping) break;
        logger?.warn({ err: error }, 'event bus: fetch failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, 500));
        // A server that came back without its store, or a deleted consumer: make them again.
        await jetstreamManager(connection)
          .then((manager) => ensureEventStream(manager))
          .catch(() => undefined);
        continue;
      }
      if (batch.length > 0) await handle(batch);
    }
  })();

  return {
    counts,
    async stop() {
      stopping = true;
      await loop;
      await connection.drain().catch(() => undefined);
    },
  };
}
