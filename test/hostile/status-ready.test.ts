/**
 * `/status/ready` on a real server: 200 with every check `ok`; 503 naming the database once the
 * store is closed under it (what an unreachable PostgreSQL looks like to the server), while
 * `/status/live` stays 200 (liveness must not restart a process for its database's outage).
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { startTestServer } from '../support/server-harness.js';

describe('/status/ready', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    // The store was closed under the server: the engine's final checkpoint fails, as it should.
    await server.close().catch(() => rm(server.dataDir, { recursive: true, force: true }));
  });

  test('200 with the checks when the index, the database and the engine are fine; public, not cached', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/status/ready' });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { ready: true, checks: { index: 'ok', database: 'ok', engine: 'ok' } });
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  test('odd query strings and methods change nothing: no error, no state', async () => {
    for (const url of [
      '/status/ready?x=%00',
      `/status/ready?${'a'.repeat(4000)}=1`,
      '/status/ready?deep[a][b][c][d][e]=1',
      '/status/ready?n=1e309',
    ]) {
      const response = await server.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, `${url.slice(0, 40)}: ${response.body}`);
    }
    const post = await server.app.inject({ method: 'POST', url: '/status/ready', payload: {} });
    assert.ok(post.statusCode === 404 || post.statusCode === 405, String(post.statusCode));
    const head = await server.app.inject({ method: 'HEAD', url: '/status/ready' });
    assert.equal(head.statusCode, 200);
  });

  test('an unreachable database: 503 with database "unreachable" and no driver message; liveness stays 200', async () => {
    await server.services.storage.close();
    const response = await server.app.inject({ method: 'GET', url: '/status/ready' });
    assert.equal(response.statusCode, 503, response.body);
    const body = response.json() as { ready: boolean; checks: Record<string, string> };
    assert.equal(body.ready, false);
    assert.equal(body.checks.database, 'unreachable');
    assert.deepEqual(Object.keys(body), ['ready', 'checks']);
    const live = await server.app.inject({ method: 'GET', url: '/status/live' });
    assert.equal(live.statusCode, 200);
  });
});
