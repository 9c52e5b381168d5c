/**
 * Features of every role over NATS (docs/scaling.md, "Features of every role"): a partitioned
 * worker asks the owner of another partition for the features of the entities homed there with a
 * core NATS request on `prevail.features.<partition>`, which only that partition's owner
 * subscribes to (`servePartitionFeatures`, from when it has rebuilt the partition's features until
 * it gives the partition up). Core NATS, not JetStream: an answer is worth nothing once its batch
 * has moved on, and an unanswered request fails the batch, which the bus delivers again.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { EngineError, isEngineError } from '../core/index.js';
import type { FeatureValues, PartitionPeers, PeerAnswer, PeerEvent } from '../engine/index.js';
import type { Logger } from '../logging/index.js';
import { entityHome } from './event-stream.js';

/** The subject partition `partition`'s owner answers feature requests on. */
function featureSubject(partition: number): string {
  return `prevail.features.${partition}`;
}

/** How long one request waits for its answer. */
const requestTimeoutMs = 2000;
/** How long `ask` keeps trying (no owner yet, one rebuilding) before the batch fails. */
const askWithinMs = 1000;
/** Pause between tries. */
const retryPauseMs = 200;

/** A request's body. */
interface FeatureRequest {
  readonly events: readonly PeerEvent[];
}

/** An answer's body: the values, or why there are none. */
type FeatureReply = PeerAnswer | { readonly error: { readonly code: string; readonly message: string } };

/** What answers a partition's requests: the engine's `answerPeers`. */
export type PeerAnswerer = (
  partition: number,
  inputs: readonly unknown[],
) => { epoch: number; values: Readonly<Record<string, FeatureValues>>[] };

/** The partitions this worker serves itself: asked without a round trip through NATS. */
export interface LocalPartitions {
  readonly owner: string;
  serves(partition: number): boolean;
  readonly answer: PeerAnswerer;
}

/**
 * The `PartitionPeers` of a worker on `connection`, for a deployment of `partitions` partitions.
 * A partition in `local` (this worker holds it and has rebuilt it) is answered in process, the
 * same answer its subscription would give, without encoding or a round trip.
 * `ask` tries for up to 1 s; the worker keeps a batch whose ask failed and tries it again (a partition whose owner died has none until its lease expires).
 */
export function busPartitionPeers(
  connection: NatsConnection,
  partitions: number,
  local?: LocalPartitions,
): PartitionPeers {
  /** One request: its events' answer, tried again within the bound while no owner answers. */
  async function request(partition: number, events: readonly PeerEvent[]): Promise<PeerAnswer> {
    const body = JSON.stringify({ events } satisfies FeatureRequest);
    const deadline = performance.now() + askWithinMs;
    let last = 'no answer';
    for (;;) {
      try {
        const message = await connection.request(featureSubject(partition), body, { timeout: requestTimeoutMs });
        const reply = JSON.parse(message.string()) as FeatureReply;
        if (!('error' in reply)) return reply;
        last = `${reply.error.code}: ${reply.error.message}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      if (performance.now() + retryPauseMs >= deadline)
        throw new EngineError(
          'BUS_PEER_UNAVAILABLE',
          `the owner of bus partition ${partition} did not answer for its features (${last})`,
        );
      await new Promise((resolve) => setTimeout(resolve, retryPauseMs));
    }
  }
  return {
    homeOf: (entityKey) => entityHome(entityKey, partitions),
    async ask(partition, events) {
      if (local?.serves(partition) === true) {
        try {
          return { owner: local.owner, ...local.answer(partition, events) };
        } catch {
          // Not answerable here after all (released meanwhile): ask whoever holds it now.
        }
      }
      // Requests stay under half the server's max_payload (a batch of large events is several,
      // in order); every part must come from the same owner at the same epoch.
      const limit = Math.floor((connection.info?.max_payload ?? 1_048_576) / 2);
      const parts: PeerEvent[][] = [[]];
      let size = 0;
      for (const event of events) {
        const bytes = JSON.stringify(event).length;
        const part = parts.at(-1) as PeerEvent[];
        if (part.length > 0 && size + bytes > limit) {
          parts.push([event]);
          size = bytes;
        } else {
          part.push(event);
          size += bytes;
        }
      }
      const answers: PeerAnswer[] = [];
      for (const part of parts) answers.push(await request(partition, part));
      const first = answers[0] as PeerAnswer;
      if (answers.some((answer) => answer.owner !== first.owner || answer.epoch !== first.epoch))
        throw new EngineError(
          'BUS_PEER_UNAVAILABLE',
          `bus partition ${partition} changed owner or epoch while it answered`,
        );
      return { owner: first.owner, epoch: first.epoch, values: answers.flatMap((answer) => answer.values) };
    },
  };
}

/**
 * Answers the feature requests of `partition` for `owner` until the subscription is closed. A
 * request that is not JSON with an `events` list, or that `answer` refuses, is answered with the
 * error (code and message); nothing is applied for it.
 */
export function servePartitionFeatures(
  connection: NatsConnection,
  partition: number,
  owner: string,
  answer: PeerAnswerer,
  logger?: Logger,
): Subscription {
  return connection.subscribe(featureSubject(partition), {
    callback: (error, message) => {
      if (error !== null) return;
      let reply: FeatureReply;
      try {
        const request = JSON.parse(message.string()) as Partial<FeatureRequest> | null;
        if (request === null || typeof request !== 'object' || !Array.isArray(request.events))
          throw new EngineError('EVENT_INVALID', 'a feature request must be a JSON object with an events list');
        reply = { owner, ...answer(partition, request.events) };
      } catch (failure) {
        const code = isEngineError(failure)
          ? failure.code
          : failure instanceof SyntaxError
            ? 'EVENT_INVALID'
            : 'INTERNAL';
        const text = failure instanceof Error ? failure.message : String(failure);
        if (code !== 'BUS_PEER_UNAVAILABLE')
          logger?.warn({ err: failure, partition }, 'event bus: a feature request was refused');
        reply = { error: { code, message: text } };
      }
      try {
        message.respond(JSON.stringify(reply));
      } catch (failure) {
        logger?.warn({ err: failure, partition }, 'event bus: a feature answer could not be sent');
      }
    },
  });
}
