import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultMaxPixels } from '../../src/content/index.js';
import { hashMedia, mediaSignalNames } from '../../src/hasher/index.js';
import { patternImage } from '../support/images.js';
import { flatPng, multipartBody, startUploadServer, uploadRoutes } from '../support/upload-server.js';

type Server = Awaited<ReturnType<typeof startUploadServer>>;

const workers = 1;
const maxQueued = 1;
const decode = { maxPixels: defaultMaxPixels };

describe('hostile uploads: the bounded hashing pool', () => {
  let server: Server;
  /** A picture that takes a worker a while: 16 megapixels decoded from a small PNG. */
  let large: Uint8Array;
  before(async () => {
    server = await startUploadServer({ maxUploadBytes: 4 * 1024 * 1024, hashing: { workers, maxQueued } });
    large = await flatPng(4000, 4000);
  });
  after(() => server.close());

  const upload = (url: string, field: string, bytes: Uint8Array) => {
    const body = multipartBody(field, bytes);
    return server.app.inject({
      method: 'POST',
      url,
      payload: body.payload,
      headers: { ...body.headers, authorization: server.authorization },
    });
  };

  /** Takes every place of the pool (every worker and queue slot), as uploads in progress do. */
  const fillPool = () => Array.from({ length: workers + maxQueued }, () => server.pool.reserve());

  test('uploads beyond the hashing pool and its queue answer 503 HASHER_BUSY with Retry-After on every upload and URL route', async () => {
    const places = fillPool();
    const picture = await patternImage(160, 120, 'png', 21);
    for (const route of uploadRoutes) {
      const response = await upload(route.url, route.field, picture);
      assert.equal(response.statusCode, 503, `${route.url}: ${response.body}`);
      assert.equal(response.headers['retry-after'], '2', route.url);
      if (route.hma) assert.deepEqual(Object.keys(response.json()), ['message'], route.url);
      else assert.equal(response.json().error.code, 'HASHER_BUSY', route.url);
    }
    const url = 'http://127.0.0.1:9/picture.png';
    const byUrl = [
      { method: 'GET', url: `/h/hash?url=${url}` },
      { method: 'GET', url: `/m/lookup?url=${url}` },
      { method: 'POST', url: `/c/bank/UPLOADS/content?url=${url}` },
      { method: 'POST', url: '/v1/hash', payload: { url } },
      { method: 'POST', url: '/v1/match', payload: { url } },
      { method: 'POST', url: '/v1/banks/UPLOADS/media', payload: { url } },
    ] as const;
    for (const request of byUrl) {
      const response = await server.app.inject({ ...request, headers: { authorization: server.authorization } });
      assert.equal(response.statusCode, 503, `${request.method} ${request.url} (by URL): ${response.body}`);
      assert.equal(response.headers['retry-after'], '2');
    }
    const malformed = await server.app.inject({
      method: 'POST',
      url: '/v1/hash',
      headers: { 'content-type': 'multipart/form-data; boundary=x', authorization: server.authorization },
      payload: '--x\r\nContent-Disposi',
    });
    assert.equal(malformed.statusCode, 503, 'a full pool refuses before reading the upload at all');
    for (const place of places) place.release();
    const again = await upload('/v1/hash', 'file', picture);
    assert.equal(again.statusCode, 200, 'accepted again once the pool has room');
    assert.deepEqual(again.json(), await hashMedia(picture, { signals: mediaSignalNames, dihedral: false, decode }));
  });

  test('N+queue uploads at once: the rest get 503 with Retry-After, the others their hashes, none crashes', async () => {
    const picture = await flatPng(3000, 3000);
    const expected = await hashMedia(picture, { signals: mediaSignalNames, dihedral: false, decode });
    const responses = await Promise.all(
      Array.from({ length: workers + maxQueued + 4 }, () => upload('/v1/hash', 'file', picture)),
    );
    const statuses = responses.map((response) => response.statusCode);
    assert.ok(
      statuses.every((status) => status === 200 || status === 503),
      `only 200 and 503: ${statuses.join(' ')}`,
    );
    const accepted = responses.filter((response) => response.statusCode === 200);
    const refused = responses.filter((response) => response.statusCode === 503);
    assert.ok(accepted.length >= workers + maxQueued, `the pool and its queue were used: ${statuses.join(' ')}`);
    assert.ok(refused.length >= 1, `the overflow was refused: ${statuses.join(' ')}`);
    for (const response of accepted) assert.deepEqual(response.json(), expected);
    for (const response of refused) {
      assert.equal(response.headers['retry-after'], '2');
      assert.equal(response.json().error.code, 'HASHER_BUSY');
    }
    assert.equal((await server.app.inject({ method: 'GET', url: '/status/live' })).statusCode, 200);
    const metrics = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: server.authorization },
    });
    const refusedTotal = /^prevail_hashing_refused (\d+)$/m.exec(metrics.body)?.[1];
    assert.ok(Number(refusedTotal) >= refused.length, `/metrics counts the refusals: ${refusedTotal}`);
  });

  test('the main thread answers other requests while a large upload is decoded and hashed', async () => {
    let settled = false;
    const pending = upload('/v1/hash', 'file', large).finally(() => {
      settled = true;
    });
    for (let attempt = 0; server.pool.stats().running === 0 && !settled; attempt++) {
      assert.ok(attempt < 3000, 'the upload reached the pool');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const health = await server.app.inject({ method: 'GET', url: '/status/live' });
    assert.equal(health.statusCode, 200);
    assert.equal(settled, false, 'the health check answered while the large picture was still being hashed');
    assert.equal((await pending).statusCode, 200);
  });
});
