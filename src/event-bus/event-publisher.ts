import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection, nuid } from '@nats-io/transport-node';
import { EngineError } from '../core/index.js';
import type { BusEvent, NodeRulesReload, PublishOptions, ReloadableRules } from '../engine/index.js';
import type { AppendOutcome } from '../events/index.js';
import type { Logger } from '../logging/index.js';
import { commitNoticeHeader, commitNoticePrefix, readCommitNotice } from './commit-notices.js';
import { ensureEventStream, eventStreamName, eventSubject } from './event-stream.js';
import { answerRulesReloads, askRulesReloads, busNodeName } from './rules-reload-broadcast.js';

/** An API node's side of the bus: what the engine's `EngineBus` is. */
export interface EventPublisher {
  /**
   * Publishes each event on its subject with its id as `Nats-Msg-Id`, and resolves once JetStream
   * acknowledged every one (stored, or dropped as a duplicate within the stream's window). With
   * `notify`, each message carries this node's commit-notice subject (header
   * `Prevail-Commit-Notice`): the worker commits the event's verdict and tells this node.
   *
   * @throws EngineError `STORAGE_UNAVAILABLE` when the bus did not acknowledge an event within
   *   `timeoutMs` (retried with the same id until then): the caller must not acknowledge it.
   */
  publish(events: readonly BusEvent[], options?: PublishOptions): Promise<AppendOutcome[]>;
  /**
   * Calls `onCommit` whenever a worker's notice names one of `ids`, until the returned function
   * is called. One subscription per process serves every watch (a map of watchers by event id).
   * Core NATS: a notice sent while this node is disconnected is lost (the engine reads the store).
   */
  watchCommits(ids: readonly string[], onCommit: () => void): () => void;
  /** How long a wait for verdicts lasts (`EngineBus.verdictWaitMs`). */
  readonly verdictWaitMs: number;
  /**
   * Asks every other node to reload its rules (`EngineBus.reloadRulesElsewhere`): the answers
   * that came within 2 s, each node once. Never rejects.
   */
  reloadRulesElsewhere(): Promise<NodeRulesReload[]>;
  /**
   * Answers other API nodes' reload requests by reloading `rules` (this node's loader; undefined
   * without a rules directory), from now until `close`. A node whose rules are not open yet when
   * it connects calls this once they are.
   */
  answerRulesReloads(rules: ReloadableRules | undefined): void;
  close(): Promise<void>;
}

/** Pause between attempts to publish one event while the server is away. */
const retryPauseMs = 250;

/**
 * Connects to NATS at `url` (comma-separated servers), makes the stream and the workers' consumer
 * when missing, and returns the publisher. The client reconnects by itself; a publish made while
 * the server is away is retried with the same message id until `timeoutMs` (default 10 s) has
 * passed, so an event is in the stream exactly once however many attempts it took. With
 * `partitions`, each event goes on its partition's subject (`eventSubject`) and the shared
 * consumer is not made (partitioned workers make one consumer per partition).
 *
 * @throws when the first connection fails (the server does not start without its bus).
 */
export async function connectEventPublisher(
  url: string,
  options: { timeoutMs?: number; verdictWaitMs?: number; partitions?: number; logger?: Logger } = {},
): Promise<EventPublisher> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const partitions = options.partitions;
  const partitioned = partitions !== undefined;
  const connection = await connectToBus(url, 'prevail-api');
  await ensureEventStream(await jetstreamManager(connection), partitioned).catch(async (error: unknown) => {
    await connection.close().catch(() => undefined);
    throw error;
  });
  const client = jetstream(connection, { timeout: Math.min(timeoutMs, 5000) });
  const noticeSubject = `${commitNoticePrefix}.${nuid.next()}`;
  const watchers = new Map<string, Set<() => void>>();
  connection.subscribe(noticeSubject, {
    callback: (error, message) => {
      if (error !== null) return;
      for (const id of readCommitNotice(message.data)) for (const watcher of watchers.get(id) ?? []) watcher();
    },
  });

  function watchCommits(ids: readonly string[], onCommit: () => void): () => void {
    for (const id of ids) {
      const set = watchers.get(id) ?? new Set();
      set.add(onCommit);
      watchers.set(id, set);
    }
    return () => {
      for (const id of ids) {
        const set = watchers.get(id);
        set?.delete(onCommit);
        if (set?.size === 0) watchers.delete(id);
      }
    };
  }

  async function publishOne(event: BusEvent, notify: boolean): Promise<AppendOutcome> {
    const deadline = Date.now() + timeoutMs;
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      time: event.time,
      entities: event.entities,
      data: event.data,
    });
    for (let attempt = 1; ; attempt++) {
      try {
        const noticeHeaders = notify ? headers() : undefined;
        noticeHeaders?.set(commitNoticeHeader, noticeSubject);
        const ack = await client.publish(eventSubject(event, partitions), body, {
          msgID: event.id,
          ...(noticeHeaders === undefined ? {} : { headers: noticeHeaders }),
        });
        if (ack.stream !== eventStreamName)
          throw new Error(`the subject is stored by stream ${ack.stream}, not ${eventStreamName}`);
        return { stored: !ack.duplicate, seq: ack.seq };
      } catch (error) {
        if (Date.now() + retryPauseMs >= deadline || connection.isClosed())
          throw new EngineError(
            'STORAGE_UNAVAILABLE',
            `the event bus did not acknowledge event ${event.id} after ${attempt} attempts: ${(error as Error).message}`,
            { cause: error },
          );
        await new Promise((resolve) => setTimeout(resolve, retryPauseMs));
        // A server that came back without its store has lost the stream: make it again.
        await jetstreamManager(connection)
          .then((manager) => ensureEventStream(manager, partitioned))
          .catch(() => undefined);
      }
    }
  }

  const node = busNodeName('api');
  return {
    publish: (events, publishOptions) =>
      Promise.all(events.map((event) => publishOne(event, publishOptions?.notify === true))),
    watchCommits,
    verdictWaitMs: options.verdictWaitMs ?? 10_000,
    reloadRulesElsewhere: () =>
      askRulesReloads(connection, node, options.logger === undefined ? {} : { logger: options.logger }),
    answerRulesReloads: (rules) => {
      answerRulesReloads(connection, node, rules, options.logger);
    },
    close: async () => {
      await connection.drain().catch(() => undefined);
    },
  };
}

/** A connection that keeps reconnecting for as long as the process runs. */
export function connectToBus(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(',').map((server) => server.trim()),
    name,
    timeout: 5000,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
}
