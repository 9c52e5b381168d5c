import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { isEngineError } from '../core/index.js';
import type {
  DeliveredOptions,
  DeliveredResult,
  PartitionClaim,
  PartitionLeases,
  PartitionPeers,
  ReloadableRules,
} from '../engine/index.js';
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
import {
  ensureEventStream,
  eventStreamName,
  partitionConsumerName,
  resetPartitionConsumer,
  workerConsumerName,
} from './event-stream.js';
import { busPartitionPeers, type PeerAnswerer, servePartitionFeatures } from './partition-peers.js';
import { answerRulesReloads, busNodeName } from './rules-reload-broadcast.js';

/** What a worker hands delivered events to: the engine's `processDelivered`. */
export interface DeliveredEventProcessor {
  /** `options.claim`: the partition the events came from and this worker's lease on it (partitioned mode). */
  processDelivered(inputs: readonly unknown[], options?: DeliveredOptions): Promise<DeliveredResult[]>;
  /** Partitioned mode: rebuilds a partition's state from the log for `owner`; resolves with the events replayed. */
  adoptPartition?(partition: number, owner: string): Promise<number>;
  /** Partitioned mode: forgets a partition's state. */
  releasePartition?(partition: number): void;
  /** Partitioned mode: how to reach the other partitions' features (features of every role). */
  usePartitionPeers?(peers: PartitionPeers): void;
  /** Partitioned mode: answers another partition's request for the features homed in `partition`. */
  answerPeers?: PeerAnswerer;
}

/** Partitioned mode (docs/scaling.md, "Partitioned workers"). */
export interface WorkerPartitioning {
  /** The deployment's partition count (checked against the store by the composition root). */
  readonly partitions: number;
  readonly leases: PartitionLeases;
  /** How long a lease lasts unrenewed (default 15 s): the hand-over delay after a worker dies. Renewed every third of it. */
  readonly leaseMs?: number;
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
  /** Partitioned mode: partitions this worker took (at start, from a dead worker, by balancing). */
  partitionsTaken: number;
  /** Partitioned mode: partitions whose lease this worker lost before it gave them back. */
  partitionsLost: number;
  /** Partitioned mode: events replayed from the log to rebuild taken partitions' features. */
  replayed: number;
  /** Partitioned mode: batches handed back because another partition's features could not be used. */
  peerWaits: number;
  /** Fetches that failed after messages came (their messages were processed, not dropped). */
  fetchesCutShort: number;
}

export interface EventWorker {
  readonly counts: Readonly<EventWorkerCounts>;
  /** This worker's name on the bus (`worker host:pid:tag`), in rules reload answers. */
  readonly node: string;
  /** Partitioned mode: the partitions this worker processes now (ascending); empty otherwise. */
  partitions(): number[];
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
/** A partition lease's default life unrenewed. */
const defaultLeaseMs = 15_000;

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
 *
 * With `partitioning`, the worker consumes no shared consumer: it holds leases on partitions
 * (`PartitionLeases`, renewed every third of `leaseMs`), taking its fair share (the partition
 * count over the workers alive, rounded up) of the free or expired ones and giving back what is
 * over its share, and runs one loop per partition it holds: it makes the partition's consumer
 * afresh (`resetPartitionConsumer`), has the processor rebuild the partition's features from the
 * log (`adoptPartition`) and only then fetches, processes (`processDelivered` with the claim,
 * whose commit is fenced by the lease) and acknowledges, in order. Batches of all partitions are
 * processed one at a time (the engine's views are shared). A partition whose lease is lost is
 * stopped at once (its batch is nak'ed for the new owner) and its state dropped.
 */
export async function startEventWorker(options: {
  url: string;
  processor: DeliveredEventProcessor;
  deadLetters: BusDeadLetterSink;
  logger?: Logger;
  batchSize?: number;
  /** Delay before an event whose commit failed is delivered again (default 2 s). */
  retryAfterFailureMs?: number;
  partitioning?: WorkerPartitioning;
  /**
   * The worker's rules loader, reloaded when an API node asks (`POST /v1/rules/reload`). Absent:
   * the worker answers that it runs without a rules directory.
   */
  rules?: ReloadableRules;
}): Promise<EventWorker> {
  const { processor, logger, partitioning } = options;
  const batchSize = options.batchSize ?? defaultBatchSize;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? defaultRetryAfterFailureMs;
  const connection = await connectToBus(options.url, 'prevail-worker');
  const manager = await jetstreamManager(connection);
  await ensureEventStream(manager, partitioning !== undefined).catch(async (error: unknown) => {
    await connection.close().catch(() => undefined);
    throw error;
  });
  const client = jetstream(connection);
  const node = busNodeName('worker');
  answerRulesReloads(connection, node, options.rules, logger);
  const counts: EventWorkerCounts = {
    processed: 0,
    duplicates: 0,
    refused: 0,
    deadLettered: 0,
    failedBatches: 0,
    redelivered: 0,
    partitionsTaken: 0,
    partitionsLost: 0,
    replayed: 0,
    peerWaits: 0,
    fetchesCutShort: 0,
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
    partitioning === undefined ? workerConsumerName : '*',
  );

  /**
   * One fetch of up to `batchSize` messages. `cutShort`: the fetch failed after some came (the
   * client's "heartbeats missed", when the event loop was busy longer than the fetch's idle
   * heartbeat); they are returned, and others the server sent the same pull may have been dropped
   * by the client, to be delivered again after AckWait (a partitioned worker makes its consumer
   * afresh instead, so they come back at once and in order).
   */
  async function fetchBatch(consumerName = workerConsumerName): Promise<{ messages: JsMsg[]; cutShort: boolean }> {
    const consumer = await client.consumers.get(eventStreamName, consumerName);
    const configured = (await consumer.info(true)).config.max_deliver ?? -1;
    maxDeliver = Math.max(configured, 0);
    const messages = await consumer.fetch({ max_messages: batchSize, expires: fetchExpiresMs });
    const batch: JsMsg[] = [];
    try {
      for await (const message of messages) batch.push(message);
    } catch (error) {
      // Delivered to this worker: its to finish. Dropped, they would wait out AckWait (30 s).
      if (batch.length === 0) throw error;
      counts.fetchesCutShort++;
      logger?.warn(
        { err: error, messages: batch.length },
        'event bus: a fetch failed after messages came; they are processed',
      );
      return { messages: batch, cutShort: true };
    }
    return { messages: batch, cutShort: false };
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
  async function commit(
    items: readonly Delivered[],
    claim: PartitionClaim | undefined,
  ): Promise<{ ok: true } | { ok: false; error: unknown }> {
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
        {
          ...(verdictsFor.size === 0 ? {} : { verdictsFor }),
          ...(claim === undefined ? {} : { claim }),
        },
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

  /**
   * Handles one fetched batch; `lost` when the partition's lease is gone (the batch was nak'ed),
   * `wait` when it was handed back for a pause (another partition's features were not available).
   */
  async function handle(batch: readonly JsMsg[], claim?: PartitionClaim): Promise<'done' | 'lost' | 'wait'> {
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
    if (delivered.length === 0) return 'done';
    const whole = await commit(delivered, claim);
    if (whole.ok) return 'done';
    if (isEngineError(whole.error) && whole.error.code === 'BUS_PEER_UNAVAILABLE') {
      // Another partition's owner is away or rebuilding (a hand-over): no event is at fault. The
      // partition loop keeps the batch in hand and tries it again after a pause, so its events
      // stay in order (a nak could let newer ones of the partition overtake them).
      counts.peerWaits++;
      logger?.warn({ err: whole.error }, "event bus: another partition's features were not available; the batch waits");
      return 'wait';
    }
    if (isEngineError(whole.error) && whole.error.code === 'BUS_PARTITION_LOST') {
      // Another worker owns the partition now: hand the batch back at once, in order.
      for (const item of delivered) item.message.nak();
      logger?.warn({ err: whole.error }, 'event bus: a partition lease was lost; its batch goes to the new owner');
      return 'lost';
    }
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
      const alone = delivered.length === 1 ? whole : await commit([item], claim);
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
    return 'done';
  }

  if (partitioning !== undefined) {
    const partitioned = runPartitions(partitioning, {
      connection,
      processor,
      logger,
      counts,
      fetchBatch,
      handle,
      rest,
      retryAfterFailureMs,
      isStopping: () => stopping,
      manager,
    });
    return {
      counts,
      node,
      partitions: partitioned.held,
      async stop() {
        stopping = true;
        wake();
        await partitioned.stop();
        advisories.stop();
        await connection.drain().catch(() => undefined);
      },
    };
  }

  const loop = (async () => {
    while (!stopping) {
      let batch: JsMsg[];
      try {
        batch = (await fetchBatch()).messages;
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
    node,
    partitions: () => [],
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

/** What the partition loops share with the worker. */
interface PartitionContext {
  readonly connection: Awaited<ReturnType<typeof connectToBus>>;
  readonly processor: DeliveredEventProcessor;
  readonly logger: Logger | undefined;
  readonly counts: EventWorkerCounts;
  readonly fetchBatch: (consumerName: string) => Promise<{ messages: JsMsg[]; cutShort: boolean }>;
  readonly handle: (batch: readonly JsMsg[], claim: PartitionClaim) => Promise<'done' | 'lost' | 'wait'>;
  readonly rest: (ms: number) => Promise<unknown>;
  readonly retryAfterFailureMs: number;
  readonly isStopping: () => boolean;
  readonly manager: Awaited<ReturnType<typeof jetstreamManager>>;
}

/** One partition this worker runs: its loop, and whether it should keep going. */
interface PartitionRun {
  active: boolean;
  ended: boolean;
  done: Promise<void>;
}

/**
 * The partitioned worker: a lease loop (renew, give back what was lost or is over the share,
 * claim up to the share) and one processing loop per partition held. Bounded: every loop ends
 * when the worker stops; a partition loop that fails ends and is started again by the next
 * lease round while the lease is held.
 */
function runPartitions(
  partitioning: WorkerPartitioning,
  context: PartitionContext,
): { held(): number[]; stop(): Promise<void> } {
  const { processor, logger, counts, rest, isStopping, manager } = context;
  const { adoptPartition, releasePartition } = processor;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  if (adoptPartition === undefined || releasePartition === undefined)
    throw new Error('a partitioned worker needs a processor that adopts and releases partitions');
  const adopt = (partition: number): Promise<number> => adoptPartition.call(processor, partition, owner);
  const answerPeers = processor.answerPeers?.bind(processor);
  /** Partitions whose features this worker answers for now (rebuilt, not given up). */
  const served = new Set<number>();
  processor.usePartitionPeers?.(
    busPartitionPeers(
      context.connection,
      partitioning.partitions,
      answerPeers === undefined
        ? undefined
        : { owner, serves: (partition) => served.has(partition), answer: answerPeers },
    ),
  );
  const release = (partition: number): void => releasePartition.call(processor, partition);
  const leaseMs = partitioning.leaseMs ?? defaultLeaseMs;
  const { leases } = partitioning;
  const runs = new Map<number, PartitionRun>();
  /** Until when (this process's monotonic clock) every lease renewed in the last round holds at least. */
  let validUntil = 0;
  /** Batches (and rebuilds) of all partitions one at a time: the engine's views are shared. */
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(work);
    turn = run.catch(() => undefined);
    return run;
  };

  function start(partition: number): void {
    const run: PartitionRun = { active: true, ended: false, done: Promise.resolve() };
    const claim: PartitionClaim = { partition, owner };
    let features: { unsubscribe(): void } | undefined;
    run.done = (async () => {
      try {
        await resetPartitionConsumer(manager, partition);
        // The features of the partition are rebuilt from the log before any delivery of it.
        const replayed = await exclusive(() => adopt(partition));
        // From now on this worker answers the other partitions' requests for this one's features
        // (outside `exclusive`: a batch of another partition, here or elsewhere, may be waiting on them).
        features =
          answerPeers === undefined
            ? undefined
            : servePartitionFeatures(context.connection, partition, owner, answerPeers, logger);
        served.add(partition);
        counts.partitionsTaken++;
        counts.replayed += replayed;
        logger?.info({ partition, replayed, owner }, 'event bus: took a partition; its features rebuilt from the log');
        while (run.active && !isStopping()) {
          // A lease that may have run out is not fetched from (a fetch would hold messages the new owner needs).
          if (performance.now() >= validUntil) {
            await rest(250);
            continue;
          }
          let batch: JsMsg[];
          let cutShort: boolean;
          try {
            ({ messages: batch, cutShort } = await context.fetchBatch(partitionConsumerName(partition)));
          } catch (error) {
            if (isStopping() || !run.active) break;
            logger?.warn({ err: error, partition }, 'event bus: fetch failed; trying again');
            // A failed fetch may have had messages delivered that the client then dropped: made
            // afresh, the consumer delivers every unacknowledged message again at once, in order
            // (nothing else of this partition is in flight), instead of after AckWait.
            await resetPartitionConsumer(context.manager, partition).catch(() => undefined);
            await rest(500);
            continue;
          }
          if (batch.length === 0) continue;
          if (!run.active) {
            for (const message of batch) message.nak();
            break;
          }
          let handled = await exclusive(() => context.handle(batch, claim));
          // The batch waits for another partition's features in hand (its ack timer reset), paused
          // outside `exclusive`, so the worker's other partitions go on meanwhile.
          while (handled === 'wait') {
            await rest(context.retryAfterFailureMs);
            if (!run.active || isStopping() || performance.now() >= validUntil) {
              for (const message of batch) message.nak();
              break;
            }
            for (const message of batch) message.working();
            handled = await exclusive(() => context.handle(batch, claim));
          }
          if (handled === 'lost') {
            counts.partitionsLost++;
            break;
          }
          // The rest of a cut-short fetch's pull may have been dropped: have it again at once.
          if (cutShort) await resetPartitionConsumer(context.manager, partition).catch(() => undefined);
        }
      } catch (error) {
        logger?.error(
          { err: error, partition },
          'event bus: a partition loop failed; it starts again while its lease is held',
        );
      } finally {
        run.ended = true;
        served.delete(partition);
        features?.unsubscribe();
        release(partition);
      }
    })();
    runs.set(partition, run);
  }

  /** Partitions being given back: their loops finish the batch in hand, then the lease is released. */
  const leaving = new Map<number, Promise<void>>();

  /** Tells the loops of `partitions` to stop after the batch in hand; does not wait (renewals go on meanwhile). */
  function stopRuns(partitions: readonly number[]): void {
    for (const partition of partitions) {
      const run = runs.get(partition);
      if (run !== undefined) run.active = false;
    }
  }

  async function round(): Promise<void> {
    const before = performance.now();
    const renewed = await leases.renew(owner, leaseMs);
    validUntil = before + leaseMs;
    const held = new Set(renewed.held);
    const lost = [...runs.entries()]
      .filter(([partition, run]) => run.active && !held.has(partition))
      .map(([partition]) => partition);
    if (lost.length > 0) {
      counts.partitionsLost += lost.length;
      logger?.warn({ partitions: lost }, 'event bus: partition leases expired; stopping them');
      stopRuns(lost);
    }
    let mine = [...held].filter((partition) => !leaving.has(partition)).sort((a, b) => a - b);
    if (mine.length > renewed.share) {
      // Over the fair share (another worker joined): finish their batches, then give them back.
      const surplus = mine.slice(renewed.share);
      stopRuns(surplus);
      for (const partition of surplus) {
        const run = runs.get(partition);
        leaving.set(
          partition,
          (async () => {
            await run?.done;
            await leases.release(owner, [partition]).catch((error: unknown) => {
              logger?.warn(
                { err: error, partition },
                'event bus: a partition could not be given back; its lease expires',
              );
            });
            leaving.delete(partition);
          })(),
        );
      }
      logger?.info({ partitions: surplus }, 'event bus: giving partitions back to balance the workers');
      mine = mine.slice(0, renewed.share);
    }
    for (const partition of mine) {
      const run = runs.get(partition);
      if (run === undefined || run.ended) start(partition);
    }
    if (mine.length < renewed.share && !isStopping()) {
      for (const partition of await leases.claim(owner, leaseMs, renewed.share - mine.length)) start(partition);
    }
  }

  const leaseLoop = (async () => {
    while (!isStopping()) {
      try {
        await round();
      } catch (error) {
        logger?.warn({ err: error }, 'event bus: partition lease round failed; trying again');
      }
      await rest(Math.max(100, Math.floor(leaseMs / 3)));
    }
  })();

  return {
    held: () =>
      [...runs.entries()]
        .filter(([, run]) => run.active && !run.ended)
        .map(([partition]) => partition)
        .sort((a, b) => a - b),
    async stop() {
      await leaseLoop;
      stopRuns([...runs.keys()]);
      for (const run of runs.values()) await run.done;
      for (const giving of leaving.values()) await giving;
      await leases.leave(owner).catch((error: unknown) => {
        logger?.warn({ err: error }, 'event bus: could not give the partition leases back; they expire by themselves');
      });
    },
  };
}
