import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createServices, type Services } from '../../src/app/index.js';
import { createApiKey } from '../../src/auth/index.js';
import { defaultMaxPixels } from '../../src/content/index.js';
import { buildHttpServer, type HttpConfig, serverHostNames } from '../../src/http/index.js';
import { createLogger } from '../../src/logging/index.js';
import { httpDependencies } from '../../src/main.js';
import { patternImage } from '../support/images.js';

/** A server on a fresh SQLite store whose log lines are collected in `logLines`. */
async function startServer(extra: Partial<HttpConfig> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'prevail-edge-http-'));
  const services: Services = await createServices({ dataDir }, { withEngine: true });
  const logLines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logLines.push(JSON.parse(line));
      callback();
    },
  });
  const config: HttpConfig = {
    hmaAccess: 'open',
    maxUploadBytes: 1024 * 1024,
    fetchPolicy: { maxBytes: 1024 * 1024, timeoutMs: 5000, allowedHosts: [], allowPrivateAddresses: false },
    decode: { maxPixels: defaultMaxPixels },
    logger: createLogger({ level: 'info', destination }),
    ...extra,
  };
  const app: FastifyInstance = await buildHttpServer(httpDependencies(services, config));
  await app.ready();
  const admin = (await createApiKey(services.storage.apiKeys, 'edge-admin', ['admin'])).secret;
  return {
    app,
    services,
    logLines,
    auth: { authorization: `Bearer ${admin}` },
    close: async () => {
      await app.close();
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

type Server = Awaited<ReturnType<typeof startServer>>;

/** A multipart form with a photo, as a page on another site can post it without a preflight. */
async function photoForm(): Promise<{ payload: Buffer; boundary: string }> {
  const boundary = '----edgeformboundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    Buffer.from(await patternImage(64, 64, 'png', 7)),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, boundary };
}

describe('Cross-site writes', () => {
  let server: Server;
  before(async () => {
    server = await startServer();
    await server.services.banks.createBank({ name: 'TARGET_BANK' });
  });
  after(() => server.close());

  test('a cross-origin multipart form cannot poison a bank through the HMA write routes', async () => {
    const { payload, boundary } = await photoForm();
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'http://localhost:8080', 'sec-fetch-site': 'same-site' },
    ]) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/c/bank/TARGET_BANK/content',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers },
        payload,
      });
      assert.equal(response.statusCode, 403, `${JSON.stringify(headers)} → ${response.body}`);
      assert.match(response.json().message, /may not change anything/);
    }
    const v1 = await server.app.inject({
      method: 'POST',
      url: '/v1/banks',
      headers: { ...server.auth, origin: 'https://evil.example' },
      payload: { name: 'EVIL_BANK' },
    });
    assert.equal(v1.statusCode, 403);
    assert.equal(v1.json().error.code, 'ORIGIN_FORBIDDEN');
    assert.equal(
      (await server.services.banks.listContent('TARGET_BANK', { limit: 10 })).length,
      0,
      'nothing was added',
    );
    assert.deepEqual(
      (await server.services.banks.listBanks()).map((item) => item.name),
      ['TARGET_BANK'],
    );
  });

  test('same-origin browser requests and clients without an Origin still write', async () => {
    const sameOrigin = await server.app.inject({
      method: 'POST',
      url: '/v1/banks',
      headers: {
        ...server.auth,
        host: '127.0.0.1:5100',
        origin: 'http://127.0.0.1:5100',
        'sec-fetch-site': 'same-origin',
      },
      payload: { name: 'SAME_ORIGIN_BANK' },
    });
    assert.equal(sameOrigin.statusCode, 201, sameOrigin.body);
    const curl = await server.app.inject({
      method: 'POST',
      url: '/v1/banks',
      headers: server.auth,
      payload: { name: 'CURL_BANK' },
    });
    assert.equal(curl.statusCode, 201, curl.body);
    const crossSiteRead = await server.app.inject({
      method: 'GET',
      url: '/c/banks',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(crossSiteRead.statusCode, 200, 'reads stay readable only as CORS allows: no CORS headers are sent');
    assert.equal(crossSiteRead.headers['access-control-allow-origin'], undefined);
  });

  test('DNS rebinding: a Host that is not configured is refused, reads included', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const response = await server.app.inject({
        method,
        url: '/c/banks',
        headers: { host: 'rebind.evil.example:5100' },
        ...(method === 'POST' ? { payload: { name: 'REBOUND' } } : {}),
      });
      assert.equal(response.statusCode, 421, response.body);
      assert.match(response.json().message, /does not answer for host "rebind\.evil\.example"/);
    }
    const v1 = await server.app.inject({
      method: 'GET',
      url: '/v1/banks',
      headers: { ...server.auth, host: 'evil.example' },
    });
    assert.equal(v1.json().error.code, 'HOST_NOT_ALLOWED');
    for (const host of ['localhost:5100', '127.0.0.1', '[::1]:5100', 'LOCALHOST']) {
      const ok = await server.app.inject({ method: 'GET', url: '/c/banks', headers: { host } });
      assert.equal(ok.statusCode, 200, `${host}: ${ok.body}`);
    }
  });

  test('serve answers for the loopback names, its listen address and --allowed-hosts', () => {
    assert.deepEqual(serverHostNames('127.0.0.1', []), ['localhost', '127.0.0.1', '[::1]']);
    assert.deepEqual(serverHostNames('10.1.2.3', ['prevail.internal']), [
      'localhost',
      '127.0.0.1',
      '[::1]',
      '10.1.2.3',
      'prevail.internal',
    ]);
    assert.deepEqual(serverHostNames('::1', []), ['localhost', '127.0.0.1', '[::1]']);
    assert.deepEqual(
      serverHostNames('0.0.0.0', [], () => ['127.0.0.1', '192.0.2.7', 'fe80::1']),
      ['localhost', '127.0.0.1', '[::1]', '192.0.2.7', '[fe80::1]'],
      'a wildcard stands for the addresses of every interface, never a DNS name',
    );
  });

  test('--allowed-hosts adds names; * accepts any', async () => {
    const named = await startServer({ allowedHosts: ['localhost', 'prevail.internal'] });
    try {
      const ok = await named.app.inject({ method: 'GET', url: '/c/banks', headers: { host: 'prevail.internal:443' } });
      assert.equal(ok.statusCode, 200);
      const other = await named.app.inject({ method: 'GET', url: '/c/banks', headers: { host: 'other.internal' } });
      assert.equal(other.statusCode, 421);
    } finally {
      await named.close();
    }
    const any = await startServer({ allowedHosts: ['*'], allowedOrigins: ['https://ui.example.org'] });
    try {
      const ok = await any.app.inject({ method: 'GET', url: '/c/banks', headers: { host: 'whatever.example' } });
      assert.equal(ok.statusCode, 200);
      const ui = await any.app.inject({
        method: 'POST',
        url: '/v1/banks',
        headers: { ...any.auth, origin: 'https://ui.example.org' },
        payload: { name: 'UI_BANK' },
      });
      assert.equal(ui.statusCode, 201, ui.body);
    } finally {
      await any.close();
    }
  });
});

describe('X-Forwarded-For is believed from configured proxies only', () => {
  /** The remote address the request log gave the request sent with `headers`. */
  async function loggedRemote(server: Server, headers: Record<string, string>): Promise<unknown> {
    const response = await server.app.inject({
      method: 'GET',
      url: '/status/live',
      headers,
      remoteAddress: '127.0.0.1',
    });
    assert.equal(response.statusCode, 200);
    const requestId = response.headers['x-request-id'];
    const line = server.logLines.find(
      (entry) => entry.reqId === requestId && typeof entry.req === 'object' && entry.req !== null,
    ) as { req: { remoteAddress?: unknown } } | undefined;
    assert.ok(line, 'the request is logged');
    return line.req.remoteAddress;
  }

  test('by default the header is ignored: the log shows the peer', async () => {
    const server = await startServer();
    try {
      assert.equal(await loggedRemote(server, { 'x-forwarded-for': '203.0.113.7' }), '127.0.0.1');
    } finally {
      await server.close();
    }
  });

  test('behind a trusted proxy the log shows the client the proxy names', async () => {
    const server = await startServer({ trustProxy: ['127.0.0.1/32'] });
    try {
      assert.equal(await loggedRemote(server, { 'x-forwarded-for': '203.0.113.7' }), '203.0.113.7');
      assert.equal(await loggedRemote(server, {}), '127.0.0.1');
    } finally {
      await server.close();
    }
  });
});

describe('Errors answer coded 4xx, never 500', () => {
  let server: Server;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('deep JSON: a 100k-deep body is refused with a coded 400 on every JSON route', async () => {
    const arrays = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const objects = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    for (const url of ['/c/banks', '/v1/banks', '/v1/events', '/v1/match', '/c/bank/X/signal']) {
      for (const payload of [arrays, objects]) {
        const response = await server.app.inject({
          method: 'POST',
          url,
          headers: { ...server.auth, 'content-type': 'application/json' },
          payload,
        });
        assert.equal(response.statusCode, 400, `${url}: ${response.body.slice(0, 200)}`);
        assert.match(response.body, /nests deeper than 64 levels/);
      }
    }
    // The same limit holds for JSON inside form fields: HMA's `metadata`, /v1/match's `entities`.
    await server.services.banks.createBank({ name: 'FORM_BANK' });
    const photo = Buffer.from(await patternImage(64, 64, 'png', 9));
    for (const [url, field, fileField] of [
      ['/c/bank/FORM_BANK/content', 'metadata', 'photo'],
      ['/v1/match', 'entities', 'file'],
    ] as const) {
      const payload = Buffer.concat([
        Buffer.from(`--b\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${objects}\r\n`),
        Buffer.from(
          `--b\r\nContent-Disposition: form-data; name="${fileField}"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        photo,
        Buffer.from('\r\n--b--\r\n'),
      ]);
      const response = await server.app.inject({
        method: 'POST',
        url,
        headers: { ...server.auth, 'content-type': 'multipart/form-data; boundary=b' },
        payload,
      });
      assert.equal(response.statusCode, 400, `${url} ${field}: ${response.body.slice(0, 200)}`);
    }
    const stringsDoNotCount = await server.app.inject({
      method: 'POST',
      url: '/v1/banks',
      headers: { ...server.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'DEEP_TEXT_BANK', description: '['.repeat(1000) }),
    });
    assert.equal(stringsDoNotCount.statusCode, 201, stringsDoNotCount.body);
  });

  test('?limit=1e999 is a coded 400', async () => {
    for (const url of [
      '/v1/cases?reason=triage&limit=1e999',
      '/v1/banks/DEEP_TEXT_BANK/content?limit=1e999',
      '/v1/banks/DEEP_TEXT_BANK/content?after=1e999',
    ]) {
      const response = await server.app.inject({ method: 'GET', url, headers: server.auth });
      assert.equal(response.statusCode, 400, `${url}: ${response.body}`);
      assert.equal(response.json().error.code, 'REQUEST_INVALID');
    }
  });

  test('DELETE /v1/banks/NOPE is 404 BANK_NOT_FOUND; DELETE /v1/keys/999999 is 404 KEY_NOT_FOUND', async () => {
    const bank = await server.app.inject({ method: 'DELETE', url: '/v1/banks/NOPE', headers: server.auth });
    assert.equal(bank.statusCode, 404);
    assert.equal(bank.json().error.code, 'BANK_NOT_FOUND');
    const key = await server.app.inject({ method: 'DELETE', url: '/v1/keys/999999', headers: server.auth });
    assert.equal(key.statusCode, 404);
    assert.equal(key.json().error.code, 'KEY_NOT_FOUND');
  });

  test('a mistyped bank name in /v1/match is BANK_NOT_FOUND, not "no match"', async () => {
    const signals = { md5: 'd41d8cd98f00b204e9800998ecf8427e' };
    const query = await server.app.inject({
      method: 'POST',
      url: '/v1/match?banks=NOPE',
      headers: server.auth,
      payload: { signals },
    });
    assert.equal(query.statusCode, 404, query.body);
    assert.equal(query.json().error.code, 'BANK_NOT_FOUND');
    assert.match(query.json().error.message, /'NOPE'/);
    const body = await server.app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: server.auth,
      payload: { signals, banks: ['DEEP_TEXT_BANK', 'NOPE'] },
    });
    assert.equal(body.statusCode, 404, body.body);
    const known = await server.app.inject({
      method: 'POST',
      url: '/v1/match?banks=DEEP_TEXT_BANK',
      headers: server.auth,
      payload: { signals },
    });
    assert.equal(known.statusCode, 200, known.body);
  });

  test('INTERNAL errors never send their raw message; they are logged under the request id the response carries', async () => {
    const banks = server.services.banks;
    const original = banks.listBanks.bind(banks);
    banks.listBanks = async () => {
      throw new Error('SQLITE_CORRUPT: secret internal detail at /srv/data/prevail.db');
    };
    try {
      for (const url of ['/v1/banks', '/c/banks']) {
        const response = await server.app.inject({ method: 'GET', url, headers: server.auth });
        assert.equal(response.statusCode, 500);
        assert.doesNotMatch(response.body, /secret|SQLITE|prevail\.db/);
        const requestId = response.headers['x-request-id'];
        assert.equal(typeof requestId, 'string');
        const body = response.json();
        assert.equal(url === '/c/banks' ? body.requestId : body.error.requestId, requestId);
        const logged = server.logLines.find((line) => line.reqId === requestId && line.level === 50);
        assert.ok(logged, `an error line with reqId ${requestId}`);
        assert.match(JSON.stringify(logged), /secret internal detail/);
      }
    } finally {
      banks.listBanks = original;
    }
  });
});
