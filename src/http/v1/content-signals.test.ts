import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestServer } from '../../../test/support/server-harness.js';
import { syntheticTmkValue } from '../../../test/support/tmk-values.js';
import { createApiKey } from '../../auth/index.js';
import { largestShownSignalLength } from '../../banks/index.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const sha256Of = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('/v1 content answers summarise long signal values', () => {
  let server: Server;
  let writer: string;
  let reader: string;
  const auth = (secret: string) => ({ authorization: `Bearer ${secret}` });
  const tmk = [syntheticTmkValue(1), syntheticTmkValue(2), syntheticTmkValue(3)];
  const md5s = [
    '00000000000000000000000000000001',
    '00000000000000000000000000000002',
    '00000000000000000000000000000003',
  ];

  before(async () => {
    server = await startTestServer({});
    writer = (await createApiKey(server.services.storage.apiKeys, 'writer', ['write'])).secret;
    reader = (await createApiKey(server.services.storage.apiKeys, 'reader', ['read'])).secret;
  });
  after(() => server.close());

  test('add, list, show and change answer a SHA-256 and length for tmk_pdqf; /signals gives it whole', async () => {
    await server.app.inject({ method: 'POST', url: '/v1/banks', headers: auth(writer), payload: { name: 'LONG' } });
    const ids: number[] = [];
    for (const [index, value] of tmk.entries()) {
      const added = await server.app.inject({
        method: 'POST',
        url: '/v1/banks/LONG/content',
        headers: auth(writer),
        payload: { signals: { tmk_pdqf: value, md5: md5s[index] } },
      });
      assert.equal(added.statusCode, 201, added.body);
      assert.ok(added.body.length < 2_000, `an added item answers ${added.body.length} bytes`);
      const answer = added.json();
      assert.deepEqual(answer.signals, { md5: md5s[index] }, 'short values are shown whole');
      assert.deepEqual(answer.largeSignals, {
        tmk_pdqf: { valueSha256: sha256Of(value), valueBytes: 351_128 },
      });
      ids.push(answer.id);
    }

    const page = await server.app.inject({ method: 'GET', url: '/v1/banks/LONG/content', headers: auth(reader) });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.length < 3 * 2_000, `a page of 3 items answers ${page.body.length} bytes, not 3 × 351 KB`);
    const listed = page.json().content as { signals: Record<string, string>; largeSignals: Record<string, unknown> }[];
    assert.deepEqual(
      listed.map((item) => item.largeSignals.tmk_pdqf),
      tmk.map((value) => ({ valueSha256: sha256Of(value), valueBytes: value.length })),
    );

    const shown = await server.app.inject({ method: 'GET', url: `/v1/content/${ids[0]}`, headers: auth(reader) });
    assert.equal(shown.json().signals.tmk_pdqf, undefined);
    assert.equal(shown.json().largeSignals.tmk_pdqf.valueSha256, sha256Of(tmk[0] ?? ''));
    const changed = await server.app.inject({
      method: 'PATCH',
      url: `/v1/content/${ids[0]}`,
      headers: auth(writer),
      payload: { note: 'benign synthetic features' },
    });
    assert.ok(changed.body.length < 2_000);
    assert.deepEqual(Object.keys(changed.json().largeSignals), ['tmk_pdqf']);

    const whole = await server.app.inject({
      method: 'GET',
      url: `/v1/content/${ids[1]}/signals`,
      headers: auth(reader),
    });
    assert.equal(whole.statusCode, 200);
    assert.deepEqual(whole.json(), { id: ids[1], bank: 'LONG', signals: { tmk_pdqf: tmk[1], md5: md5s[1] } });
    const missing = await server.app.inject({
      method: 'GET',
      url: '/v1/content/999999/signals',
      headers: auth(reader),
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'CONTENT_NOT_FOUND');
    const anonymous = await server.app.inject({ method: 'GET', url: `/v1/content/${ids[1]}/signals` });
    assert.equal(anonymous.statusCode, 401);
  });

  test('a value up to the limit is shown, a longer one summarised', async () => {
    await server.app.inject({ method: 'POST', url: '/v1/banks', headers: auth(writer), payload: { name: 'EDGE' } });
    // A vpdq value in the form it is stored (python-threatexchange's JSON list), one entry per frame.
    const hex = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
    const vpdqOf = (frames: number) =>
      `[${Array.from({ length: frames }, (_, frame) => `"${hex},100,${frame}.0"`).join(', ')}]`;
    let frames = 1;
    while (vpdqOf(frames + 1).length <= largestShownSignalLength) frames++;
    const longer = vpdqOf(frames + 1);
    const add = (vpdq: string) =>
      server.app.inject({
        method: 'POST',
        url: '/v1/banks/EDGE/content',
        headers: auth(writer),
        payload: { signals: { vpdq } },
      });
    const added = await add(longer);
    assert.equal(added.statusCode, 201, added.body);
    assert.ok(longer.length > largestShownSignalLength);
    assert.deepEqual(added.json().signals, {});
    assert.equal(added.json().largeSignals.vpdq.valueBytes, longer.length);
    const short = vpdqOf(frames);
    assert.ok(short.length <= largestShownSignalLength);
    const small = await add(short);
    assert.equal(small.statusCode, 201, small.body);
    assert.deepEqual(small.json().signals, { vpdq: short });
    assert.deepEqual(small.json().largeSignals, {});
  });
});
