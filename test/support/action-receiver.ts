import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/actions/index.js';

/**
 * How the receiver answers the next requests: `ok` (200), `fail` (500), `hang` (never answers:
 * the sender times out), `slow` (200 after `delayMs`), `hold` (records the request, then answers
 * only when `release()` is called: a sender can be killed while it waits).
 */
export type ReceiverMode =
  | { readonly kind: 'ok' }
  | { readonly kind: 'fail' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'hold' };

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  readonly idempotencyKey: string | undefined;
  readonly signatureValid: boolean;
  readonly body: string;
  readonly json: Record<string, unknown>;
  readonly status: number | 'no answer';
  /** When its body had been read (ms since the epoch, fractional), before any answer. */
  readonly receivedAt: number;
}

/**
 * A platform's webhook endpoint for tests, on 127.0.0.1 and an ephemeral port. It verifies every
 * `Prevail-Signature` with `secret`, dedups by `Idempotency-Key` as a receiver should (the first
 * successfully answered request per key is the effective one; `effective` holds those) and
 * counts requests in flight. `goAway()` closes the listening socket (connections are refused).
 */
export interface ActionReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Effective deliveries by idempotency key: what a deduplicating platform acted on. */
  readonly effective: Map<string, ReceivedRequest>;
  readonly maxInFlight: () => number;
  setMode(mode: ReceiverMode): void;
  /** Resolves when `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  /** Answers every held request with 200. */
  release(): void;
  goAway(): Promise<void>;
  /** The same as `goAway`, at the end of a test. */
  close(): Promise<void>;
}

export async function startActionReceiver(secret: string, port = 0): Promise<ActionReceiver> {
  let mode: ReceiverMode = { kind: 'ok' };
  let inFlight = 0;
  let maxInFlight = 0;
  const requests: ReceivedRequest[] = [];
  const effective = new Map<string, ReceivedRequest>();
  const held: (() => void)[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];

  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const receivedAt = performance.timeOrigin + performance.now();
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const body = Buffer.concat(chunks).toString('utf8');
      const header = request.headers['prevail-signature'];
      const signatureValid =
        typeof header === 'string' && verifyWebhook(secret, header, body, Date.now() / 1000).ok === true;
      const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
      const answer = (status: number | 'no answer'): void => {
        const entry: ReceivedRequest = {
          idempotencyKey,
          signatureValid,
          body,
          json: JSON.parse(body),
          status,
          receivedAt,
        };
        requests.push(entry);
        if (status === 200 && signatureValid && idempotencyKey !== undefined && !effective.has(idempotencyKey))
          effective.set(idempotencyKey, entry);
        for (const waiter of waiters.filter((item) => requests.length >= item.count)) waiter.resolve();
      };
      const finish = (status: number): void => {
        inFlight--;
        answer(status);
        if (!response.destroyed) response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      };
      if (!signatureValid) return finish(401);
      switch (mode.kind) {
        case 'ok':
          return finish(200);
        case 'fail':
          return finish(500);
        case 'slow':
          setTimeout(() => finish(200), mode.delayMs);
          return;
        case 'hang':
          inFlight--;
          answer('no answer');
          return;
        case 'hold':
          // Recorded as seen now (the sender may die waiting); effective once answered.
          held.push(() => finish(200));
          for (const waiter of waiters.filter((item) => requests.length + held.length >= item.count)) waiter.resolve();
      }
    });
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${bound}/hooks/prevail`,
    requests,
    effective,
    maxInFlight: () => maxInFlight,
    setMode(next) {
      mode = next;
    },
    waitForRequests(count) {
      if (requests.length + held.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    release() {
      for (const answer of held.splice(0)) answer();
    },
    goAway: close,
    close,
  };
}
