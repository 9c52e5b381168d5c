import { deliveryBody, type OutboxAction } from '../actions/index.js';

/** Where an action stream writes: an HTTP response's socket side (`ServerResponse` fits). */
export interface StreamSink {
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  readonly writableLength: number;
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/** How an action stream paces itself and bounds its memory. */
export interface ActionStreamLimits {
  /** How often storage is asked for new actions while caught up (ms). */
  readonly pollMs: number;
  /** A comment line (`: heartbeat`) after this much silence (ms), so proxies keep the connection. */
  readonly heartbeatMs: number;
  /** Unsent bytes a connection may hold; beyond them the subscriber is a slow consumer and is ended. */
  readonly maxBufferBytes: number;
  /** Actions read from storage at a time. */
  readonly pageSize: number;
}

export const defaultActionStreamLimits: ActionStreamLimits = {
  pollMs: 250,
  heartbeatMs: 15_000,
  maxBufferBytes: 1024 * 1024,
  pageSize: 100,
};

/** How long an ended slow consumer's socket may take to flush its last event before it is destroyed (ms). */
const slowConsumerGraceMs = 5_000;

/**
 * Streams an SSE endpoint's actions to one subscriber: every `stream` row after `afterId` in
 * outbox order, each as `id: <outbox id>` / `event: action` / `data: <the webhook body>`, then
 * new ones as they are committed (polled), with heartbeats while idle. The outbox id is the
 * monotonic sequence a subscriber resumes from (`Last-Event-ID`). Memory is bounded: when the
 * subscriber leaves more than `maxBufferBytes` unread, the stream writes a last
 * `event: error` (`ACTIONS_STREAM_SLOW_CONSUMER`, with the id to resume after) and ends the
 * connection instead of buffering more. Resolves when the connection is over.
 */
export async function pumpActionStream(
  sink: StreamSink,
  read: (afterId: number, limit: number) => Promise<OutboxAction[]>,
  afterId: number,
  limits: ActionStreamLimits,
): Promise<'closed' | 'slow_consumer'> {
  let closed = sink.destroyed;
  let wake: (() => void) | undefined;
  sink.once('close', () => {
    closed = true;
    wake?.();
  });
  let last = afterId;
  let lastWrite = Date.now();
  sink.write(`retry: 2000\n: resuming after ${last}\n\n`);
  while (!closed) {
    const rows = await read(last, limits.pageSize);
    if (closed) break;
    for (const row of rows) {
      sink.write(`id: ${row.id}\nevent: action\ndata: ${deliveryBody(row)}\n\n`);
      last = row.id;
      lastWrite = Date.now();
    }
    if (sink.writableLength > limits.maxBufferBytes) {
      sink.write(
        `event: error\ndata: ${JSON.stringify({
          code: 'ACTIONS_STREAM_SLOW_CONSUMER',
          message: `more than ${limits.maxBufferBytes} bytes unread: reconnect with Last-Event-ID to resume`,
          resume_after: last,
        })}\n\n`,
      );
      sink.end();
      const timer = setTimeout(() => sink.destroy(), slowConsumerGraceMs);
      timer.unref();
      return 'slow_consumer';
    }
    if (rows.length === limits.pageSize) continue;
    if (Date.now() - lastWrite >= limits.heartbeatMs) {
      sink.write(': heartbeat\n\n');
      lastWrite = Date.now();
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(limits.pollMs, limits.heartbeatMs));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  }
  return 'closed';
}
