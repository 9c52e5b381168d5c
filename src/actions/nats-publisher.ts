import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { NatsEndpoint } from './action-model.js';

/** What one publish did: `stored` (a new message) or `duplicate` (the stream already held this key). */
export type PublishResult = 'stored' | 'duplicate';

/** The subject an action of `kind` named `action` is published on (a `custom:x` kind is the token `custom_x`). */
export function natsSubject(template: string, kind: string, action: string): string {
  return template
    .split('.')
    .map((token) => (token === '{{kind}}' ? kind.replace(':', '_') : token === '{{action}}' ? action : token))
    .join('.');
}

/** The stream's subject filter for a template: each placeholder token becomes `*`. */
function subjectFilter(template: string): string {
  return template
    .split('.')
    .map((token) => (token.startsWith('{{') ? '*' : token))
    .join('.');
}

/**
 * Publishes actions on NATS JetStream for the dispatcher. One connection per server list, made
 * on first use and reused; the client reconnects by itself while the server is away, and a
 * publish in that time fails at its deadline (the dispatcher retries it like a failed webhook).
 * A closed connection (the client gave up) is replaced on the next publish.
 *
 * Each action is published with its idempotency key as `Nats-Msg-Id`, so a publish retried after
 * a lost PubAck (or by the next process after a crash) is dropped by the stream as a duplicate
 * within its `duplicate_window` (2 min by default); the outbox row is marked delivered only after
 * the PubAck. A missing stream is created (subjects: the template with `*` for each placeholder,
 * file storage); an existing one is never changed.
 */
export class NatsActionPublisher {
  readonly #connections = new Map<string, Promise<NatsConnection>>();
  /** Streams known to exist, per server list (forgotten after a failure, so a lost stream is made again). */
  readonly #streams = new Map<string, Set<string>>();

  async publish(endpoint: NatsEndpoint, row: { kind: string; action: string; idempotencyKey: string }, body: string) {
    const connection = await this.#connection(endpoint.servers, endpoint.timeoutMs);
    try {
      await this.#ensureStream(connection, endpoint);
      const ack = await jetstream(connection, { timeout: endpoint.timeoutMs }).publish(
        natsSubject(endpoint.subject, row.kind, row.action),
        body,
        { msgID: row.idempotencyKey, timeout: endpoint.timeoutMs },
      );
      if (ack.stream !== endpoint.stream)
        throw new Error(`the subject is stored by stream ${ack.stream}, not ${endpoint.stream}`);
      return ack.duplicate ? 'duplicate' : ('stored' satisfies PublishResult);
    } catch (error) {
      this.#streams.get(endpoint.servers)?.delete(endpoint.stream);
      throw error;
    }
  }

  /** Closes every connection (after the dispatcher's last round). */
  async close(): Promise<void> {
    const connections = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(
      connections.map(async (pending) => {
        const connection = await pending.catch(() => undefined);
        await connection?.close().catch(() => undefined);
      }),
    );
  }

  async #connection(servers: string, timeoutMs: number): Promise<NatsConnection> {
    const existing = this.#connections.get(servers);
    if (existing !== undefined) {
      const connection = await existing.catch(() => undefined);
      if (connection !== undefined && !connection.isClosed()) return connection;
      this.#connections.delete(servers);
      this.#streams.delete(servers);
    }
    const pending = connect({
      servers: servers.split(',').map((server) => server.trim()),
      name: 'prevail-actions',
      timeout: timeoutMs,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    this.#connections.set(servers, pending);
    try {
      return await pending;
    } catch (error) {
      this.#connections.delete(servers);
      throw error;
    }
  }

  async #ensureStream(connection: NatsConnection, endpoint: NatsEndpoint): Promise<void> {
    const known = this.#streams.get(endpoint.servers) ?? new Set<string>();
    this.#streams.set(endpoint.servers, known);
    if (known.has(endpoint.stream)) return;
    const manager = await jetstreamManager(connection, { timeout: endpoint.timeoutMs });
    try {
      await manager.streams.info(endpoint.stream);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
      await manager.streams.add({ name: endpoint.stream, subjects: [subjectFilter(endpoint.subject)] });
    }
    known.add(endpoint.stream);
  }
}
