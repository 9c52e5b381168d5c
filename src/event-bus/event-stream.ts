import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { EngineError } from '../core/index.js';
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

/** FNV-1a (32 bits) of a string, unsigned. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * An event's partition key: its primary entity, the first role the event names
 * (`payment_account:acct-1` for a payment sent with its payer first), so every event of one
 * entity shares a key.
 */
function partitionKey(event: Pick<BusEvent, 'entities'>): string {
  const [role, id] = Object.entries(event.entities)[0] ?? ['none', ''];
  return `${role}:${id}`;
}

/**
 * The subject an event is published on. Unpartitioned (`partitions` absent): the FNV-1a hash of
 * its partition key as 8 hex digits (NATS subject tokens cannot hold `.`, `*`, `>` or spaces,
 * which entity ids may). Partitioned: `prevail.events.<partition>`, the partition being that
 * hash modulo the partition count, in decimal: stable across processes, releases and machines.
 */
export function eventSubject(event: Pick<BusEvent, 'entities'>, partitions?: number): string {
  const hash = fnv1a(partitionKey(event));
  return partitions === undefined
    ? `${subjectPrefix}.${hash.toString(16).padStart(8, '0')}`
    : `${subjectPrefix}.${hash % partitions}`;
}

/**
 * The partition home to an entity's features (`PartitionPeers.homeOf`): the FNV-1a hash of its
 * entity key modulo the partition count, as `eventSubject` places events. An event whose first
 * role is named as its entity type (`payment_account`, `user`) goes to its first entity's home.
 */
export function entityHome(entityKey: string, partitions: number): number {
  return fnv1a(entityKey) % partitions;
}

/** The durable consumer of partition `partition`: one per partition, used by its lease owner only. */
export function partitionConsumerName(partition: number): string {
  return `prevail-p${partition}`;
}

/**
 * Makes the stream (work-queue retention: a message is deleted once a worker acknowledged it; file
 * storage) and, unpartitioned, the workers' shared durable consumer when they are missing. An
 * existing stream or consumer is left as it is (an operator may have tuned it).
 *
 * @throws EngineError `BUS_PARTITIONS_MISMATCH` when `partitioned` and the shared consumer exists:
 *   a work-queue stream refuses filtered consumers beside an unfiltered one, and events published
 *   by unpartitioned nodes would reach no partition's consumer.
 */
export async function ensureEventStream(manager: JetStreamManager, partitioned = false): Promise<void> {
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
    if (partitioned)
      throw new EngineError(
        'BUS_PARTITIONS_MISMATCH',
        `the stream ${eventStreamName} has the unpartitioned workers' consumer ${workerConsumerName}: drain it and delete it (nats consumer rm ${eventStreamName} ${workerConsumerName}) before starting partitioned nodes`,
      );
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
    if (partitioned) return;
    await manager.consumers.add(eventStreamName, {
      durable_name: workerConsumerName,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ackWaitMs),
      max_ack_pending: maxAckPending,
      max_deliver: maxDeliver,
    });
  }
}

/**
 * Makes the durable consumer of `partition` afresh (deleted first when it exists), filtered to
 * the partition's subject and delivering from the first message the stream still holds for it:
 * with work-queue retention, exactly the messages no worker acknowledged, in stream order. A
 * worker calls it when it takes the partition, so that what the previous owner had been
 * delivered and not acknowledged comes first, at once, instead of after AckWait behind newer
 * events (which would reorder the entity's events).
 */
export async function resetPartitionConsumer(manager: JetStreamManager, partition: number): Promise<void> {
  const name = partitionConsumerName(partition);
  await manager.consumers.delete(eventStreamName, name).catch((error: unknown) => {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
  });
  await manager.consumers.add(eventStreamName, {
    durable_name: name,
    filter_subject: `${subjectPrefix}.${partition}`,
    deliver_policy: DeliverPolicy.All,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ackWaitMs),
    max_ack_pending: maxAckPending,
    max_deliver: maxDeliver,
  });
}
