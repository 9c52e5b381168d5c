import {
  AckPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { BusEvent } from '../engine/index.js';

/** The JetStream stream that carries ingested events from API nodes to workers. */
export const eventStreamName = 'prevail-events';
/** Every event's subject starts with this; the last token is its partition key. */
const subjectPrefix = 'prevail.events';
/** The durable pull consumer all workers share (JetStream spreads its messages over them). */
export const workerConsumerName = 'prevail-workers';

/**
 * How long a delivered event may stay unacknowledged before JetStream delivers it again. It must
 * exceed a fetch's expiry plus the worst batch's processing and commit: a measured 2 s caused a
 * redelivery storm when a worker was killed (tens of thousands of redundant deliveries), 10 s did
 * not (docs/scaling.md). 30 s is JetStream's default and leaves room for a slow commit.
 */
export const ackWaitMs = 30_000;
/** Events delivered to workers and not yet acknowledged, at most (the in-flight cap). */
const maxAckPending = 1000;
/** Deliveries of one event before JetStream stops trying (it then stays in the stream). */
const maxDeliver = 20;
/** How long the stream drops a republished event id (JetStream's default, 2 min). */
const duplicateWindowMs = 120_000;

/**
 * FNV-1a (32 bits) of a string, as 8 hex digits: a subject token for any entity id (NATS subject
 * tokens cannot hold `.`, `*`, `>` or spaces, which entity ids may).
 */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The subject an event is published on: its partition key is its primary entity, the first role
 * the event names (`payment_account:acct-1` for a payment), so every event of one entity shares a
 * subject (what a later partitioned consumer per worker will route by).
 */
export function eventSubject(event: Pick<BusEvent, 'entities'>): string {
  const [role, id] = Object.entries(event.entities)[0] ?? ['none', ''];
  return `${subjectPrefix}.${fnv1a(`${role}:${id}`)}`;
}

/**
 * Makes the stream (work-queue retention: a message is deleted once a worker acknowledged it; file
 * storage) and the workers' durable consumer when they are missing. An existing stream or consumer
 * is left as it is (an operator may have tuned it).
 */
export async function ensureEventStream(manager: JetStreamManager): Promise<void> {
  try {
    await manager.streams.info(eventStreamName);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
    await manager.streams.add({
      name: eventStreamName,
      subjects: [`${subjectPrefix}.>`],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(duplicateWindowMs),
    });
  }
  try {
    await manager.consumers.info(eventStreamName, workerConsumerName);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
    await manager.consumers.add(eventStreamName, {
      durable_name: workerConsumerName,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ackWaitMs),
      max_ack_pending: maxAckPending,
      max_deliver: maxDeliver,
    });
  }
}
