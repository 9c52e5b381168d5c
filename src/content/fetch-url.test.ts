import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLocalServer } from '../../test/support/http-server.js';
import { EngineError, type ErrorCode } from '../core/index.js';
import { isHostAllowed, isPrivateAddress } from './address-policy.js';
import { type FetchPolicy, fetchUrl } from './fetch-url.js';

const localPolicy: FetchPolicy = { maxBytes: 1000, timeoutMs: 2000, allowedHosts: [], allowPrivateAddresses: true };

async function assertFetchError(url: string, policy: FetchPolicy, code: ErrorCode): Promise<void> {
  await assert.rejects(fetchUrl(url, policy), (error: unknown) => {
    assert.ok(error instanceof EngineError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

describe('address policy', () => {
  test('private, loopback, link-local and reserved addresses are private; public ones are not', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      assert.ok(isPrivateAddress(address), address);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      assert.ok(!isPrivateAddress(address), address);
    }
  });

  test('host allow-list: empty allows all, exact names and *.suffix wildcards', () => {
    assert.ok(isHostAllowed('cdn.example.org', []));
    assert.ok(isHostAllowed('cdn.example.org', ['*.example.org']));
    assert.ok(!isHostAllowed('example.org.evil.test', ['*.example.org']));
    assert.ok(isHostAllowed('Example.org', ['example.org']));
    assert.ok(!isHostAllowed('other.org', ['example.org']));
  });
});

describe('fetchUrl against a local server', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  before(async () => {
    server = await startLocalServer((request, response) => {
      if (request.url === '/small') return void response.end('tiny body');
      if (request.url === '/large') return void response.end(Buffer.alloc(5000));
      if (request.url === '/chunked-large') {
        for (let i = 0; i < 10; i++) response.write(Buffer.alloc(500));
        return void response.end();
      }
      if (request.url === '/redirect') return void response.writeHead(302, { location: '/small' }).end();
      if (request.url === '/loop') return void response.writeHead(302, { location: '/loop' }).end();
      if (request.url === '/slow') return void setTimeout(() => response.end('late'), 1500);
      response.writeHead(404).end();
    });
  });
  after(() => server.close());

  test('fetches a body and follows a redirect', async () => {
    assert.equal(new TextDecoder().decode(await fetchUrl(`${server.url}/small`, localPolicy)), 'tiny body');
    assert.equal(new TextDecoder().decode(await fetchUrl(`${server.url}/redirect`, localPolicy)), 'tiny body');
  });

  test('refuses private addresses unless allowed', () =>
    assertFetchError(`${server.url}/small`, { ...localPolicy, allowPrivateAddresses: false }, 'URL_HOST_NOT_ALLOWED'));

  test('refuses localhost by name unless private addresses are allowed', () =>
    assertFetchError(
      'http://localhost:1/small',
      { ...localPolicy, allowPrivateAddresses: false },
      'URL_HOST_NOT_ALLOWED',
    ));

  test('refuses hosts outside the allow-list', () =>
    assertFetchError(
      `${server.url}/small`,
      { ...localPolicy, allowedHosts: ['images.example.org'] },
      'URL_HOST_NOT_ALLOWED',
    ));

  test('enforces the byte limit from the declared length and while streaming', async () => {
    await assertFetchError(`${server.url}/large`, localPolicy, 'INPUT_TOO_LARGE');
    await assertFetchError(`${server.url}/chunked-large`, localPolicy, 'INPUT_TOO_LARGE');
  });

  test('enforces the deadline', () =>
    assertFetchError(`${server.url}/slow`, { ...localPolicy, timeoutMs: 200 }, 'URL_TIMEOUT'));

  test('reports HTTP errors and redirect loops', async () => {
    await assertFetchError(`${server.url}/missing`, localPolicy, 'URL_FETCH_FAILED');
    await assertFetchError(`${server.url}/loop`, localPolicy, 'URL_FETCH_FAILED');
  });

  test('rejects other schemes, credentials and malformed URLs', async () => {
    await assertFetchError('file:///etc/passwd', localPolicy, 'URL_INVALID');
    await assertFetchError('http://user:secret@127.0.0.1/', localPolicy, 'URL_INVALID');
    await assertFetchError('http://', localPolicy, 'URL_INVALID');
  });
});
