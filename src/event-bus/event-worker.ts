import { type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { isEngineError } from '../core/index.js';
import type { DeliveredOptions, DeliveredResult } from '../engine/index.js';
import type { Logger } from '../logging/index.js';
import {
  type BusDeadLetter,
  type BusDeadLetterSink,
  busDeadLetter,
  listenForExhaustedDeliveries,
  messageEventId,
  quoteBody,
} from './bus-dead-letters.js';
import { commitNotice, commitNoticeHeader } from './commit-notices.js';
import { connectToBus } from './event-publisher.js';
import { ensureEventStream, eventStreamName, workerConsumerName } from './event-stream.js';

/** What a worker hands delivered events to: the engine's `processDelivered`. */
export interface DeliveredEventProcessor {
  processDelivered(inputs: readonly unknown[], options?: DeliveredOptions): Promise<DeliveredResult[]>;
}

/** What a worker has done since it started. */
export interface EventWorkerCounts {
  /** Events logged and processed by this worker (their effects committed). */
  processed: number;
  /** Deliveries of events the log already held: acknowledged, no effect. */
  duplicates: number;
  /** Deliveries that are not an event the engine accepts (not JSON, a refused event): dead-lettered, terminated. */
  refused: number;
  /** Dead letters this worker recorded (refused messages, messages out of delivery attempts). */
  deadLettered: number;
  /** Batches whose commit failed: each of their events was then tried alone (see `startEventWorker`). */
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
/** Delay before an event whose commit failed is delivered again (the store may be restarting). */
const defaultRetryAfterFailureMs = 2000;

/** Events of a failed batch that fail alone, none committed, before the rest is taken for a store outage. */
const storeAwayAfter = 3;

/** A delivered message that parsed as JSON, with what it holds. */
interface Delivered {
  readonly message: JsMsg;
  readonly input: unknown;
}

/**
 * A worker: pulls events from the shared durable consumer, processes each batch through the
 * engine (which logs the new events and commits their effects in one PostgreSQL transaction) and
 * acknowledges the batch only after that commit. An event already committed (its acknowledgement
 * was lost, or the worker died between commit and ack) comes back as a duplicate and is
 * acknowledged with no effect.
 *
 * Nothing vanishes silently: a message that is not JSON (`BUS_MESSAGE_UNREADABLE`) or that the
 * engine refuses (`BUS_EVENT_REFUSED`) is recorded through `deadLetters` and then terminated.
 * When a batch's commit fails, each of its events is tried alone (unless the first three fail
 * too: the store is away), so one event that cannot be committed does not hold back the others; an event that fails alone is delivered again later,
 * and on its last delivery (the consumer's `max_deliver`) it is recorded as
 * `BUS_DELIVERIES_EXHAUSTED` with its last error and terminated. A letter the store does not take
 * leaves its message unacknowledged (delivered again; after the last delivery JetStream's
 * MAX_DELIVERIES advisory reaches `listenForExhaustedDeliveries`, which every worker runs).
 */
export async function startEventWorker(options: {
  url: string;
  processor: DeliveredEventProcessor;
  deadLetters: BusDeadLetterSink;
  logger?: Logger;
  batchSize?: number;
  /** Delay before an event whose commit failed is delivered again (default 2 s). */
  retryAfterFailureMs?: number;
}): Promise<EventWorker> {
  const { processor, logger } = options;
  const batchSize = options.batchSize ?? defaultBatchSize;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? defaultRetryAfterFailureMs;
  const connection = await connectToBus(options.url, 'prevail-worker');
  const manager = await jetstreamManager(connection);
  await ensureEventStream(manager);
  const client = jetstream(connection);
  const counts: EventWorkerCounts = {
    processed: 0,
    duplicates: 0,
    refused: 0,
    deadLettered: 0,
    failedBatches: 0,
    redelivered: 0,
  };
  let stopping = false;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });
  /** A pause that `stop()` cuts short. */
  const rest = (ms: number): Promise<unknown> => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), stopped]).finally(() =>
      clearTimeout(timer),
    );
  };
  /** The consumer's `max_deliver` (0: unlimited), read with each fetch's consumer. */
  let maxDeliver = 0;
  const advisories = listenForExhaustedDeliveries(
    connection,
    manager,
    options.deadLetters,
    (recorded) => {
      counts.deadLettered += recorded;
    },
    logger,
  );

  async function fetchBatch(): Promise<JsMsg[]> {
    const consumer = await client.consumers.get(eventStreamName, workerConsumerName);
    const configured = (await consumer.info(true)).config.max_deliver ?? -1;
    maxDeliver = Math.max(configured, 0);
    const messages = await consumer.fetch({ max_messages: batchSize, expires: fetchExpiresMs });
    const batch: JsMsg[] = [];
    for await (const message of messages) batch.push(message);
    return batch;
  }

  /**
   * Records letters, then terminates their messages; a store that refuses leaves them
   * unacknowledged. `term()` carries no reason: servers before 2.10.4 ignore `+TERM <reason>`
   * (Debian's nats-server 2.9 does), and the message would be delivered again.
   */
  async function setAside(letters: readonly { message: JsMsg; letter: BusDeadLetter }[]): Promise<void> {
    // One at a time (they are rare): a letter the store refuses does not hold back another.
    for (const { message, letter } of letters) {
      try {
        counts.deadLettered += await options.deadLetters([letter]);
      } catch (error) {
        logger?.error(
          { err: error, letter },
          'event bus: a dead letter could not be recorded; its message will be delivered again',
        );
        message.nak(retryAfterFailureMs);
        continue;
      }
      logger?.warn({ seq: message.seq, letter }, 'event bus: a message was dead-lettered and terminated');
      message.term();
    }
  }

  /**
   * Processes `items` in one commit; acknowledges them, tells the API nodes that wait for some of
   * them (commit notices) and sets refused ones aside. False when the commit failed.
   */
  async function commit(items: readonly Delivered[]): Promise<{ ok: true } | { ok: false; error: unknown }> {
    /** The notice subject of each waited-for event (`Prevail-Commit-Notice`), by index in `items`. */
    const noticeTo = items.map((item) => item.message.headers?.get(commitNoticeHeader) || undefined);
    const verdictsFor = new Set<string>();
    noticeTo.forEach((subject, index) => {
      const id = subject === undefined ? undefined : eventIdOf(items[index]?.input);
      if (id !== undefined) verdictsFor.add(id);
    });
    let results: DeliveredResult[];
    try {
      results = await processor.processDelivered(
        items.map((item) => item.input),
        verdictsFor.size === 0 ? {} : { verdictsFor },
      );
    } catch (error) {
      return { ok: false, error };
    }
    const notices = new Map<string, string[]>();
    const refused: { message: JsMsg; letter: BusDeadLetter }[] = [];
    results.forEach((result, index) => {
      const { message, input } = items[index] as Delivered;
      if (result.status === 'rejected') {
        counts.refused++;
        refused.push({
          message,
          letter: busDeadLetter(
            messageEventId(input, message.seq),
            'BUS_EVENT_REFUSED',
            `the engine refused stream message ${message.seq}: ${result.problems
              .map((problem) => `${problem.path}: ${problem.message}`)
              .join('; ')}`,
          ),
        });
        return;
      }
      if (result.status === 'processed') counts.processed++;
      else counts.duplicates++;
      message.ack();
      const subject = noticeTo[index];
      if (subject !== undefined) notices.set(subject, [...(notices.get(subject) ?? []), result.id]);
    });
    for (const [subject, ids] of notices) {
      try {
        connection.publish(subject, commitNotice(ids));
      } catch (error) {
        // At most once by design: the waiting API node reads PostgreSQL on its own too.
        logger?.warn({ err: error, subject }, 'event bus: a commit notice could not be sent');
      }
    }
    await setAside(refused);
    return { ok: true };
  }

  async function handle(batch: readonly JsMsg[]): Promise<void> {
    const delivered: Delivered[] = [];
    const unreadable: { message: JsMsg; letter: BusDeadLetter }[] = [];
    for (const message of batch) {
      if (message.redelivered) counts.redelivered++;
      const text = message.string();
      try {
        delivered.push({ message, input: JSON.parse(text) });
      } catch {
        counts.refused++;
        unreadable.push({
          message,
          letter: busDeadLetter(
            messageEventId(undefined, message.seq),
            'BUS_MESSAGE_UNREADABLE',
            `stream message ${message.seq} on ${message.subject} is not JSON: ${quoteBody(text)}`,
          ),
        });
      }
    }
    await setAside(unreadable);
    if (delivered.length === 0) return;
    const whole = await commit(delivered);
    if (whole.ok) return;
    counts.failedBatches++;
    logger?.warn(
      { err: whole.error, events: delivered.length },
      'event bus: a batch was not committed; trying its events one by one',
    );
    // One event the store refuses must not hold back the others: each alone, in order. When the
    // first few all fail alone too, the store is away rather than one event poisoned: the rest
    // are not tried (a hundred failing attempts, each maybe a connection timeout) but delivered again.
    let committed = 0;
    let failedAlone = 0;
    const exhausted: { message: JsMsg; letter: BusDeadLetter }[] = [];
    for (const item of delivered) {
      if (committed === 0 && failedAlone >= storeAwayAfter) {
        item.message.nak(retryAfterFailureMs);
        continue;
      }
      const alone = delivered.length === 1 ? whole : await commit([item]);
      if (alone.ok) {
        committed++;
        continue;
      }
      failedAlone++;
      const deliveries = item.message.info.deliveryCount;
      if (maxDeliver > 0 && deliveries >= maxDeliver) {
        const error = alone.error;
        const reason = isEngineError(error) ? `${error.code}: ${error.message}` : String(error);
        exhausted.push({
          message: item.message,
          letter: busDeadLetter(
            messageEventId(item.input, item.message.seq),
            'BUS_DELIVERIES_EXHAUSTED',
            `stream message ${item.message.seq} was not committed in ${deliveries} deliveries; the last failure: ${reason}`,
          ),
        });
      } else item.message.nak(retryAfterFailureMs);
    }
    await setAside(exhausted);
    // Nothing could be committed: the store is likely away, so pause before the next fetch.
    if (committed === 0) await rest(retryAfterFailureMs);
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
        await rest(500);
        // A server that came back without its store, or a deleted consumer: make them again.
        await ensureEventStream(manager).catch(() => undefined);
        continue;
      }
      if (batch.length > 0) await handle(batch);
    }
  })();

  return {
    counts,
    async stop() {
      stopping = true;
      wake();
      await loop;
      advisories.stop();
      await connection.drain().catch(() => undefined);
    },
  };
}

/** A delivered event's id, when it has a string one. */
function eventIdOf(input: unknown): string | undefined {
  const id = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}
