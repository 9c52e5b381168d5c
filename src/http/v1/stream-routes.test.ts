import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bankedHash, scene, sceneHasher, scriptedSource } from '../../../test/support/fake-frames.js';
import { createServices, type Services } from '../../app/index.js';
import { createApiKey } from '../../auth/index.js';
import { defaultMaxPixels } from '../../content/index.js';
import { httpDependencies } from '../../main.js';
import { engineMatchSink, StreamManager } from '../../streams/index.js';
import { buildHttpServer } from '../app.js';

const { pattern, banked } = scene;
const publicStream = (name: string) => `rtmp://93.184.216.34/live/${name}`;

describe('/v1/streams', () => {
  let dataDir: string;
  let services: Services;
  let streams: StreamManager;
  let app: FastifyInstance;
  let writer: string;
  let reader: string;
  const auth = (secret: string) => ({ authorization: `Bearer ${secret}` });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'prevail-stream-routes-'));
    services = await createServices({ dataDir }, { withEngine: true });
    await services.banks.createBank({ name: 'TEST_BANK' });
    await services.banks.addContent('TEST_BANK', { signals: { pdq: bankedHash } });
    const engine = services.engine;
    assert.ok(engine !== undefined);
    // Streams named ".../banked" show the banked scene then go on; others show a test pattern.
    const { source: bankedSource } = scriptedSource([{ scenes: [pattern, banked, banked], hang: true }]);
    const { source: patternSource } = scriptedSource([{ scenes: [pattern], hang: true }]);
    streams = new StreamManager({
      matcher: services.matcher,
      sink: engineMatchSink(engine),
      readFrames: (url, options) => (url.endsWith('/banked') ? bankedSource : patternSource)(url, options),
      hashFrame: sceneHasher,
      maxFramesPerSecond: 3,
    });
    app = await buildHttpServer({
      ...httpDependencies(services, {
        hmaAccess: 'key',
        maxUploadBytes: 1024 * 1024,
        fetchPolicy: { maxBytes: 1024, timeoutMs: 1000, allowedHosts: [], allowPrivateAddresses: false },
        decode: { maxPixels: defaultMaxPixels },
      }),
      streams,
    });
    await app.ready();
    writer = (await createApiKey(services.storage.apiKeys, 'operator', ['write'])).secret;
    reader = (await createApiKey(services.storage.apiKeys, 'viewer', ['read'])).secret;
  });
  after(async () => {
    await app.close();
    await streams.close();
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('start, list, show and stop, with scopes; matches reach the signals engine once per cooldown', async () => {
    const url = '/v1/streams';
    assert.equal((await app.inject({ method: 'POST', url, payload: { url: publicStream('a') } })).statusCode, 401);
    const readOnly = await app.inject({
      method: 'POST',
      url,
      headers: auth(reader),
      payload: { url: publicStream('a') },
    });
    assert.equal(readOnly.statusCode, 403);

    const started = await app.inject({
      method: 'POST',
      url,
      headers: auth(writer),
      payload: { url: publicStream('banked'), fps: 1, entities: { stream: 'room-1', user: 'host-1' } },
    });
    assert.equal(started.statusCode, 201, started.body);
    const status = started.json();
    assert.equal(status.url, publicStream('banked'));
    assert.equal(status.requestedFps, 1);
    assert.deepEqual(status.entities, { stream: 'room-1', user: 'host-1' });
    assert.equal(status.endedAt, null);
    assert.equal(status.framesSampled, 0);

    let shown = status;
    for (let tries = 0; tries < 200 && shown.matches < 2; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      shown = (await app.inject({ method: 'GET', url: `${url}/${status.id}`, headers: auth(reader) })).json();
    }
    assert.equal(shown.state, 'running');
    assert.equal(shown.matches, 2);
    assert.equal(shown.events, 1, 'two matched frames within the cooldown: one event');
    assert.equal(shown.framesSampled, 3);

    const events = await services.storage.engine.events.readAfter(0, 100);
    const matched = events.filter((event) => event.type === 'media.matched');
    assert.equal(matched.length, 1);
    assert.deepEqual(matched[0]?.entities, { stream: 'room-1', user: 'host-1' });
    assert.equal((matched[0]?.data as { signals?: { pdq?: string } } | undefined)?.signals?.pdq, bankedHash);

    const list = (await app.inject({ method: 'GET', url, headers: auth(reader) })).json();
    assert.deepEqual(
      list.streams.map((item: { id: string }) => item.id),
      [status.id],
    );
    assert.equal(list.budget.maxFramesPerSecond, 3);
    assert.equal(list.budget.requestedFps, 1);
    assert.deepEqual(list.budget.extraViews, [], 'the views every stream hashes besides the defaults');

    assert.equal(
      (await app.inject({ method: 'DELETE', url: `${url}/${status.id}`, headers: auth(reader) })).statusCode,
      403,
    );
    const stopped = await app.inject({ method: 'DELETE', url: `${url}/${status.id}`, headers: auth(writer) });
    assert.equal(stopped.statusCode, 200);
    assert.equal(stopped.json().state, 'stopped');
    assert.notEqual(stopped.json().endedAt, null);

    const audit = await services.storage.engine.audit.page(0, 100);
    assert.deepEqual(
      audit.filter((entry) => entry.subject === `stream:${status.id}`).map((entry) => [entry.action, entry.actor]),
      [
        ['stream.start', 'key:operator'],
        ['stream.stop', 'key:operator'],
      ],
    );
  });

  test('coded errors: unknown ids, refused URLs, bad bodies, the budget', async () => {
    const url = '/v1/streams';
    const missing = await app.inject({ method: 'GET', url: `${url}/nope`, headers: auth(reader) });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'STREAM_NOT_FOUND');
    assert.equal((await app.inject({ method: 'DELETE', url: `${url}/nope`, headers: auth(writer) })).statusCode, 404);
    for (const [payload, status, code] of [
      [{ url: '/etc/hosts' }, 400, 'URL_INVALID'],
      [{ url: 'file:///etc/hosts' }, 400, 'URL_INVALID'],
      [{ url: 'srt://93.184.216.34:9000' }, 400, 'URL_INVALID'],
      [{ url: 'rtmp://127.0.0.1/live/a' }, 400, 'URL_HOST_NOT_ALLOWED'],
      [{ url: 'http://169.254.169.254/latest/meta-data' }, 400, 'URL_HOST_NOT_ALLOWED'],
      [{ url: publicStream('a'), fps: 0 }, 400, 'REQUEST_INVALID'],
      [{ url: publicStream('a'), fps: 31 }, 400, 'REQUEST_INVALID'],
      [{ url: publicStream('a'), entities: { user: 'a b' } }, 400, 'REQUEST_INVALID'],
      [{ url: publicStream('a'), surprise: 1 }, 400, 'REQUEST_INVALID'],
      [{}, 400, 'REQUEST_INVALID'],
    ] as const) {
      const response = await app.inject({ method: 'POST', url, headers: auth(writer), payload });
      assert.equal(response.statusCode, status, JSON.stringify(payload));
      assert.equal(response.json().error.code, code, JSON.stringify(payload));
    }
    const active = () => streams.list().filter((item) => item.state !== 'stopped').length;
    assert.equal(active(), 0, 'refused requests started nothing');

    const first = await app.inject({
      method: 'POST',
      url,
      headers: auth(writer),
      payload: { url: publicStream('a'), fps: 2 },
    });
    assert.equal(first.statusCode, 201);
    const over = await app.inject({
      method: 'POST',
      url,
      headers: auth(writer),
      payload: { url: publicStream('b'), fps: 2 },
    });
    assert.equal(over.statusCode, 503);
    assert.equal(over.json().error.code, 'STREAM_BUDGET_EXCEEDED');
    assert.equal(active(), 1);
    await app.inject({ method: 'DELETE', url: `${url}/${first.json().id}`, headers: auth(writer) });
  });

  test('the routes are in the OpenAPI document', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    assert.ok(document.paths['/v1/streams'].post);
    assert.ok(document.paths['/v1/streams'].get);
    assert.ok(document.paths['/v1/streams/{id}'].delete);
    assert.equal(document.paths['/v1/streams'].post.requestBody.content['application/json'].schema.required[0], 'url');
  });
});
