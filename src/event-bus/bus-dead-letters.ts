import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../logging/index.js';
import { eventStreamName, workerConsumerName } from './event-stream.js';

/**
 * A bus message that never reached the event log, set aside as one of the engine's dead letters
 * (`EngineStore.recordBusDeadLetters`: the same table and `GET /v1/dead-letters` as the in-process
 * engine's, a seq drawn from the log's sequence). Nothing a worker is delivered vanishes silently.
 */
export interface BusDeadLetter {
  /** The event's id when the message is an object with a string id, else `nats:<stream>:<stream seq>`. */
  readonly eventId: string;
  /** `BUS_MESSAGE_UNREADABLE`, `BUS_EVENT_REFUSED` or `BUS_DELIVERIES_EXHAUSTED` (docs/errors.md). */
  readonly code: BusDeadLetterCode;
  readonly message: string;
  readonly failedAt: string;
}

export type BusDeadLetterCode = 'BUS_MESSAGE_UNREADABLE' | 'BUS_EVENT_REFUSED' | 'BUS_DELIVERIES_EXHAUSTED';

/**
 * Where a worker records bus dead letters; resolves with how many were new (one already recorded
 * with the same event id and code is not recorded again). Rejects when the store is away.
 */
export type BusDeadLetterSink = (letters: readonly BusDeadLetter[]) => Promise<number>;

/** Characters of a message body quoted in a dead letter (enough to find it, not a copy of it). */
const quotedChars = 300;
const maxMessageChars = 2000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: it is what it looks for
const controlCharacters = /[\u0000-\u001f\u007f]/;

/** The id a dead letter names a message by: its event id when it has one, else its stream position. */
export function messageEventId(body: unknown, streamSeq: number): string {
  const id = typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
  // Control characters (NUL above all: PostgreSQL text refuses it) make an id unfit to name the message.
  return typeof id === 'string' && id.length > 0 && id.length <= 200 && !controlCharacters.test(id)
    ? id
    : `nats:${eventStreamName}:${streamSeq}`;
}

/** A dead letter, its message cut to the engine's limit and without NUL (which PostgreSQL text refuses). */
export function busDeadLetter(eventId: string, code: BusDeadLetterCode, message: string): BusDeadLetter {
  return {
    eventId,
    code,
    message: message.slice(0, maxMessageChars).replaceAll('\u0000', '\\u0000'),
    failedAt: new Date().toISOString(),
  };
}

/** A message body quoted (JSON-escaped, cut) for a dead letter's message. */
export function quoteBody(text: string): string {
  return `${JSON.stringify(text.slice(0, quotedChars))}${text.length > quotedChars ? ` (${text.length} characters)` : ''}`;
}

/** The subject JetStream announces on when a consumer (`*`: any of the stream's) gave up on a message. */
const maxDeliveriesSubject = (consumer: string) =>
  `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${eventStreamName}.${consumer}`;

/**
 * The backstop for messages no worker finished (a worker that crashed or hung on one each time,
 * or could not record its dead letter): listens, in a queue group so that one worker of many
 * takes each, to JetStream's MAX_DELIVERIES advisory; reads the message by its stream sequence
 * (work-queue retention keeps a message the consumer gave up on), records it as a
 * `BUS_DELIVERIES_EXHAUSTED` dead letter and only then deletes it from the stream. When the
 * message is gone already, the letter records what the advisory said. A letter that cannot be
 * recorded (the store is away) is logged at error level and the message stays in the stream.
 * `consumer`: whose advisories (default the shared consumer; `*` for every partition's).
 */
export function listenForExhaustedDeliveries(
  connection: NatsConnection,
  manager: JetStreamManager,
  record: BusDeadLetterSink,
  onRecorded: (count: number) => void,
  logger?: Logger,
  consumer = workerConsumerName,
): { stop(): void } {
  const subscription = connection.subscribe(maxDeliveriesSubject(consumer), {
    queue: workerConsumerName,
    callback: (error, advisory) => {
      if (error !== null) return;
      void handle(advisory.string());
    },
  });

  async function handle(text: string): Promise<void> {
    let streamSeq: number;
    let deliveries: number;
    try {
      const advisory = JSON.parse(text) as { stream_seq?: unknown; deliveries?: unknown };
      streamSeq = Number(advisory.stream_seq);
      deliveries = Number(advisory.deliveries);
      if (!Number.isSafeInteger(streamSeq) || streamSeq < 1) throw new Error('no stream_seq');
    } catch {
      logger?.error({ advisory: text.slice(0, quotedChars) }, 'event bus: an unreadable MAX_DELIVERIES advisory');
      return;
    }
    const stored = await manager.streams.getMessage(eventStreamName, { seq: streamSeq }).catch(() => null);
    let body: unknown;
    const bodyText = stored === null ? undefined : new TextDecoder().decode(stored.data);
    try {
      body = bodyText === undefined ? undefined : JSON.parse(bodyText);
    } catch {
      body = undefined;
    }
    const letter = busDeadLetter(
      messageEventId(body, streamSeq),
      'BUS_DELIVERIES_EXHAUSTED',
      `JetStream gave up on stream message ${streamSeq} after ${deliveries} deliveries that no worker finished` +
        (bodyText === undefined ? ' (the message is no longer in the stream)' : `: ${quoteBody(bodyText)}`),
    );
    try {
      onRecorded(await record([letter]));
    } catch (failure) {
      logger?.error(
        { err: failure, letter },
        'event bus: a message out of delivery attempts could not be recorded as a dead letter; it stays in the stream',
      );
      return;
    }
    if (stored !== null) await manager.streams.deleteMessage(eventStreamName, streamSeq, false).catch(() => false);
    logger?.warn({ letter }, 'event bus: a message out of delivery attempts was dead-lettered');
  }

  return { stop: () => subscription.unsubscribe() };
}
