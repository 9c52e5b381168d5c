import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import sharp from 'sharp';
import { startLocalServer } from '../../../test/support/http-server.js';
import { patternImage } from '../../../test/support/images.js';
import { startTestServer } from '../../../test/support/server-harness.js';
import { coinflip } from './coinflip.js';

/**
 * HMA 1.1.7's hasher and matcher routes: `/h/hash` by URL and upload, `/m/lookup` by hash, URL
 * and upload, `/m/raw_lookup` with its filters, `/m/compare` (`test_api.py::test_compare_hashes`)
 * and the bank filter and coinflip rules of `test_match_api.py`.
 */

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

const s1 = 'facd8bcb2a49bcebdec1985298d5fe84bcd006c187c598c720c3c087b3fdb318';
const s2 = 'facd8bcb2a49bcebdec1985228d5ae84bcd006c187c598c720c2b087b3fdb318';

let image: Uint8Array;
let flat: Uint8Array;
let media: Awaited<ReturnType<typeof startLocalServer>>;
let server: Awaited<ReturnType<typeof startTestServer>>;

before(async () => {
  image = await patternImage(120, 90, 'jpeg', 3);
  flat = new Uint8Array(
    await sharp({ create: { width: 48, height: 48, channels: 3, background: { r: 20, g: 90, b: 200 } } })
      .png()
      .toBuffer(),
  );
  media = await startLocalServer((request, response) => {
    if (request.url === '/image.jpg') response.writeHead(200, { 'content-type': 'image/jpeg' }).end(image);
    else if (request.url === '/flat.png') response.writeHead(200, { 'content-type': 'image/png' }).end(flat);
    else if (request.url === '/page.html')
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    else if (request.url === '/huge') {
      response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(200 * 1024 * 1024) });
      response.flushHeaders();
      setTimeout(() => response.destroy(), 200);
    } else response.writeHead(404).end();
  });
});
after(async () => {
  await media.close();
});
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

async function addBank(name: string, enabledRatio = 1): Promise<void> {
  const response = await server.app.inject({
    method: 'POST',
    url: '/c/banks',
    payload: { name, enabled_ratio: enabledRatio },
  });
  assert.equal(response.statusCode, 201);
}

async function addSignal(bank: string, signals: Record<string, string>): Promise<number> {
  const response = await server.app.inject({ method: 'POST', url: `/c/bank/${bank}/signal`, payload: signals });
  assert.equal(response.statusCode, 200);
  return response.json().id;
}

function get(url: string) {
  return server.app.inject({ method: 'GET', url });
}

describe('GET and POST /h/hash', () => {
  test('by URL: a photo gives {"pdq"}; POST of the same bytes gives the same', async () => {
    const byUrl = await get(`/h/hash?url=${encodeURIComponent(`${media.url}/image.jpg`)}`);
    assert.equal(byUrl.statusCode, 200);
    assert.deepEqual(Object.keys(byUrl.json()), ['pdq']);
    assert.match(byUrl.json().pdq, /^[0-9a-f]{64}$/);

    // policyserv: field `photo`, filename `x`, application/octet-stream, a Bearer header.
    const form = await multipart([['photo', image]]);
    const byUpload = await server.app.inject({
      method: 'POST',
      url: '/h/hash',
      payload: form.payload,
      headers: { ...form.headers, authorization: 'Bearer anything' },
    });
    assert.equal(byUpload.statusCode, 200);
    assert.deepEqual(byUpload.json(), byUrl.json());
  });

  test('content_type=video gives video_md5 (the MD5 of the bytes); low quality gives ""', async () => {
    const md5 = createHash('md5').update(image).digest('hex');
    const video = await get(`/h/hash?url=${encodeURIComponent(`${media.url}/image.jpg`)}&content_type=video`);
    assert.deepEqual(video.json(), { video_md5: md5 });
    const upload = await server.app.inject({
      method: 'POST',
      url: '/h/hash',
      ...(await multipart([['video', image]])),
    });
    assert.deepEqual(upload.json(), { video_md5: md5 });
    const low = await get(`/h/hash?url=${encodeURIComponent(`${media.url}/flat.png`)}`);
    assert.deepEqual(low.json(), { pdq: '' });
  });

  test('GET errors: 422 without url; HMA texts for bad URLs, fetch failures, types and sizes', async () => {
    const missing = await get('/h/hash');
    assert.equal(missing.statusCode, 422);
    assert.deepEqual(missing.json(), [{ type: 'missing', loc: ['url'], msg: 'Field required', input: {} }]);

    const cases: [string, number, string | RegExp][] = [
      ['ftp://example.org/x.jpg', 400, 'Invalid or unsafe URL provided'],
      ['not a url', 400, 'Invalid or unsafe URL provided'],
      [`${media.url}/missing.jpg`, 400, /^Failed to fetch URL: /],
      [`${media.url}/huge`, 413, 'Content too large'],
      [
        `${media.url}/page.html`,
        400,
        "unsupported url ContentType: 'application/octet-stream', if you know the expected type, provide it with the content_type query param",
      ],
    ];
    for (const [url, status, message] of cases) {
      const response = await get(`/h/hash?url=${encodeURIComponent(url)}`);
      assert.equal(response.statusCode, status, url);
      if (typeof message === 'string') assert.deepEqual(response.json(), { message });
      else assert.match(response.json().message, message);
    }
    const imageUrl = encodeURIComponent(`${media.url}/image.jpg`);
    const badType = await get(`/h/hash?url=${imageUrl}&content_type=banana`);
    assert.deepEqual(badType.json(), { message: "no such content_type: 'banana'" });
    const badSignal = await get(`/h/hash?url=${imageUrl}&types=video_md5`);
    assert.deepEqual(badSignal.json(), { message: "signal type 'video_md5' doesn't exist or is disabled" });
    const selected = await get(`/h/hash?url=${imageUrl}&types=pdq`);
    assert.deepEqual(Object.keys(selected.json()), ['pdq']);
  });

  test('a private URL is refused when the policy forbids private addresses', async () => {
    const strict = await startTestServer({ allowPrivateUrls: false });
    try {
      const response = await strict.app.inject({
        method: 'GET',
        url: `/h/hash?url=${encodeURIComponent(`${media.url}/image.jpg`)}`,
      });
      assert.equal(response.statusCode, 400);
      assert.deepEqual(response.json(), { message: 'Invalid or unsafe URL provided' });
    } finally {
      await strict.close();
    }
  });

  test('POST errors: no file, two files, a field name that is not a content type', async () => {
    const none = await server.app.inject({ method: 'POST', url: '/h/hash', ...(await multipart([['note', 'x']])) });
    assert.deepEqual(none.json(), { message: 'Missing multipart/form-data file upload' });
    const notMultipart = await server.app.inject({ method: 'POST', url: '/h/hash' });
    assert.deepEqual(notMultipart.json(), { message: 'Missing multipart/form-data file upload' });
    for (const parts of [
      [
        ['photo', image],
        ['video', image],
      ],
      [
        ['photo', image],
        ['photo', image],
        ['photo', image],
      ],
    ] as [string, Uint8Array][][]) {
      const two = await server.app.inject({ method: 'POST', url: '/h/hash', ...(await multipart(parts)) });
      assert.equal(two.statusCode, 400);
      assert.deepEqual(two.json(), { message: 'Only one file allowed per request' });
    }
    const wrong = await server.app.inject({ method: 'POST', url: '/h/hash', ...(await multipart([['file', image]])) });
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(wrong.json(), { message: "no such content_type: 'file'" });
  });
});

describe('/m/lookup', () => {
  test('test_lookup_with_bank_filter: sorted keys, banks= without trimming', async () => {
    for (const bank of ['BANK_C', 'BANK_A', 'BANK_B']) {
      await addBank(bank);
      await addSignal(bank, { pdq: s1 });
    }
    const lookup = async (banks?: string) =>
      (await get(`/m/lookup?signal_type=pdq&signal=${s1}${banks === undefined ? '' : `&banks=${banks}`}`)).json();
    const all = await lookup();
    assert.deepEqual(Object.keys(all), ['BANK_A', 'BANK_B', 'BANK_C']);
    assert.deepEqual(all.BANK_C, [{ bank_content_id: 1, distance: '0' }]);
    assert.deepEqual(Object.keys(await lookup('BANK_A')), ['BANK_A']);
    assert.deepEqual(Object.keys(await lookup('BANK_A,BANK_C')), ['BANK_A', 'BANK_C']);
    assert.deepEqual(Object.keys(await lookup('BANK_A,%20BANK_C')), ['BANK_A']);
    assert.deepEqual(await lookup('NON_EXISTENT_BANK'), {});
    assert.deepEqual(Object.keys(await lookup('')), ['BANK_A', 'BANK_B', 'BANK_C']);
  });

  test('near matches carry their distance as a string; entries ascend by id', async () => {
    await addBank('NEAR_BANK');
    await addSignal('NEAR_BANK', { pdq: s2 });
    await addSignal('NEAR_BANK', { pdq: s1 });
    const response = await get(`/m/lookup?signal_type=pdq&signal=${s1}`);
    assert.deepEqual(response.json(), {
      NEAR_BANK: [
        { bank_content_id: 1, distance: '9' },
        { bank_content_id: 2, distance: '0' },
      ],
    });
  });

  test('errors are JSON objects whose only key is message', async () => {
    const cases: [string, number, string][] = [
      ['/m/lookup?signal_type=pdq', 400, 'Either url or both signal and signal_type are required'],
      ['/m/lookup?signal_type=pdq&signal=', 400, 'Either url or both signal and signal_type are required'],
      [`/m/lookup?signal_type=banana&signal=${s1}`, 400, "No such SignalType 'banana'"],
      ['/m/lookup?signal_type=pdq&signal=abc', 400, 'invalid signal: invalid PDQ hash'],
      [`/m/lookup?signal_type=pdq&signal=${s1.toUpperCase()}`, 400, 'invalid signal: invalid PDQ hash'],
      ['/m/lookup?signal_type=video_md5&signal=xyz', 400, "invalid signal: 'xyz' is not a valid MD5 hash"],
    ];
    for (const [url, status, message] of cases) {
      const response = await get(url);
      assert.equal(response.statusCode, status, url);
      assert.deepEqual(response.json(), { message });
    }
  });

  test('ratios: GET ignores bypass_coinflip; POST honours exactly "true"; seeds are deterministic', async () => {
    await addBank('OFF_BANK', 0);
    await addSignal('OFF_BANK', { pdq: s1 });
    const bypassed = await get(`/m/lookup?signal_type=pdq&signal=${s1}&bypass_coinflip=true`);
    assert.deepEqual(bypassed.json(), {});
    const badBool = await get(`/m/lookup?signal_type=pdq&signal=${s1}&bypass_coinflip=maybe`);
    assert.equal(badBool.statusCode, 422);

    const form = await multipart([['photo', image]]);
    await addSignal('OFF_BANK', {
      pdq: (await server.app.inject({ method: 'POST', url: '/h/hash', ...form })).json().pdq,
    });
    const post = async (query: string) =>
      (
        await server.app.inject({ method: 'POST', url: `/m/lookup${query}`, ...(await multipart([['photo', image]])) })
      ).json();
    assert.deepEqual(await post(''), { pdq: {} });
    assert.deepEqual(await post('?bypass_coinflip=True'), { pdq: {} });
    assert.deepEqual(await post('?bypass_coinflip=true'), {
      pdq: { OFF_BANK: [{ bank_content_id: 2, distance: '0' }] },
    });

    await addBank('HALF_BANK', 0.5);
    await addSignal('HALF_BANK', { pdq: s2 });
    const seen = new Set<boolean>();
    for (let seed = 0; seed < 40; seed++) {
      const first = (await get(`/m/lookup?signal_type=pdq&signal=${s2}&seed=${seed}`)).json();
      const second = (await get(`/m/lookup?signal_type=pdq&signal=${s2}&seed=${seed}`)).json();
      assert.deepEqual(first, second);
      assert.equal('HALF_BANK' in first, coinflip(String(seed)) <= 0.5);
      seen.add('HALF_BANK' in first);
    }
    assert.deepEqual([...seen].sort(), [false, true]);
  });

  test('by URL and by upload: {"pdq": {...}}; no match {"pdq": {}}; signal_type selects the inner map', async () => {
    await addBank('URL_BANK');
    const url = encodeURIComponent(`${media.url}/image.jpg`);
    assert.deepEqual((await get(`/m/lookup?url=${url}`)).json(), { pdq: {} });
    const added = await server.app.inject({ method: 'POST', url: `/c/bank/URL_BANK/content?url=${url}` });
    assert.equal(added.statusCode, 200);
    const expected = { URL_BANK: [{ bank_content_id: 1, distance: '0' }] };
    assert.deepEqual((await get(`/m/lookup?url=${url}`)).json(), { pdq: expected });
    assert.deepEqual((await get(`/m/lookup?url=${url}&signal_type=pdq`)).json(), expected);

    const upload = await server.app.inject({
      method: 'POST',
      url: '/m/lookup',
      ...(await multipart([['photo', image]])),
    });
    assert.equal(upload.statusCode, 200);
    assert.deepEqual(upload.json(), { pdq: expected });
    const video = await server.app.inject({
      method: 'POST',
      url: '/m/lookup',
      ...(await multipart([['video', image]])),
    });
    assert.deepEqual(video.json(), { video_md5: {} });
    const low = await server.app.inject({ method: 'POST', url: '/m/lookup', ...(await multipart([['photo', flat]])) });
    assert.equal(low.statusCode, 400);
    assert.deepEqual(low.json(), { message: 'invalid signal: invalid PDQ hash' });
  });
});

describe('/m/raw_lookup', () => {
  test('test_raw_lookups and the bank filter (test_raw_lookup_with_[distance_and_]bank_filter)', async () => {
    for (const bank of ['BANK_A', 'BANK_B', 'BANK_C']) {
      await addBank(bank);
      await addSignal(bank, { pdq: s1 });
    }
    const raw = async (query: string) => {
      const response = await get(`/m/raw_lookup?signal_type=pdq&signal=${s1}${query}`);
      assert.equal(response.statusCode, 200);
      return response.json().matches;
    };
    assert.deepEqual([...(await raw(''))].sort(), [1, 2, 3]);
    assert.deepEqual(await raw('&banks=BANK_A'), [1]);
    assert.deepEqual([...(await raw('&banks=BANK_A,BANK_B'))].sort(), [1, 2]);
    assert.deepEqual(await raw('&banks=NON_EXISTENT_BANK'), []);
    const withDistance = await raw('&include_distance=True&banks=BANK_A,BANK_B');
    assert.equal(withDistance.length, 2);
    for (const match of withDistance) assert.deepEqual(Object.keys(match).sort(), ['bank_content_id', 'distance']);
    assert.deepEqual(await raw('&include_distance=true&banks=BANK_C'), [{ bank_content_id: 3, distance: '0' }]);
    assert.deepEqual(await raw('&include_distance=false&banks=BANK_C'), [3]);

    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    await addSignal('BANK_A', { video_md5: md5 });
    const exact = await get(`/m/raw_lookup?signal_type=video_md5&signal=${md5}&include_distance=1`);
    assert.deepEqual(exact.json(), { matches: [{ bank_content_id: 4, distance: '-' }] });
  });

  test('422 for missing fields and unreadable booleans; 400 for bad types and values', async () => {
    const missing = await get('/m/raw_lookup');
    assert.equal(missing.statusCode, 422);
    assert.deepEqual(missing.json(), [
      { type: 'missing', loc: ['signal'], msg: 'Field required', input: {} },
      { type: 'missing', loc: ['signal_type'], msg: 'Field required', input: {} },
    ]);
    const badBool = await get(`/m/raw_lookup?signal_type=pdq&signal=${s1}&include_distance=maybe`);
    assert.equal(badBool.statusCode, 422);
    assert.deepEqual(badBool.json(), [
      {
        type: 'bool_parsing',
        loc: ['include_distance'],
        msg: 'Input should be a valid boolean, unable to interpret input',
        input: 'maybe',
      },
    ]);
    const unknown = await get(`/m/raw_lookup?signal_type=banana&signal=${s1}`);
    assert.deepEqual(unknown.json(), { message: "No such SignalType 'banana'" });
    const invalid = await get('/m/raw_lookup?signal_type=pdq&signal=abc');
    assert.deepEqual(invalid.json(), { message: 'invalid signal: invalid PDQ hash' });
  });
});

describe('POST /m/compare (test_compare_hashes)', () => {
  test('the two example hashes are exactly {"pdq": [true, {"distance": 9}]}', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/m/compare', payload: { pdq: [s1, s2] } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { pdq: [true, { distance: 9 }] });
    const far = await server.app.inject({ method: 'POST', url: '/m/compare', payload: { pdq: [s1, 'f'.repeat(64)] } });
    assert.equal(far.json().pdq[0], false);
    const md5 = await server.app.inject({
      method: 'POST',
      url: '/m/compare',
      payload: { video_md5: ['d41d8cd98f00b204e9800998ecf8427e', 'D41D8CD98F00B204E9800998ECF8427E'] },
    });
    assert.deepEqual(md5.json(), { video_md5: [true, { distance: 0 }] });
  });

  test('each malformed request is a 400 with HMA text; a non-JSON body is 415', async () => {
    const cases: [unknown, string][] = [
      [['banana'], 'Request input was not a dict'],
      [{ pdq: 'banana' }, 'Comparison hashes for pdq was not a list'],
      [{ pdq: [] }, 'Comparison hash list length must be exactly 2'],
      [{ pdq: ['banana', 'banana'] }, 'Invalid pdq hash: invalid PDQ hash'],
      [{ pdq: [s1, s2, s1] }, 'Comparison hash list length must be exactly 2'],
      [{ banana: [s1, s2] }, "No such SignalType 'banana'"],
    ];
    for (const [payload, message] of cases) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/m/compare',
        payload: JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.deepEqual(response.json(), { message });
    }
    const form = await server.app.inject({ method: 'POST', url: '/m/compare', ...(await multipart([['pdq', s1]])) });
    assert.equal(form.statusCode, 415);
  });
});
