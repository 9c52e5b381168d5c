import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { examplePolicy } from '../../../test/support/engine-harness.js';
import { patternImage } from '../../../test/support/images.js';
import { startTestServer } from '../../../test/support/server-harness.js';
import { createApiKey } from '../../auth/index.js';

/**
 * Prevail's one addition to HMA's `/m/lookup`: the `entities` parameter, which makes a lookup
 * count in the signals engine (a `media.matched` event) as `/v1/match` with `entities` does.
 * Lookups without it, which is every HMA client's, never reach the engine and answer as HMA.
 */

async function multipart(name: string, bytes: Uint8Array) {
  const form = new FormData();
  form.append(name, new Blob([bytes], { type: 'application/octet-stream' }), 'x');
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
  };
}

const md5 = '900150983cd24fb0d6963f7d28e17f72';

describe('HMA lookups and the signals engine', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let reader: string;
  let image: Uint8Array;
  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    reader = (await createApiKey(server.services.storage.apiKeys, 'hma-reader', ['read'])).secret;
    const writer = (await createApiKey(server.services.storage.apiKeys, 'hma-writer', ['write'])).secret;
    await server.services.banks.createBank({ name: 'HMA_ENGINE_BANK' });
    await server.services.banks.addContent('HMA_ENGINE_BANK', { signals: { md5 } });
    image = await patternImage(120, 90, 'png', 5);
    const upload = await multipart('file', image);
    const banked = await server.app.inject({
      method: 'POST',
      url: '/v1/banks/HMA_ENGINE_BANK/media',
      headers: { ...upload.headers, authorization: `Bearer ${writer}` },
      payload: upload.payload,
    });
    assert.equal(banked.statusCode, 201, banked.body);
  });
  after(() => server.close());

  const loggedEvents = () => server.services.storage.engine.events.readAfter(0, 10_000);
  const entities = (value: unknown) => `&entities=${encodeURIComponent(JSON.stringify(value))}`;
  const lookupUrl = `/m/lookup?signal_type=video_md5&signal=${md5}`;

  test('an HMA lookup without entities never reaches the engine, with matches or not', async () => {
    const before = (await loggedEvents()).length;
    const hit = await server.app.inject({ method: 'GET', url: lookupUrl });
    assert.equal(hit.statusCode, 200, hit.body);
    assert.deepEqual(Object.keys(hit.json()), ['HMA_ENGINE_BANK']);
    assert.equal(hit.headers['x-prevail-event'], undefined);
    const upload = await multipart('photo', image);
    const posted = await server.app.inject({ method: 'POST', url: '/m/lookup', ...upload });
    assert.equal(posted.statusCode, 200, posted.body);
    assert.deepEqual(Object.keys(posted.json().pdq), ['HMA_ENGINE_BANK']);
    assert.equal((await loggedEvents()).length, before);
  });

  test('an HMA lookup carrying entities counts: one media.matched event, the HMA answer unchanged', async () => {
    const plain = await server.app.inject({ method: 'GET', url: lookupUrl });
    const counted = await server.app.inject({
      method: 'GET',
      url: `${lookupUrl}${entities({ user: 'u-hma' })}`,
      headers: { authorization: `Bearer ${reader}` },
    });
    assert.equal(counted.statusCode, 200, counted.body);
    assert.equal(counted.body, plain.body, 'the body is exactly HMA’s');
    const eventId = counted.headers['x-prevail-event'];
    assert.match(String(eventId), /^hma-match-/);
    const event = (await loggedEvents()).find((logged) => logged.id === eventId);
    assert.equal(event?.type, 'media.matched');
    assert.deepEqual(event?.entities, { user: 'u-hma' });
    assert.equal(event?.data.source, 'hma');
    assert.deepEqual(event?.data.signals, { md5 });
    assert.deepEqual(event?.data.matches, [
      {
        bank: 'HMA_ENGINE_BANK',
        contentId: plain.json().HMA_ENGINE_BANK[0].bank_content_id,
        signalType: 'md5',
        distance: 0,
      },
    ]);

    const upload = await multipart('photo', image);
    const plainUpload = await server.app.inject({ method: 'POST', url: '/m/lookup', ...upload });
    const countedUpload = await server.app.inject({
      method: 'POST',
      url: `/m/lookup?types=pdq${entities({ user: 'u-hma-upload' })}`,
      headers: { ...upload.headers, authorization: `Bearer ${reader}` },
      payload: upload.payload,
    });
    assert.equal(countedUpload.statusCode, 200, countedUpload.body);
    assert.deepEqual(countedUpload.json(), { pdq: plainUpload.json().pdq });
    const uploadEvent = (await loggedEvents()).find((logged) => logged.id === countedUpload.headers['x-prevail-event']);
    assert.deepEqual(uploadEvent?.entities, { user: 'u-hma-upload' });
    assert.equal(uploadEvent?.data.source, 'hma');
  });

  test('entities on an HMA lookup need an API key even where the HMA routes are open, and must be a JSON object', async () => {
    const before = (await loggedEvents()).length;
    const anonymous = await server.app.inject({ method: 'GET', url: `${lookupUrl}${entities({ user: 'u-anon' })}` });
    assert.equal(anonymous.statusCode, 401, anonymous.body);
    assert.match(anonymous.json().message, /API key/);
    for (const bad of ['[1]', '"u1"', '{', 'null']) {
      const refused = await server.app.inject({
        method: 'GET',
        url: `${lookupUrl}&entities=${encodeURIComponent(bad)}`,
        headers: { authorization: `Bearer ${reader}` },
      });
      assert.equal(refused.statusCode, 400, `${bad}: ${refused.body}`);
    }
    const badRole = await server.app.inject({
      method: 'GET',
      url: `${lookupUrl}${entities({ user: 5 })}`,
      headers: { authorization: `Bearer ${reader}` },
    });
    assert.equal(badRole.statusCode, 400, badRole.body);
    assert.match(badRole.json().message, /entities\.user/);
    assert.equal((await loggedEvents()).length, before);
  });

  test('/v1/match with entities sends the same event, built by the same function, marked source "api"', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: { authorization: `Bearer ${reader}` },
      payload: { signals: { md5 }, entities: { user: 'u-api' } },
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    const event = (await loggedEvents()).find((logged) => logged.id === body.event.id);
    assert.match(String(body.event.id), /^match-/);
    assert.equal(event?.data.source, 'api');
    assert.deepEqual(event?.data.signals, { md5 });
    assert.equal('bankId' in body.matches[0], false, 'a match has one JSON shape, without internal ids');
  });
});
