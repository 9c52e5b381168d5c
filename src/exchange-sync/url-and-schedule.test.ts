import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exchangeRig, fakePdq, ScriptedUpstream } from '../../test/support/exchange-rig.js';
import { EngineError } from '../core/index.js';
import { JobRunner } from '../jobs/index.js';
import { openStorage, type Storage } from '../storage/index.js';

let directory: string;
let storage: Storage;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'prevail-exchange-url-'));
  storage = await openStorage({ dataDir: directory });
});
after(async () => {
  await storage.close();
  await rm(directory, { recursive: true, force: true });
});

describe('the url exchange', () => {
  test('retries a 503 honouring Retry-After, deletes vanished values, sends its credential, refuses a 401', async () => {
    let body = `pdq ${fakePdq(1)}\npdq ${fakePdq(2)}\n`;
    const statuses: number[] = [];
    const authorizations: (string | undefined)[] = [];
    let next503 = true;
    const server = createServer((request, response) => {
      authorizations.push(request.headers.authorization);
      if (request.url === '/locked') {
        response.writeHead(401).end();
        statuses.push(401);
        return;
      }
      if (next503) {
        next503 = false;
        response.writeHead(503, { 'retry-after': '0' }).end();
        statuses.push(503);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end(body);
      statuses.push(200);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { exchanges, matcher } = await exchangeRig(storage);
      await exchanges.add({ name: 'URL_LIST', kind: 'url', config: { url: `${base}/list.txt`, format: 'typed' } });
      await exchanges.setCredentials({ exchange: 'URL_LIST' }, { authorization: 'Bearer fake-url-token' });
      assert.equal((await exchanges.fetch('URL_LIST')).upserts, 2);
      assert.deepEqual(statuses, [503, 200]);
      assert.equal(authorizations.at(-1), 'Bearer fake-url-token');
      body = `pdq ${fakePdq(2)}\n`;
      const second = await exchanges.fetch('URL_LIST');
      assert.equal(second.removals, 1);
      assert.equal((await matcher.match({ signals: { pdq: fakePdq(1) } })).matches.length, 0);

      await exchanges.add({ name: 'LOCKED', kind: 'url', config: { url: `${base}/locked` } });
      await assert.rejects(
        exchanges.fetch('LOCKED'),
        (error) =>
          error instanceof EngineError && error.code === 'EXCHANGE_AUTH_FAILED' && !error.message.includes('/locked'),
      );
      for (const config of [
        { url: 'http://user:pw@127.0.0.1/x' },
        { url: 'javascript:alert(1)' },
        { url: `${base}/x`, timeout_ms: 1e12 },
        { url: `${base}/x`, max_entries: -1 },
        { url: 'x'.repeat(10_000) },
      ]) {
        await assert.rejects(
          exchanges.add({ name: 'BAD_URL', kind: 'url', config }),
          (error) => error instanceof EngineError && error.code === 'EXCHANGE_INVALID',
        );
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('scheduling', () => {
  test('the job fetches each enabled exchange when its interval has passed; a failing one does not stop the others', async () => {
    let now = Date.parse('2026-12-06T12:00:00.000Z');
    const upstream = new ScriptedUpstream();
    upstream.log = [{ key: 'k', record: { signals: [{ signalType: 'pdq', value: fakePdq(7) }], metadata: {} } }];
    const failing = {
      kind: 'failing',
      description: 'always unavailable (tests)',
      configFields: [],
      credentialFields: null,
      parseConfig: () => ({}),
      createClient: () => ({
        kind: 'failing',
        fetchPage: async () => {
          throw new EngineError('EXCHANGE_UNAVAILABLE', 'the upstream is down');
        },
      }),
    };
    const { exchanges } = await exchangeRig(storage, { upstream, kinds: [failing], clock: () => now });
    await exchanges.add({ name: 'A_FAILING', kind: 'failing', intervalSeconds: 60 });
    await exchanges.add({ name: 'B_SCRIPTED', kind: 'scripted', intervalSeconds: 60 });
    await exchanges.add({ name: 'C_DISABLED', kind: 'scripted', intervalSeconds: 60, enabled: false });
    const jobs = new JobRunner({ logger: { info: () => {}, warn: () => {}, error: () => {} } });
    jobs.add({ name: 'exchanges.fetch', everyMs: 10_000, retries: 0, run: () => exchanges.fetchDue() });
    const first = await jobs.runNow('exchanges.fetch');
    assert.equal(first.ok, true);
    assert.deepEqual(first.result, { fetched: ['B_SCRIPTED'], failed: ['A_FAILING'], busy: [] });
    now += 30_000;
    assert.deepEqual((await jobs.runNow('exchanges.fetch')).result, { fetched: [], failed: [], busy: [] });
    now += 31_000;
    assert.deepEqual((await jobs.runNow('exchanges.fetch')).result, {
      fetched: ['B_SCRIPTED'],
      failed: ['A_FAILING'],
      busy: [],
    });
    assert.equal((await exchanges.status('A_FAILING')).consecutiveFailures, 2);
    assert.equal((await exchanges.status('C_DISABLED')).fetchStartedAt, null);
    await jobs.stop();
  });
});
