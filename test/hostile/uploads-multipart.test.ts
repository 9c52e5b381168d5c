import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { patternImage } from '../support/images.js';
import { multipartBody, startUploadServer, uploadRoutes } from '../support/upload-server.js';

type Server = Awaited<ReturnType<typeof startUploadServer>>;

const maxUploadBytes = 64 * 1024;
const boundary = 'prevailhostile';
const typed = { 'content-type': `multipart/form-data; boundary=${boundary}` };
const filePart = (field: string, body: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="x"\r\nContent-Type: application/octet-stream\r\n\r\n${body}`;

/** Malformed bodies every upload route must refuse with a coded 4xx. */
const malformed = (field: string): { name: string; headers: Record<string, string>; payload: string }[] => [
  { name: 'no boundary', headers: { 'content-type': 'multipart/form-data' }, payload: filePart(field, 'xx') },
  { name: 'an empty boundary', headers: { 'content-type': 'multipart/form-data; boundary=' }, payload: 'xx' },
  {
    name: 'a boundary the body does not use',
    headers: typed,
    payload: filePart(field, 'xx').replaceAll(boundary, 'other'),
  },
  { name: 'a truncated part', headers: typed, payload: filePart(field, 'x'.repeat(500)) },
  { name: 'truncated part headers', headers: typed, payload: `--${boundary}\r\nContent-Disposi` },
  { name: 'an empty body', headers: typed, payload: '' },
  {
    name: 'no file field',
    headers: typed,
    payload: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`,
  },
];

describe('hostile uploads: malformed multipart', () => {
  let server: Server;
  before(async () => {
    server = await startUploadServer({ maxUploadBytes, hashing: { workers: 1, maxQueued: 8 } });
  });
  after(() => server.close());

  const send = (url: string, request: { headers: Record<string, string>; payload: string | Buffer }) =>
    server.app.inject({
      method: 'POST',
      url,
      headers: { ...request.headers, authorization: server.authorization },
      payload: request.payload,
    });

  /** Checks a coded refusal: `{"message"}` on HMA routes, `{"error": {"code"}}` under /v1. */
  const assertRefused = (
    response: Awaited<ReturnType<typeof send>>,
    hma: boolean,
    status: number,
    code: string,
    what: string,
  ) => {
    assert.equal(response.statusCode, status, `${what}: ${response.body}`);
    const body = response.json();
    if (hma) {
      assert.deepEqual(Object.keys(body), ['message'], what);
    } else {
      assert.equal(body.error.code, code, what);
    }
  };

  test('malformed multipart on every upload route answers a coded 4xx (REQUEST_INVALID), never 500', async () => {
    for (const route of uploadRoutes) {
      for (const request of malformed(route.field)) {
        assertRefused(
          await send(route.url, request),
          route.hma,
          400,
          'REQUEST_INVALID',
          `${route.url}: ${request.name}`,
        );
      }
    }
  });

  test('a file part over the upload limit answers REQUEST_TOO_LARGE (413) on every upload route', async () => {
    const oversized = new Uint8Array(maxUploadBytes + 1024).fill(7);
    for (const route of uploadRoutes) {
      const response = await send(route.url, multipartBody(route.field, oversized));
      assertRefused(response, route.hma, 413, 'REQUEST_TOO_LARGE', route.url);
    }
  });

  test('a file under a field name that is no HMA content type answers 400 on the HMA upload routes', async () => {
    const picture = await patternImage(120, 90, 'png', 3);
    for (const route of uploadRoutes.filter((candidate) => candidate.hma)) {
      const response = await send(route.url, multipartBody('picture', picture));
      assertRefused(response, true, 400, 'REQUEST_INVALID', route.url);
      assert.equal(response.json().message, "no such content_type: 'picture'", route.url);
    }
  });

  test('two files in one upload answer REQUEST_INVALID on every upload route', async () => {
    const picture = await patternImage(40, 40, 'png', 3);
    for (const route of uploadRoutes) {
      const one = multipartBody(route.field, picture);
      const text = one.payload.toString('latin1');
      const firstPart = text.slice(0, text.lastIndexOf('\r\n----'));
      const payload = Buffer.from(
        `${firstPart}\r\n${firstPart.slice(firstPart.indexOf('----'))}\r\n----prevailuploadboundary--\r\n`,
        'latin1',
      );
      assertRefused(
        await send(route.url, { headers: one.headers, payload }),
        route.hma,
        400,
        'REQUEST_INVALID',
        route.url,
      );
    }
  });

  test('a well-formed upload is still accepted on every upload route', async () => {
    for (const [index, route] of uploadRoutes.entries()) {
      const picture = await patternImage(160, 120, 'png', 10 + index);
      const response = await send(route.url, multipartBody(route.field, picture));
      assert.ok(response.statusCode === 200 || response.statusCode === 201, `${route.url}: ${response.body}`);
    }
  });
});
