/**
 * SSRF through ffmpeg (issue 10, item 5), the address half: `http://[::127.0.0.1]` was not on the
 * private list. Every spelling of a loopback, private, link-local or unspecified address — IPv6
 * forms that carry an IPv4 address, and the decimal, octal and hex IPv4 literals resolvers accept —
 * must be refused unless private addresses are explicitly allowed; and the checked proxy must judge
 * the address it connects to (DNS answers included), not the name it was given.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  checkEgressTarget,
  type EgressPolicy,
  fetchUrl,
  isHostAllowed,
  isPrivateAddress,
  startEgressProxy,
} from '../../src/content/index.js';
import type { EngineError } from '../../src/core/index.js';
import { checkStreamSource, defaultStreamSourcePolicy } from '../../src/streams/index.js';
import { startLocalServer } from '../support/http-server.js';

/** Loopback, private, link-local, unspecified: in every spelling that reaches them. */
const privateSpellings = [
  '::127.0.0.1', // IPv4-compatible (deprecated)
  '::7f00:1',
  '::10.0.0.1',
  '::ffff:127.0.0.1', // IPv4-mapped, dotted
  '::ffff:7f00:1', // IPv4-mapped, hex
  '::ffff:a9fe:a9fe', // the metadata address, mapped
  '::ffff:0:7f00:1', // IPv4-translated (RFC 6145)
  '64:ff9b::7f00:1', // NAT64 well-known prefix
  '64:ff9b::10.1.2.3',
  '64:ff9b:1::1', // local-use NAT64 (RFC 8215)
  '2002:7f00:1::', // 6to4 of 127.0.0.1
  '2002:c0a8:101::1', // 6to4 of 192.168.1.1
  '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo, client 127.0.0.1
  'fe80::1', // link-local
  'fe80::1%eth0',
  'fc00::1', // unique-local
  'fd12:3456::1',
  'fec0::1', // site-local (deprecated)
  '::', // unspecified
  '::1',
  '0.0.0.0',
  '0', // inet_aton: 0.0.0.0
  '2130706433', // decimal 127.0.0.1
  '017700000001', // octal
  '0x7f000001', // hex
  '0x7f.1',
  '0177.0.0.1',
  '127.1',
  '0xa.0.0.1',
  '169.254.169.254',
  '[::1]',
];

const publicSpellings = ['8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::'];

describe('every IPv6 and IPv4 spelling of a private address is refused unless private hosts are allowed', () => {
  test('the address policy', () => {
    for (const address of privateSpellings) assert.ok(isPrivateAddress(address), address);
    for (const address of publicSpellings) assert.ok(!isPrivateAddress(address), address);
    assert.ok(isPrivateAddress('not-an-address'), 'an unreadable answer never passes');
  });

  test('stream URLs, over HTTP (normalized by the URL parser) and RTMP/RTSP (not normalized)', async () => {
    const urls = [
      'http://[::127.0.0.1]/live.m3u8',
      'http://[::ffff:127.0.0.1]/live.m3u8',
      'http://[::ffff:7f00:1]:8080/live.m3u8',
      'https://[64:ff9b::a00:1]/live.m3u8',
      'http://[2002:7f00:1::]/live.m3u8',
      'http://[fe80::1]/live.m3u8',
      'http://[fd00::1]/live.m3u8',
      'http://[::]/live.m3u8',
      'http://0.0.0.0/live.m3u8',
      'http://2130706433/live.m3u8',
      'http://0x7f.1/live.m3u8',
      'http://0177.0.0.1/live.m3u8',
      'rtmp://2130706433/live/a',
      'rtmp://0x7f.1/live/a',
      'rtmp://[::ffff:10.0.0.1]/live/a',
      'rtsp://[::127.0.0.1]/cam',
      'rtsp://0177.0.0.1/cam',
    ];
    for (const url of urls) {
      await assert.rejects(checkStreamSource(url, defaultStreamSourcePolicy), { code: 'URL_HOST_NOT_ALLOWED' }, url);
      const open = { ...defaultStreamSourcePolicy, allowPrivateAddresses: true };
      assert.equal((await checkStreamSource(url, open)).source, url, url);
    }
    for (const url of ['http://[64:ff9b::808:808]/live.m3u8', 'rtmp://[2002:808:808::]/live/a']) {
      assert.equal((await checkStreamSource(url, defaultStreamSourcePolicy)).source, url, url);
    }
  });

  test('URL fetches (hash by URL) refuse the same spellings before connecting', async () => {
    const policy = { maxBytes: 1000, timeoutMs: 2000, allowedHosts: [], allowPrivateAddresses: false };
    for (const url of [
      'http://[::127.0.0.1]:1/a.png',
      'http://[::ffff:7f00:1]:1/',
      'http://0x7f.1:1/',
      'http://[::]:1/',
    ]) {
      await assert.rejects(fetchUrl(url, policy), { code: 'URL_HOST_NOT_ALLOWED' }, url);
    }
  });

  test('an allow-list entry with a port allows that port only, in any spelling of the address', async () => {
    assert.ok(isHostAllowed('0x7f.1', ['127.0.0.1:8080'], 8080));
    assert.ok(!isHostAllowed('127.0.0.1', ['127.0.0.1:8080'], 8081));
    assert.ok(isHostAllowed('127.0.0.1', ['127.0.0.1'], 8081));
    assert.ok(isHostAllowed('::1', ['[::1]:8080'], 8080));
    assert.ok(!isHostAllowed('::1', ['[::1]:8080'], 80));
    assert.ok(isHostAllowed('edge.media.example', ['*.media.example:1935'], 1935));
    const policy = { ...defaultStreamSourcePolicy, allowedHosts: ['127.0.0.1:8080'] };
    assert.equal((await checkStreamSource('http://127.0.0.1:8080/a.m3u8', policy)).kind, 'hls');
    await assert.rejects(checkStreamSource('http://127.0.0.1:8081/a.m3u8', policy), { code: 'URL_HOST_NOT_ALLOWED' });
    await assert.rejects(checkStreamSource('http://127.0.0.1/a.m3u8', policy), { code: 'URL_HOST_NOT_ALLOWED' });
  });
});

describe('the checked proxy judges the address it connects to', () => {
  let target: { url: string; close: () => Promise<void> };
  let requests = 0;
  before(async () => {
    target = await startLocalServer((_request, response) => {
      requests += 1;
      response.end('reached');
    });
  });
  after(() => target.close());

  const port = (): number => Number(new URL(target.url).port);
  /** A resolver under the test's control: the name "rebind.example" answers a private address. */
  const rebinding = async (host: string) => {
    if (host === 'rebind.example') return [{ address: '127.0.0.1', family: 4 as const }];
    throw new Error(`unknown host ${host}`);
  };

  test('a name that resolves to a private address is refused (DNS rebinding), by request and by tunnel', async () => {
    const policy: EgressPolicy = { allowedHosts: [], allowPrivateAddresses: false };
    await assert.rejects(checkEgressTarget('rebind.example', port(), policy, rebinding), {
      code: 'URL_HOST_NOT_ALLOWED',
    });
    const refusals: EngineError[] = [];
    const proxy = await startEgressProxy(policy, { resolve: rebinding, onRefused: (error) => refusals.push(error) });
    try {
      const answer = await proxyGet(proxy.url, `http://rebind.example:${port()}/`);
      assert.match(answer, /^HTTP\/1\.1 403/);
      const tunnel = await proxyConnect(proxy.url, `rebind.example:${port()}`);
      assert.match(tunnel, /^HTTP\/1\.1 403/);
      assert.deepEqual(
        refusals.map((error) => error.code),
        ['URL_HOST_NOT_ALLOWED', 'URL_HOST_NOT_ALLOWED'],
      );
      assert.equal(proxy.forwarded, 0);
      assert.equal(requests, 0, 'the private address was reached');
    } finally {
      await proxy.close();
    }
  });

  test('a named host:port is forwarded (request and tunnel) to the address that was checked, another port is not', async () => {
    const policy: EgressPolicy = { allowedHosts: [`rebind.example:${port()}`], allowPrivateAddresses: false };
    const proxy = await startEgressProxy(policy, { resolve: rebinding });
    try {
      const answer = await proxyGet(proxy.url, `http://rebind.example:${port()}/`);
      assert.match(answer, /^HTTP\/1\.1 200/);
      assert.match(answer, /reached$/);
      const authority = `rebind.example:${port()}`;
      const tunnelled = await rawExchange(
        proxy.url,
        `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\nGET / HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`,
      );
      assert.match(tunnelled, /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK/);
      assert.match(tunnelled, /reached$/);
      assert.equal(proxy.forwarded, 2);
      assert.equal(requests, 2);
      const otherPort = await proxyGet(proxy.url, `http://rebind.example:${port() === 1 ? 2 : port() - 1}/`);
      assert.match(otherPort, /^HTTP\/1\.1 403/);
      assert.equal(requests, 2);
    } finally {
      await proxy.close();
    }
  });
});

/** One raw request through the proxy (absolute-form, as ffmpeg sends it); the whole answer. */
function proxyGet(proxyUrl: string, url: string): Promise<string> {
  const { host } = new URL(url);
  return rawExchange(proxyUrl, `GET ${url} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
}

/** A CONNECT through the proxy; the answer up to the end of its headers (or the close). */
function proxyConnect(proxyUrl: string, authority: string): Promise<string> {
  return rawExchange(proxyUrl, `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
}

function rawExchange(proxyUrl: string, text: string): Promise<string> {
  const { hostname, port } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(text));
    let received = '';
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 5 s')), 5000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}
