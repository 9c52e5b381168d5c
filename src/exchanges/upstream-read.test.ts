import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { readUpstream, retryAfterMs, upstreamStatusOf } from './upstream-read.js';

/** A local server answering from a script of statuses, counting requests and recording headers. */
function scriptedServer(script: readonly { status: number; headers?: Record<string, string>; delayMs?: number }[]) {
  const seen: { authorization: string | undefined }[] = [];
  const server = createServer((request, response) => {
    const step = script[Math.min(seen.length, script.length - 1)];
    seen.push({ authorization: request.headers.authorization });
    setTimeout(() => {
      if (step === undefined) {
        response.end();
        return;
      }
      response.writeHead(step.status, step.headers);
      response.end(step.status === 200 ? 'page' : 'nope');
    }, step?.delayMs ?? 0);
  });
  return { server, seen };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/entries?from=x`;
}

describe('readUpstream', () => {
  const servers: Server[] = [];
  const start = async (script: Parameters<typeof scriptedServer>[0]) => {
    const made = scriptedServer(script);
    servers.push(made.server);
    return { url: await listen(made.server), seen: made.seen };
  };
  after(() => {
    for (const server of servers) server.close();
  });

  it('retries 429 and 503 honouring Retry-After, then returns the page', async () => {
    const { url, seen } = await start([
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 503 },
      { status: 200 },
    ]);
    const response = await readUpstream(url, { baseDelayMs: 1, headers: { authorization: 'Basic c2VjcmV0' } });
    assert.equal(await response.text(), 'page');
    assert.equal(seen.length, 3);
    assert.ok(seen.every((request) => request.authorization === 'Basic c2VjcmV0'));
  });

  it('fails at once on 401 with EXCHANGE_AUTH_FAILED, without the credentials in the message', async () => {
    const { url, seen } = await start([{ status: 401 }]);
    await assert.rejects(
      readUpstream(url, { baseDelayMs: 1, headers: { authorization: 'Basic c2VjcmV0' } }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'EXCHANGE_AUTH_FAILED');
        assert.doesNotMatch(error.message, /c2VjcmV0|from=x/);
        return true;
      },
    );
    assert.equal(seen.length, 1);
  });

  it('stops at the retry bound with EXCHANGE_UNAVAILABLE', async () => {
    const { url, seen } = await start([{ status: 500 }]);
    await assert.rejects(readUpstream(url, { retries: 2, baseDelayMs: 1 }), { code: 'EXCHANGE_UNAVAILABLE' });
    assert.equal(seen.length, 3);
  });

  it('does not retry a 404', async () => {
    const { url, seen } = await start([{ status: 404 }]);
    await assert.rejects(readUpstream(url, { baseDelayMs: 1 }), { code: 'EXCHANGE_UNAVAILABLE' });
    assert.equal(seen.length, 1);
  });

  it('reports a deadline every attempt missed as EXCHANGE_TIMEOUT', async () => {
    const { url } = await start([{ status: 200, delayMs: 300 }]);
    await assert.rejects(readUpstream(url, { retries: 1, timeoutMs: 50, baseDelayMs: 1 }), {
      code: 'EXCHANGE_TIMEOUT',
    });
  });

  it('clamps a huge Retry-After to maxDelayMs', async () => {
    const { url, seen } = await start([{ status: 429, headers: { 'retry-after': '999999' } }, { status: 200 }]);
    const response = await readUpstream(url, { maxDelayMs: 5 });
    assert.equal(response.status, 200);
    assert.equal(seen.length, 2);
  });

  it('keeps the status of a refusal it does not retry, and lets isAuthFailure read the body', async () => {
    const { url, seen } = await start([{ status: 400 }]);
    const refusal = await readUpstream(url, { baseDelayMs: 1 }).catch((error: unknown) => error);
    assert.equal(upstreamStatusOf(refusal), 400);
    const bodies: string[] = [];
    await assert.rejects(
      readUpstream(url, {
        isAuthFailure: (status, body) => {
          bodies.push(body);
          return status === 400 && body === 'nope';
        },
      }),
      { code: 'EXCHANGE_AUTH_FAILED' },
    );
    assert.deepEqual(bodies, ['nope']);
    assert.equal(seen.length, 2, 'neither is retried');
    assert.equal(upstreamStatusOf(new Error('x')), undefined);
  });

  it('refuses a malformed URL with URL_INVALID', async () => {
    await assert.rejects(readUpstream('not a url\u0000'), { code: 'URL_INVALID' });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates and ignores nonsense', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000), 6000);
    assert.equal(retryAfterMs('soon'), undefined);
    assert.equal(retryAfterMs(null), undefined);
    assert.equal(retryAfterMs('-5'), undefined);
  });
});
