/**
 * SSRF through ffmpeg (issue 10, item 5): `/v1/streams` used to check only the URL it was given,
 * and ffmpeg then followed redirects and HLS segment URLs on its own. Here a real server, real
 * ffmpeg and two local HTTP servers: the allowed one (named in the allow-list with its port) and a
 * forbidden one on another port that must never receive a request, whatever the allowed one
 * points ffmpeg at. Loopback is not allowed wholesale: only `127.0.0.1:<allowed port>` is.
 *
 * Skips with a reason when ffmpeg is missing (fails instead under CI=true).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { createServices, type Services } from '../../src/app/index.js';
import { createApiKey } from '../../src/auth/index.js';
import { defaultMaxPixels } from '../../src/content/index.js';
import { buildHttpServer } from '../../src/http/index.js';
import { httpDependencies } from '../../src/main.js';
import {
  checkStreamSource,
  defaultStreamSourcePolicy,
  type FrameSource,
  StreamManager,
  type StreamStatus,
  StreamWatcher,
} from '../../src/streams/index.js';
import { ffmpegPath, type VideoFrame } from '../../src/video/index.js';
import { fakeMatcher, sceneHasher } from '../support/fake-frames.js';
import { startLocalServer } from '../support/http-server.js';
import { childFfmpegProcesses, ffmpegSkipReason } from '../support/stream-clip.js';

const skip = ffmpegSkipReason();
const run = promisify(execFile);

function playlist(segments: readonly string[]): string {
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-TARGETDURATION:2',
    '#EXT-X-MEDIA-SEQUENCE:0',
    ...segments.flatMap((segment) => ['#EXTINF:2.0,', segment]),
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
}

describe('SSRF through ffmpeg: every hop passes the stream source policy', { skip }, () => {
  let directory: string;
  let segment: Buffer;
  let services: Services;
  let streams: StreamManager;
  let app: FastifyInstance;
  let writer: string;
  let allowed: { url: string; close: () => Promise<void> };
  let forbidden: { url: string; close: () => Promise<void> };
  const allowedRequests: string[] = [];
  const forbiddenRequests: string[] = [];

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-stream-ssrf-'));
    const segmentPath = join(directory, 'segment.ts');
    await run(ffmpegPath(), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=160x90:r=5:d=2',
      '-c:v',
      'mpeg2video',
      '-g',
      '5',
      '-f',
      'mpegts',
      segmentPath,
    ]);
    segment = await readFile(segmentPath);
    forbidden = await startLocalServer((request, response) => {
      forbiddenRequests.push(request.url ?? '');
      if ((request.url ?? '').endsWith('.m3u8')) return void response.end(playlist(['segment.ts']));
      response.writeHead(200, { 'content-type': 'video/mp2t' }).end(segment);
    });
    allowed = await startLocalServer((request, response) => {
      const path = request.url ?? '';
      allowedRequests.push(path);
      const m3u8 = { 'content-type': 'application/vnd.apple.mpegurl' };
      if (path === '/own.m3u8') return void response.writeHead(200, m3u8).end(playlist(['a.ts', 'b.ts']));
      if (path === '/foreign-segment.m3u8') {
        return void response.writeHead(200, m3u8).end(playlist(['a.ts', `${forbidden.url}/stolen.ts`]));
      }
      if (path === '/redirect.m3u8') {
        return void response.writeHead(302, { location: `${forbidden.url}/internal.m3u8` }).end();
      }
      if (path === '/redirecting-segment.m3u8') {
        return void response.writeHead(200, m3u8).end(playlist(['a.ts', 'moved.ts']));
      }
      if (path === '/moved.ts') return void response.writeHead(302, { location: `${forbidden.url}/moved.ts` }).end();
      if (path.endsWith('.ts')) return void response.writeHead(200, { 'content-type': 'video/mp2t' }).end(segment);
      response.writeHead(404).end();
    });

    services = await createServices({ dataDir: directory }, { withEngine: false });
    streams = new StreamManager({
      matcher: fakeMatcher(),
      maxFramesPerSecond: 10,
      reconnect: { maxReconnects: 0 },
      policy: { allowedHosts: [new URL(allowed.url).host], allowPrivateAddresses: false },
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
    writer = (await createApiKey(services.storage.apiKeys, 'operator', ['write', 'read'])).secret;
  });

  after(async () => {
    await app?.close();
    await streams?.close();
    await services?.close();
    await allowed?.close();
    await forbidden?.close();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  /** Starts a stream through the API and waits (bounded) for its final status. */
  async function watch(url: string): Promise<StreamStatus> {
    const headers = { authorization: `Bearer ${writer}` };
    const started = await app.inject({ method: 'POST', url: '/v1/streams', headers, payload: { url } });
    assert.equal(started.statusCode, 201, started.body);
    const id = (started.json() as StreamStatus).id;
    for (let tries = 0; tries < 300; tries++) {
      const status = (await app.inject({ method: 'GET', url: `/v1/streams/${id}`, headers })).json() as StreamStatus;
      if (['ended', 'failed', 'stopped'].includes(status.state)) return status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the stream ${url} did not finish within 30 s`);
  }

  test('control: a playlist whose segments stay on the allowed host plays to its end through the checked proxy', async () => {
    const status = await watch(`${allowed.url}/own.m3u8`);
    assert.equal(status.state, 'ended', status.lastError ?? '');
    assert.ok(status.framesSampled >= 2, `frames: ${status.framesSampled}`);
    assert.ok(allowedRequests.includes('/a.ts') && allowedRequests.includes('/b.ts'), allowedRequests.join(' '));
    assert.deepEqual(forbiddenRequests, []);
  });

  test('the first URL itself on the forbidden port is refused before ffmpeg starts', async () => {
    const headers = { authorization: `Bearer ${writer}` };
    const refused = await app.inject({
      method: 'POST',
      url: '/v1/streams',
      headers,
      payload: { url: `${forbidden.url}/internal.m3u8` },
    });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error.code, 'URL_HOST_NOT_ALLOWED');
    assert.deepEqual(forbiddenRequests, []);
  });

  test('an HLS segment on an unapproved host is never fetched: the stream fails with URL_HOST_NOT_ALLOWED', async () => {
    const status = await watch(`${allowed.url}/foreign-segment.m3u8`);
    assert.equal(status.state, 'failed');
    assert.match(status.lastError ?? '', /^URL_HOST_NOT_ALLOWED: 127\.0\.0\.1:\d+ is not in the allowed hosts/);
    assert.ok(allowedRequests.includes('/foreign-segment.m3u8'));
    assert.deepEqual(forbiddenRequests, [], 'the forbidden server was contacted');
  });

  test('an HTTP redirect to an unapproved host is never followed: the stream fails with URL_HOST_NOT_ALLOWED', async () => {
    for (const path of ['/redirect.m3u8', '/redirecting-segment.m3u8']) {
      const status = await watch(`${allowed.url}${path}`);
      assert.equal(status.state, 'failed', path);
      assert.match(status.lastError ?? '', /^URL_HOST_NOT_ALLOWED: /, path);
      assert.ok(allowedRequests.includes(path), path);
    }
    assert.ok(allowedRequests.includes('/moved.ts'), 'the segment redirect was reached');
    assert.deepEqual(forbiddenRequests, [], 'the forbidden server was contacted');
  });

  test('no watcher ffmpeg is left running', async () => {
    await streams.close();
    assert.deepEqual(await childFfmpegProcesses(), []);
  });
});

describe('SSRF through ffmpeg: the watcher reads network sources through the checked proxy (no ffmpeg needed)', () => {
  test('a hop the proxy refuses stops the reader and fails the stream with URL_HOST_NOT_ALLOWED, without a retry', async () => {
    const forbiddenRequests: string[] = [];
    const forbidden = await startLocalServer((request, response) => {
      forbiddenRequests.push(request.url ?? '');
      response.end('secret');
    });
    const proxies: (string | undefined)[] = [];
    // Stands in for ffmpeg: one frame, then a request through the proxy it was given, as an HLS
    // segment fetch would be; then it goes on until it is stopped.
    const reader: FrameSource = (_url, options) => {
      proxies.push(options.httpProxy);
      return (async function* frames(): AsyncGenerator<VideoFrame> {
        yield { index: 0, timestamp: 0, width: 4, height: 4, rgb: new Uint8Array(48) };
        const proxy = new URL(options.httpProxy ?? 'http://127.0.0.1:1/');
        const answer = await fetchThrough(proxy, `${forbidden.url}/segment.ts`);
        assert.equal(answer, 403);
        await new Promise<void>((resolve) => {
          if (options.signal?.aborted) resolve();
          options.signal?.addEventListener('abort', () => resolve(), { once: true });
          setTimeout(resolve, 5000);
        });
      })();
    };
    try {
      const policy = { ...defaultStreamSourcePolicy, allowedHosts: ['127.0.0.1:9'] };
      const source = await checkStreamSource('http://127.0.0.1:9/live.m3u8', policy);
      const watcher = new StreamWatcher({
        id: 'ssrf',
        source,
        matcher: fakeMatcher(),
        hashFrame: sceneHasher,
        readFrames: reader,
        reconnect: { maxReconnects: 3 },
      });
      const final = await watcher.start().finished;
      assert.equal(final.state, 'failed');
      assert.match(final.lastError ?? '', /^URL_HOST_NOT_ALLOWED: 127\.0\.0\.1:\d+ is not in the allowed hosts/);
      assert.equal(final.reconnects, 0, 'a policy breach is not retried');
      assert.equal(proxies.length, 1);
      assert.match(proxies[0] ?? '', /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.deepEqual(forbiddenRequests, []);
    } finally {
      await forbidden.close();
    }
  });
});

/** One GET through an HTTP proxy (absolute-form request line, as ffmpeg sends it); the status. */
function fetchThrough(proxy: URL, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: proxy.hostname, port: Number(proxy.port), path: url, headers: { host: new URL(url).host } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.setTimeout(5000, () => request.destroy(new Error('no answer within 5 s')));
    request.once('error', reject);
    request.end();
  });
}
