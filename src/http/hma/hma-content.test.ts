import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import sharp from 'sharp';
import { startLocalServer } from '../../../test/support/http-server.js';
import { patternImage } from '../../../test/support/images.js';
import { startTestServer } from '../../../test/support/server-harness.js';

/**
 * Bank content as HMA 1.1.7's `test_api_banks.py` pins it: adding media by URL and by upload
 * with metadata and notes, reading, disabling, annotating and deleting items, and adding bare
 * hashes through `/c/bank/<n>/signal`.
 */

/** A multipart body as Go's `CreateFormFile` and browsers send it (file parts named `x`). */
async function multipart(parts: [string, Uint8Array | string][]) {
  const form = new FormData();
  for (const [name, value] of parts) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([value], { type: 'application/octet-stream' }), 'x');
  }
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
  };
}

let images: { first: Uint8Array; second: Uint8Array; flat: Uint8Array };
let media: Awaited<ReturnType<typeof startLocalServer>>;
let server: Awaited<ReturnType<typeof startTestServer>>;

before(async () => {
  const flat = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .png()
    .toBuffer();
  images = {
    first: await patternImage(96, 80, 'jpeg', 1),
    second: await patternImage(96, 80, 'png', 7),
    flat: new Uint8Array(flat),
  };
  media = await startLocalServer((request, response) => {
    const body = request.url === '/first.jpg' ? images.first : request.url === '/flat.png' ? images.flat : undefined;
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'image/jpeg' }).end(body);
  });
});
after(async () => {
  await media.close();
});
beforeEach(async () => {
  server = await startTestServer();
  await server.app.inject({ method: 'POST', url: '/c/banks', payload: { name: 'NEW_BANK' } });
});
afterEach(async () => {
  await server.close();
});

async function pdqOf(bytes: Uint8Array): Promise<string> {
  const form = await multipart([['photo', bytes]]);
  const response = await server.app.inject({ method: 'POST', url: '/h/hash', ...form });
  assert.equal(response.statusCode, 200);
  return response.json().pdq;
}

function getContent(id: number, query = '', bank = 'NEW_BANK') {
  return server.app.inject({ method: 'GET', url: `/c/bank/${bank}/content/${id}${query}` });
}

describe('POST /c/bank/<n>/content', () => {
  test('test_banks_add_content: by URL → 200 exactly {"id": 1, "signals": {"pdq": …}}', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: `/c/bank/NEW_BANK/content?url=${encodeURIComponent(`${media.url}/first.jpg`)}&content_type=photo`,
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { id: 1, signals: { pdq: await pdqOf(images.first) } });
  });

  test('test_banks_add_metadata: extra keys → 400; content_id and json → 200 and echoed by GET', async () => {
    const url = `/c/bank/NEW_BANK/content?url=${encodeURIComponent(`${media.url}/first.jpg`)}`;
    const invalid = await server.app.inject({ method: 'POST', url, payload: { metadata: { invalid_metadata: 5 } } });
    assert.equal(invalid.statusCode, 400);
    assert.match(
      invalid.json().message,
      /^Invalid metadata: 1 validation error for BankedContentMetadata\ninvalid_metadata\n/,
    );
    const notObject = await server.app.inject({ method: 'POST', url, payload: { metadata: [1] } });
    assert.deepEqual(notObject.json(), { message: 'metadata should be a json object' });

    const metadata = { content_id: '1197433091', json: { asdf: {} } };
    const valid = await server.app.inject({ method: 'POST', url, payload: { metadata } });
    assert.equal(valid.statusCode, 200);
    const id = valid.json().id;
    const stored = await getContent(id);
    assert.deepEqual(stored.json().metadata, {
      collab: null,
      content_id: '1197433091',
      content_uri: null,
      json: { asdf: {} },
    });
    assert.equal('metadata' in (await getContent(id, '?include_metadata=false')).json(), false);
  });

  test('multipart with metadata and note form fields; unknown form fields are ignored', async () => {
    const form = await multipart([
      ['content_id', 'ignored'],
      ['metadata', JSON.stringify({ content_id: 'abc', content_uri: 'https://example.org/a' })],
      ['note', 'from a report'],
      ['photo', images.second],
    ]);
    const response = await server.app.inject({ method: 'POST', url: '/c/bank/NEW_BANK/content', ...form });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { id: 1, signals: { pdq: await pdqOf(images.second) } });
    assert.deepEqual((await getContent(1, '?include_signals=true')).json(), {
      bank: { matching_enabled_ratio: 1.0, name: 'NEW_BANK' },
      disable_until_ts: 1,
      id: 1,
      metadata: { collab: null, content_id: 'abc', content_uri: 'https://example.org/a', json: null },
      note: 'from a report',
      original_media_uri: null,
      signals: { pdq: await pdqOf(images.second) },
    });

    const badJson = await multipart([
      ['metadata', '{nope'],
      ['photo', images.second],
    ]);
    const refused = await server.app.inject({ method: 'POST', url: '/c/bank/NEW_BANK/content', ...badJson });
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(refused.json(), { message: 'metadata form field must be valid JSON' });
  });

  test("Coop's URL add with query metadata it does not honour; re-adding the same picture answers the same id", async () => {
    const url =
      `/c/bank/NEW_BANK/content?url=${encodeURIComponent(`${media.url}/first.jpg`)}` +
      `&content_id=c1&content_uri=u1&metadata=${encodeURIComponent('{"a":1}')}`;
    const first = await server.app.inject({ method: 'POST', url });
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().id, 1);
    assert.equal('metadata' in (await getContent(1)).json(), false);
    const again = await server.app.inject({ method: 'POST', url });
    assert.deepEqual(again.json(), first.json());
  });

  test('errors: unknown bank, no media, low quality, long note, wrong field name', async () => {
    const unknown = await server.app.inject({ method: 'POST', url: '/c/bank/NON_EXISTENT_BANK/content' });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(unknown.json(), { message: "bank 'NON_EXISTENT_BANK' not found" });

    const nothing = await server.app.inject({ method: 'POST', url: '/c/bank/NEW_BANK/content' });
    assert.equal(nothing.statusCode, 400);
    assert.deepEqual(nothing.json(), { message: 'Neither `url` nor multipart file upload was received' });

    const flat = await server.app.inject({
      method: 'POST',
      url: `/c/bank/NEW_BANK/content?url=${encodeURIComponent(`${media.url}/flat.png`)}`,
    });
    assert.equal(flat.statusCode, 400);
    assert.deepEqual(flat.json(), { message: 'Invalid pdq signal: invalid PDQ hash' });

    const longNote = await server.app.inject({
      method: 'POST',
      url: `/c/bank/NEW_BANK/content?url=${encodeURIComponent(`${media.url}/first.jpg`)}`,
      payload: { note: 'x'.repeat(256) },
    });
    assert.equal(longNote.statusCode, 400);
    assert.deepEqual(longNote.json(), { message: 'note must be at most 255 characters' });

    const wrongField = await multipart([['file', images.first]]);
    const refused = await server.app.inject({ method: 'POST', url: '/c/bank/NEW_BANK/content', ...wrongField });
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(refused.json(), { message: "no such content_type: 'file'" });
  });

  test('a note round-trips; without a note GET has no note key', async () => {
    const url = `/c/bank/NEW_BANK/content?url=${encodeURIComponent(`${media.url}/first.jpg`)}`;
    const withNote = await server.app.inject({ method: 'POST', url, payload: { note: 'Seen in campaign ABC' } });
    assert.equal((await getContent(withNote.json().id)).json().note, 'Seen in campaign ABC');
    const form = await multipart([['photo', images.second]]);
    const without = await server.app.inject({ method: 'POST', url: '/c/bank/NEW_BANK/content', ...form });
    assert.equal('note' in (await getContent(without.json().id)).json(), false);
  });
});

describe('POST /c/bank/<n>/signal', () => {
  test('test_bank_add_hash_with_note, and HMA texts for bad input', async () => {
    const zero = '0'.repeat(64);
    const added = await server.app.inject({
      method: 'POST',
      url: '/c/bank/NEW_BANK/signal',
      payload: { pdq: zero, note: 'Hash from campaign ABC' },
    });
    assert.equal(added.statusCode, 200);
    assert.deepEqual(added.json(), { id: 1, signals: { pdq: zero } });
    assert.equal((await getContent(1)).json().note, 'Hash from campaign ABC');

    const cases: [unknown, string][] = [
      [{}, 'No signals given'],
      [{ note: 'only a note' }, 'No signals given'],
      [{ banana: 'x' }, 'No such signal type banana'],
      [{ pdq: 'abc' }, 'Invalid pdq signal: invalid PDQ hash'],
      [{ pdq: zero.toUpperCase().replaceAll('0', 'A') }, 'Invalid pdq signal: invalid PDQ hash'],
      [{ video_md5: 'xyz' }, "Invalid video_md5 signal: 'xyz' is not a valid MD5 hash"],
      [[zero], 'this endpoint expects a json object payload'],
    ];
    for (const [payload, message] of cases) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/c/bank/NEW_BANK/signal',
        payload: JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.deepEqual(response.json(), { message });
    }
  });

  test('415 for a non-JSON body, 400 for empty or malformed JSON, 404 for an unknown bank', async () => {
    const text = await server.app.inject({
      method: 'POST',
      url: '/c/bank/NEW_BANK/signal',
      payload: 'pdq=abc',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(text.statusCode, 415);
    assert.deepEqual(text.json(), {
      message: "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
    });
    const plain = await server.app.inject({
      method: 'POST',
      url: '/c/bank/NEW_BANK/signal',
      payload: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(plain.statusCode, 415);
    const malformedMessage = {
      message: 'The browser (or proxy) sent a request that this server could not understand.',
    };
    for (const payload of ['', '{"pdq":']) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/c/bank/NEW_BANK/signal',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(response.statusCode, 400);
      assert.deepEqual(response.json(), malformedMessage);
    }
    const unknown = await server.app.inject({ method: 'POST', url: '/c/bank/NOPE/signal', payload: { pdq: 'x' } });
    assert.equal(unknown.statusCode, 404);
  });
});

describe('GET | PUT | DELETE /c/bank/<n>/content/<id>', () => {
  const zero = '0'.repeat(64);
  beforeEach(async () => {
    await server.app.inject({ method: 'POST', url: '/c/bank/NEW_BANK/signal', payload: { pdq: zero } });
  });

  test('test_bank_get_content / _404 / _with_signals', async () => {
    const response = await getContent(1);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      bank: { matching_enabled_ratio: 1.0, name: 'NEW_BANK' },
      disable_until_ts: 1,
      id: 1,
      original_media_uri: null,
    });
    assert.deepEqual((await getContent(1, '?include_signals=true')).json().signals, { pdq: zero });
    assert.deepEqual((await getContent(1, '?include_signals=TRUE')).json().signals, { pdq: zero });
    assert.equal('signals' in (await getContent(1, '?include_signals=1')).json(), false);

    const unknownBank = await getContent(1, '', 'NO_BANK');
    assert.equal(unknownBank.statusCode, 404);
    assert.deepEqual(unknownBank.json(), { message: "bank 'NO_BANK' not found" });
    const unknownId = await getContent(99);
    assert.equal(unknownId.statusCode, 404);
    assert.deepEqual(unknownId.json(), { message: "content '99' not found" });
    const notInt = await server.app.inject({ method: 'GET', url: '/c/bank/NEW_BANK/content/abc' });
    assert.equal(notInt.statusCode, 404);
  });

  test('test_bank_update_content / _400: the whole record comes back; HMA limits apply', async () => {
    const nextYear = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
    const response = await server.app.inject({
      method: 'PUT',
      url: '/c/bank/NEW_BANK/content/1',
      payload: { disable_until_ts: nextYear },
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      bank: { matching_enabled_ratio: 1.0, name: 'NEW_BANK' },
      collab_metadata: {},
      disable_until_ts: nextYear,
      id: 1,
      note: null,
      original_media_uri: null,
      user_metadata: null,
    });
    const cases: [unknown, string][] = [
      [9999999999, 'disable_until_ts must be less than 5 years in the future'],
      [-1, 'disable_until_ts must be a non-negative integer'],
      [1.5, 'disable_until_ts must be a non-negative integer'],
      ['abc', "Invalid int: 'abc'"],
    ];
    for (const [value, message] of cases) {
      const refused = await server.app.inject({
        method: 'PUT',
        url: '/c/bank/NEW_BANK/content/1',
        payload: { disable_until_ts: value },
      });
      assert.equal(refused.statusCode, 400, String(value));
      assert.deepEqual(refused.json(), { message });
    }
    const numericString = await server.app.inject({
      method: 'PUT',
      url: '/c/bank/NEW_BANK/content/1',
      payload: { disable_until_ts: '0' },
    });
    assert.equal(numericString.json().disable_until_ts, 0);
  });

  test('test_bank_update_content_note: set, change, clear with ""', async () => {
    const setNote = async (note: string) =>
      server.app.inject({ method: 'PUT', url: '/c/bank/NEW_BANK/content/1', payload: { note } });
    assert.equal((await setNote('first')).json().note, 'first');
    assert.equal((await getContent(1)).json().note, 'first');
    await setNote('second');
    assert.equal((await getContent(1)).json().note, 'second');
    assert.equal((await setNote('')).json().note, null);
    assert.equal('note' in (await getContent(1)).json(), false);

    const notJson = await server.app.inject({
      method: 'PUT',
      url: '/c/bank/NEW_BANK/content/1',
      payload: 'note=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(notJson.statusCode, 415);
  });

  test('test_banks_delete_content, and items of another bank are out of reach', async () => {
    await server.app.inject({ method: 'POST', url: '/c/banks', payload: { name: 'OTHER_BANK' } });
    assert.equal((await getContent(1, '', 'OTHER_BANK')).statusCode, 404);
    const wrongBank = await server.app.inject({ method: 'DELETE', url: '/c/bank/OTHER_BANK/content/1' });
    assert.deepEqual(wrongBank.json(), { deleted: 0 });

    const response = await server.app.inject({ method: 'DELETE', url: '/c/bank/NEW_BANK/content/1' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { deleted: 1 });
    const unknownBank = await server.app.inject({ method: 'DELETE', url: '/c/bank/NO_BANK/content/1' });
    assert.equal(unknownBank.statusCode, 404);
  });
});
