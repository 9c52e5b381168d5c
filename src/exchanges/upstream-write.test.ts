import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startLocalServer } from '../../test/support/http-server.js';
import { writeUpstream } from './upstream-write.js';

describe('writeUpstream', () => {
  const statuses: number[] = [];
  const received: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  after(() => Promise.all(closers.map((close) => close())));
  const start = async () => {
    const server = await startLocalServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(`${request.method} ${Buffer.concat(chunks).toString('utf8')}`);
        const status = statuses.shift() ?? 200;
        response.writeHead(status, { 'retry-after': '0' });
        response.end(status === 200 ? 'ok' : 'no');
      });
    });
    closers.push(server.close);
    return server.url;
  };

  it('sends the write once and returns the body; a 503 is not retried; 401 is an auth failure', async () => {
    const url = await start();
    assert.equal(await writeUpstream(`${url}/feedback`, { method: 'PUT', body: '<a/>' }), 'ok');
    statuses.push(503);
    await assert.rejects(writeUpstream(`${url}/feedback`, { method: 'POST', body: 'x' }), {
      code: 'EXCHANGE_UNAVAILABLE',
    });
    statuses.push(401);
    await assert.rejects(writeUpstream(`${url}/feedback`, { method: 'POST', body: 'y' }), {
      code: 'EXCHANGE_AUTH_FAILED',
    });
    assert.deepEqual(received, ['PUT <a/>', 'POST x', 'POST y']);
  });

  it('an unreachable exchange is EXCHANGE_UNAVAILABLE', async () => {
    await assert.rejects(writeUpstream('http://127.0.0.1:9/feedback', { method: 'POST', body: 'x' }), {
      code: 'EXCHANGE_UNAVAILABLE',
    });
  });
});
