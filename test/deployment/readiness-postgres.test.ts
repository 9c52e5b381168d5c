/**
 * `/status/ready` through a PostgreSQL outage: the server reaches PostgreSQL through a TCP relay
 * this test controls. Cutting the relay (connections dropped, new ones refused) makes the server
 * unready with `database: unreachable` while `/status/live` stays 200; a relay that accepts but
 * never answers gives `database: timeout` within the probe's deadline; restoring the relay makes
 * it ready again without a restart (the pool reconnects). It also guards the store against a
 * crash found here: a pooled client handed out just as its connection died emitted an `error` no
 * one listened to, an uncaught exception that would stop a real server.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createServices, type Services } from '../../src/app/index.js';
import { defaultMaxPixels } from '../../src/content/index.js';
import { buildHttpServer } from '../../src/http/index.js';
import { httpDependencies } from '../../src/main.js';
import { dropPostgresSchemas, postgresConnectionString, postgresSkipReason } from '../support/postgres.js';

/** A TCP relay to PostgreSQL on a fixed local port: `forward` (normal), `refuse` (down) or `silent` (a black hole). */
class Relay {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #mode: 'forward' | 'silent' = 'forward';
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(mode: 'forward' | 'silent' = 'forward'): Promise<void> {
    this.#mode = mode;
    const server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => undefined);
      if (this.#mode === 'silent') return;
      const upstream = connect(this.target.port, this.target.host);
      this.#sockets.add(upstream);
      upstream.on('close', () => {
        this.#sockets.delete(upstream);
        socket.destroy();
      });
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address === 'object' && address !== null) this.port = address.port;
    this.#server = server;
  }

  /** Stops listening and drops every open connection: PostgreSQL has gone away. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('/status/ready through a PostgreSQL outage', async () => {
  const skip = await postgresSkipReason();
  const schema = `test_ready_${randomBytes(4).toString('hex')}`;
  const upstream = new URL(postgresConnectionString);
  const relay = new Relay({ host: upstream.hostname, port: Number(upstream.port || 5432) });
  let services: Services;
  let app: FastifyInstance;
  const ready = async () => {
    const response = await app.inject({ method: 'GET', url: '/status/ready' });
    return { status: response.statusCode, body: response.json() as { ready: boolean; checks: Record<string, string> } };
  };

  before(async () => {
    if (skip !== false) return;
    await relay.start();
    const url = new URL(postgresConnectionString);
    url.port = String(relay.port);
    url.hostname = '127.0.0.1';
    services = await createServices({ dataDir: '/nonexistent-unused', databaseUrl: url.toString(), schema }, {});
    app = await buildHttpServer(
      httpDependencies(services, {
        hmaAccess: 'open',
        maxUploadBytes: 1024 * 1024,
        fetchPolicy: { maxBytes: 1024 * 1024, timeoutMs: 5000, allowedHosts: [], allowPrivateAddresses: false },
        decode: { maxPixels: defaultMaxPixels },
      }),
    );
    await app.ready();
  });
  after(async () => {
    if (skip !== false) return;
    await app.close();
    await services.close();
    await relay.cut();
    await dropPostgresSchemas([schema]);
  });

  test('ready, unreachable when cut, timeout when silent, ready again when back', { skip }, async () => {
    assert.deepEqual((await ready()).body.checks.database, 'ok');
    assert.equal((await ready()).status, 200);

    await relay.cut();
    const down = await ready();
    assert.equal(down.status, 503);
    assert.equal(down.body.checks.database, 'unreachable');
    assert.equal(down.body.checks.index, 'ok', 'the index in memory is not the problem');
    assert.equal((await app.inject({ method: 'GET', url: '/status/live' })).statusCode, 200);

    await relay.start('silent');
    const silent = await ready();
    assert.equal(silent.status, 503);
    assert.equal(silent.body.checks.database, 'timeout');
    await relay.cut();

    await relay.start('forward');
    // The pool may hand out a client whose socket the cut killed: the first query after an outage
    // can fail once; the probe after it must be ready (bounded: a few probes).
    let back = await ready();
    for (let attempt = 0; attempt < 5 && back.status !== 200; attempt++) back = await ready();
    assert.equal(back.status, 200, JSON.stringify(back.body));
  });
});
