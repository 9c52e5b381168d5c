import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import sharp from 'sharp';
import { startLocalServer } from '../../../test/support/http-server.js';
import { patternImage } from '../../../test/support/images.js';
import { startTestServer } from '../../../test/support/server-harness.js';
import { createApiKey } from '../../auth/index.js';

/**
 * The request sequences of the real HMA clients (hma-clients.md §2): ROOST Coop, matrix
 * policyserv and the fetlife Ruby gem, replayed against Prevail, plus API-key access in the
 * hma-matrix convention and the configuration and exchange routes those clients probe.
 */

async function multipart(parts: [string, Uint8Array][]) {
  const form = new FormData();
  for (const [name, value] of parts) form.append(name, new Blob([value], { type: 'application/octet-stream' }), 'x');
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
  };
}

let images: { banked: Uint8Array; other: Uint8Array; flat: Uint8Array };
let media: Awaited<ReturnType<typeof startLocalServer>>;
let server: Awaited<ReturnType<typeof startTestServer>>;

before(async () => {
  images = {
    banked: await patternImage(128, 96, 'jpeg', 5),
    other: await patternImage(128, 96, 'png', 11),
    flat: new Uint8Array(
      await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 200, g: 200, b: 200 } } })
        .jpeg()
        .toBuffer(),
    ),
  };
  media = await startLocalServer((request, response) => {
    const name = (request.url ?? '').slice(1) as keyof typeof images;
    const body = images[name];
    if (body === undefined) response.writeHead(404).end();
    else response.writeHead(200, { 'content-type': 'image/jpeg' }).end(body);
  });
});
after(async () => {
  await media.close();
});
beforeEach(async () => {
  server = await startTestServer({ exchangeKeys: `t1:${'5a'.repeat(32)}` });
});
afterEach(async () => {
  await server.close();
});

/** Coop's base URL default ends in "/", so every path it requests starts with "//". */
const coop = (path: string) => `/${path}`;
const json = { 'content-type': 'application/json' };

describe('ROOST Coop', () => {
  test('create, check, hash by URL, look up, delete: the whole flow', async () => {
    const bank = 'COOP_ORG1_MY_BANK';
    const created = await server.app.inject({
      method: 'POST',
      url: coop('/c/banks'),
      headers: json,
      payload: JSON.stringify({ name: bank, enabled_ratio: '1' }),
    });
    assert.equal(created.statusCode, 201);
    assert.deepEqual(created.json(), { matching_enabled_ratio: 1.0, name: bank });

    const listed = await server.app.inject({ method: 'GET', url: coop(`/c/bank/${bank}`), headers: json });
    assert.equal(listed.statusCode, 200);

    const added = await server.app.inject({
      method: 'POST',
      url: `/c/bank/${bank}/content?url=${encodeURIComponent(`${media.url}/banked`)}`,
    });
    assert.equal(added.statusCode, 200);

    const matched = new Set<string>();
    for (const picture of ['banked', 'other'] as const) {
      const hashed = await server.app.inject({
        method: 'GET',
        url: coop(`/h/hash?url=${encodeURIComponent(`${media.url}/${picture}`)}`),
      });
      assert.equal(hashed.statusCode, 200);
      const hashes: Record<string, string> = hashed.json();
      for (const value of Object.values(hashes)) assert.equal(typeof value, 'string');
      for (const [signalType, signal] of Object.entries(hashes)) {
        const query = new URLSearchParams({ signal_type: signalType, signal });
        const lookup = await server.app.inject({ method: 'GET', url: coop(`/m/lookup?${query}`) });
        assert.equal(lookup.statusCode, 200);
        const body: Record<string, { bank_content_id: number; distance: string }[]> = lookup.json();
        for (const [name, matches] of Object.entries(body)) {
          assert.ok(matches.length > 0, 'a bank key always has matches');
          matched.add(`${picture}:${name}`);
        }
      }
    }
    assert.deepEqual([...matched], [`banked:${bank}`]);

    await server.app.inject({ method: 'PUT', url: coop(`/c/bank/${bank}`), payload: { enabled_ratio: 0.5 } });
    const halved = await server.app.inject({ method: 'GET', url: coop(`/c/bank/${bank}`), headers: json });
    assert.equal(halved.json().matching_enabled_ratio, 0.5);

    await server.app.inject({ method: 'DELETE', url: coop(`/c/bank/${bank}`) });
    const gone = await server.app.inject({ method: 'GET', url: coop(`/c/bank/${bank}`), headers: json });
    assert.equal(gone.statusCode, 404);
  });

  test('a low-quality image hashes to "" and the lookup without signal is a 400 JSON message', async () => {
    const hashed = await server.app.inject({
      method: 'GET',
      url: `/h/hash?url=${encodeURIComponent(`${media.url}/flat`)}`,
    });
    assert.deepEqual(hashed.json(), { pdq: '' });
    const lookup = await server.app.inject({ method: 'GET', url: '/m/lookup?signal_type=pdq' });
    assert.equal(lookup.statusCode, 400);
    assert.deepEqual(Object.keys(lookup.json()), ['message']);
  });

  test('exchange probes: installed APIs only, no exchange for a bank (404), an unknown API fails', async () => {
    assert.deepEqual((await server.app.inject({ method: 'GET', url: '/c/exchanges/apis' })).json(), [
      'local_file',
      'url',
      'prevail',
      'ncmec',
      'stop_ncii',
      'fb_threatexchange',
    ]);
    for (const url of ['/c/exchange/COOP_ORG1_MY_BANK', '/c/exchange/COOP_ORG1_MY_BANK/status']) {
      const response = await server.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404);
      assert.deepEqual(response.json(), { message: "Exchange 'COOP_ORG1_MY_BANK' not found" });
    }
    const api = await server.app.inject({ method: 'GET', url: '/c/exchanges/api/nope' });
    assert.equal(api.statusCode, 400);
    assert.deepEqual(api.json(), { message: "no such Exchange API 'nope'" });
    const schema = await server.app.inject({ method: 'GET', url: '/c/exchanges/api/nope/schema' });
    assert.equal(schema.statusCode, 404);
    const create = await server.app.inject({
      method: 'POST',
      url: '/c/exchanges',
      payload: { bank: 'COOP_ORG1_X', api: 'nope', api_json: {} },
    });
    assert.equal(create.statusCode, 400);
    assert.deepEqual(create.json(), { message: "No such exchange type 'nope'" });
    const badName = await server.app.inject({ method: 'POST', url: '/c/exchanges', payload: { bank: 'x', api: 'a' } });
    assert.deepEqual(badName.json(), { message: 'Field `bank` must match /^[A-Z0-9_]+$/' });
  });

  test("Coop's NCMEC flow: HMA's api names and fields; credentials set, never returned", async () => {
    const te = await server.app.inject({ method: 'GET', url: '/c/exchanges/api/fb_threatexchange/schema' });
    const teFields = te.json().config_schema.fields as { name: string; type: string; required: boolean }[];
    assert.deepEqual(
      teFields.find((field) => field.name === 'privacy_group'),
      { ...teFields.find((field) => field.name === 'privacy_group'), type: 'number', required: true },
    );
    assert.ok(te.json().credentials_schema.fields.some((field: { name: string }) => field.name === 'api_token'));
    const before = await server.app.inject({ method: 'GET', url: '/c/exchanges/api/ncmec' });
    assert.deepEqual(before.json(), { has_set_authentification: false, supports_authentification: true });
    const secret = 'fake-ncmec-password-never-echoed';
    const set = await server.app.inject({
      method: 'POST',
      url: '/c/exchanges/api/ncmec',
      payload: { credential_json: { user: 'fake-user', password: secret } },
    });
    assert.equal(set.statusCode, 200);
    assert.equal(set.json().has_set_authentification, true);
    assert.ok(!set.body.includes(secret));
    const malformed = await server.app.inject({
      method: 'POST',
      url: '/c/exchanges/api/fb_threatexchange',
      payload: { credential_json: { api_token: 'not-a-token' } },
    });
    assert.equal(malformed.statusCode, 400, malformed.body);
    assert.ok(!malformed.body.includes('not-a-token'));

    const create = await server.app.inject({
      method: 'POST',
      url: '/c/exchanges',
      payload: {
        bank: 'COOP_ORG1_NCMEC',
        api: 'ncmec',
        api_json: { environment: 'https://exttest.cybertip.org/hashsharing', only_esp_ids: [101, 42] },
      },
    });
    assert.equal(create.statusCode, 201);
    const shown = await server.app.inject({ method: 'GET', url: '/c/exchange/COOP_ORG1_NCMEC' });
    assert.deepEqual(shown.json(), {
      name: 'COOP_ORG1_NCMEC',
      api: 'ncmec',
      enabled: true,
      environment: 'https://exttest.cybertip.org/hashsharing',
      only_esp_ids: [101, 42],
      max_window_entries: 100_000,
    });
    assert.ok(!shown.body.includes(secret));
    for (const [api, apiJson] of [
      ['ncmec', { environment: 'ftp://nope' }],
      ['ncmec', { environment: 'https://x.invalid', only_esp_ids: [-1] }],
      ['stop_ncii', { base_url: 'https://user:pw@x.invalid' }],
      ['fb_threatexchange', {}],
      ['fb_threatexchange', { privacy_group: -1 }],
      ['fb_threatexchange', { privacy_group: 1e300 }],
      ['ncmec', { environment: 'https://x.invalid/\u0000' }],
      ['ncmec', { environment: `https://x.invalid/${'a'.repeat(5000)}` }],
      ['ncmec', { environment: 'https://x.invalid', only_esp_ids: Array.from({ length: 10_001 }, () => 1) }],
      ['ncmec', { environment: 'https://x.invalid', only_esp_ids: [{ nested: [[[1]]] }] }],
      ['ncmec', { environment: 'https://x.invalid', surprise: true }],
    ] as const) {
      const refused = await server.app.inject({
        method: 'POST',
        url: '/c/exchanges',
        payload: { bank: 'COOP_ORG1_BAD', api, api_json: apiJson },
      });
      assert.equal(refused.statusCode, 400, `${api} ${JSON.stringify(apiJson)}`);
    }
    const stop = await server.app.inject({
      method: 'POST',
      url: '/c/exchanges',
      payload: { bank: 'COOP_ORG1_STOPNCII', api: 'stop_ncii', api_json: {} },
    });
    assert.equal(stop.statusCode, 201);
    assert.equal(
      (await server.app.inject({ method: 'GET', url: '/c/exchange/COOP_ORG1_STOPNCII' })).json().api,
      'stop_ncii',
    );
  });
});

describe('matrix policyserv', () => {
  test('upload hash with a Bearer key (ignored when open), then every lookup key is a matching bank', async () => {
    await server.app.inject({ method: 'POST', url: '/c/banks', payload: { name: 'CSAM_BANK' } });
    await server.app.inject({ method: 'POST', url: '/c/banks', payload: { name: 'EMPTY_BANK' } });
    const bearer = { authorization: 'Bearer ps-secret' };
    const form = await multipart([['photo', images.banked]]);
    const banked = await server.app.inject({ method: 'POST', url: '/c/bank/CSAM_BANK/content', ...form });
    assert.equal(banked.statusCode, 200);

    for (const [picture, expected] of [
      ['banked', ['CSAM_BANK']],
      ['other', []],
    ] as const) {
      const upload = await multipart([['photo', images[picture]]]);
      const hashed = await server.app.inject({
        method: 'POST',
        url: '/h/hash',
        payload: upload.payload,
        headers: { ...upload.headers, ...bearer },
      });
      assert.equal(hashed.statusCode, 200);
      for (const [signalType, signal] of Object.entries(hashed.json() as Record<string, string>)) {
        const lookup = await server.app.inject({
          method: 'GET',
          url: `/m/lookup?signal_type=${encodeURIComponent(signalType)}&signal=${encodeURIComponent(signal)}`,
          headers: bearer,
        });
        assert.deepEqual(Object.keys(lookup.json()), expected);
      }
    }
  });
});

describe('fetlife gem', () => {
  test('create with enabled "true"; 403 contains "already exists"; integer ids and digit distances', async () => {
    const create = () =>
      server.app.inject({
        method: 'POST',
        url: '/c/banks',
        payload: { name: 'TEST_BANK', enabled: 'true', matching_enabled_ratio: 1.0 },
      });
    assert.equal((await create()).statusCode, 201);
    const duplicate = await create();
    assert.equal(duplicate.statusCode, 403);
    assert.match(duplicate.json().message, /already exists/);
    const badName = await server.app.inject({ method: 'POST', url: '/c/banks', payload: { name: 'bad_name' } });
    assert.deepEqual(badName.json(), { message: 'Bank names must be UPPER_WITH_UNDERSCORE' });

    const form = await multipart([['photo', images.banked]]);
    const added = await server.app.inject({ method: 'POST', url: '/c/bank/TEST_BANK/content', ...form });
    assert.equal(added.statusCode, 200);
    assert.ok(Number.isInteger(added.json().id));
    const pdq: string = added.json().signals.pdq;

    const lookup = await server.app.inject({ method: 'GET', url: `/m/lookup?signal=${pdq}&signal_type=pdq` });
    for (const matches of Object.values(
      lookup.json() as Record<string, { bank_content_id: unknown; distance: string }[]>,
    )) {
      for (const match of matches) {
        assert.ok(Number.isInteger(match.bank_content_id));
        assert.match(match.distance, /^[0-9]+$/);
      }
    }
    for (const [flag, expected] of [
      ['false', { matches: [1] }],
      ['true', { matches: [{ bank_content_id: 1, distance: '0' }] }],
    ] as const) {
      const raw = await server.app.inject({
        method: 'GET',
        url: `/m/raw_lookup?include_distance=${flag}&signal=${pdq}&signal_type=pdq`,
      });
      assert.deepEqual(raw.json(), expected);
    }
    const byFile = await server.app.inject({
      method: 'POST',
      url: '/m/lookup',
      ...(await multipart([['photo', images.other]])),
    });
    assert.deepEqual(byFile.json(), { pdq: {} });

    const status = await server.app.inject({ method: 'GET', url: '/status' });
    assert.equal(status.body, 'I-AM-ALIVE');
    const missing = await server.app.inject({ method: 'GET', url: '/c/bank/NON_EXISTENT_BANK' });
    assert.equal(missing.statusCode, 404);
  });
});

describe("API keys (hmaAccess: 'key', the hma-matrix convention)", () => {
  test('401 text without a key; scopes apply; status routes stay open', async () => {
    const keyed = await startTestServer({ hmaAccess: 'key' });
    try {
      const anonymous = await keyed.app.inject({ method: 'GET', url: '/c/banks' });
      assert.equal(anonymous.statusCode, 401);
      assert.match(String(anonymous.headers['content-type']), /^text\/html/);
      assert.equal(anonymous.body, 'Authentication required');
      const wrong = await keyed.app.inject({
        method: 'GET',
        url: '/c/banks',
        headers: { authorization: 'Bearer nope' },
      });
      assert.equal(wrong.statusCode, 401);
      assert.equal((await keyed.app.inject({ method: 'GET', url: '/status' })).statusCode, 200);

      const reader = await createApiKey(keyed.services.storage.apiKeys, 'reader', ['read']);
      const asReader = { authorization: `Bearer ${reader.secret}` };
      assert.equal((await keyed.app.inject({ method: 'GET', url: '/c/banks', headers: asReader })).statusCode, 200);
      const refused = await keyed.app.inject({
        method: 'POST',
        url: '/c/banks',
        payload: { name: 'KEYED_BANK' },
        headers: asReader,
      });
      assert.equal(refused.statusCode, 403);
      assert.deepEqual(Object.keys(refused.json()), ['message']);

      const writer = await createApiKey(keyed.services.storage.apiKeys, 'writer', ['read', 'write']);
      const asWriter = { authorization: `Bearer ${writer.secret}` };
      const created = await keyed.app.inject({
        method: 'POST',
        url: '/c/banks',
        payload: { name: 'KEYED_BANK' },
        headers: asWriter,
      });
      assert.equal(created.statusCode, 201);
      const lookup = await keyed.app.inject({
        method: 'GET',
        url: `/m/lookup?signal_type=pdq&signal=${'0'.repeat(64)}`,
        headers: asWriter,
      });
      assert.deepEqual(lookup.json(), {});
    } finally {
      await keyed.close();
    }
  });
});

describe('configuration routes', () => {
  test('/c/signal_type, /c/content_type and /c/signal_type/index', async () => {
    const signalTypes = await server.app.inject({ method: 'GET', url: '/c/signal_type' });
    assert.deepEqual(signalTypes.json(), [
      { enabled_ratio: 1.0, name: 'pdq' },
      { enabled_ratio: 1.0, name: 'video_md5' },
    ]);
    const contentTypes = await server.app.inject({ method: 'GET', url: '/c/content_type' });
    assert.deepEqual(contentTypes.json(), [
      { enabled: true, name: 'photo' },
      { enabled: true, name: 'video' },
    ]);

    await server.app.inject({ method: 'POST', url: '/c/banks', payload: { name: 'INDEX_BANK' } });
    await server.app.inject({ method: 'POST', url: '/c/bank/INDEX_BANK/signal', payload: { pdq: '0'.repeat(64) } });
    const index = await server.app.inject({ method: 'GET', url: '/c/signal_type/index' });
    const body = index.json();
    assert.deepEqual(Object.keys(body), ['pdq', 'video_md5']);
    assert.deepEqual(Object.keys(body.pdq), [
      'db_size',
      'index_built_to',
      'index_out_of_date',
      'index_size',
      'newest_db_item',
    ]);
    assert.equal(body.pdq.db_size, 1);
    assert.equal(body.pdq.index_size, 1);
    assert.equal(body.pdq.index_out_of_date, false);
    assert.ok(body.pdq.index_built_to > 0);
    assert.deepEqual(body.video_md5, {
      db_size: 0,
      index_built_to: -1,
      index_out_of_date: false,
      index_size: 0,
      newest_db_item: -1,
    });
    const unknown = await server.app.inject({ method: 'GET', url: '/c/signal_type/index?signal_type=x' });
    assert.deepEqual(unknown.json(), { message: "No such signal type 'x'" });
  });
});
