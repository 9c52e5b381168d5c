import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { patternImage } from '../../../test/support/images.js';
import { startTestServer } from '../../../test/support/server-harness.js';
import { createApiKey } from '../../auth/index.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** A multipart body with one file part. */
function multipart(field: string, bytes: Uint8Array, extra: Record<string, string> = {}) {
  const boundary = '----prevailtestboundary';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(extra)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="x"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
  );
  parts.push(Buffer.from(bytes));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('/v1 API', () => {
  let server: Server;
  let writer: string;
  let reader: string;
  let admin: string;
  const auth = (secret: string) => ({ authorization: `Bearer ${secret}` });

  before(async () => {
    server = await startTestServer({ hmaAccess: 'key' });
    writer = (await createApiKey(server.services.storage.apiKeys, 'writer', ['write'])).secret;
    reader = (await createApiKey(server.services.storage.apiKeys, 'reader', ['read'])).secret;
    admin = (await createApiKey(server.services.storage.apiKeys, 'admin', ['admin'])).secret;
  });
  after(() => server.close());

  test('needs a key, and a key with the right scope; stores only the digest', async () => {
    const anonymous = await server.app.inject({ method: 'GET', url: '/v1/banks' });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error.code, 'AUTH_REQUIRED');
    const wrongKey = await server.app.inject({ method: 'GET', url: '/v1/banks', headers: auth('prv_not_a_key') });
    assert.equal(wrongKey.statusCode, 401);
    const readOnly = await server.app.inject({
      method: 'POST',
      url: '/v1/banks',
      headers: auth(reader),
      payload: { name: 'NOPE' },
    });
    assert.equal(readOnly.statusCode, 403);
    assert.equal(readOnly.json().error.code, 'AUTH_FORBIDDEN');
    const keys = await server.app.inject({ method: 'GET', url: '/v1/keys', headers: auth(admin) });
    assert.equal(keys.statusCode, 200);
    assert.ok(!JSON.stringify(keys.json()).includes(reader), 'secrets are never listed');
    assert.equal((await server.app.inject({ method: 'GET', url: '/v1/keys', headers: auth(writer) })).statusCode, 403);
  });

  test('banks: create, show, change, delete, with coded errors and nothing stored on bad input', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/v1/banks',
      headers: auth(writer),
      payload: { name: 'V1_BANK', pdqThreshold: 20, description: 'test' },
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().pdqThreshold, 20);
    assert.deepEqual(created.json().videoViews, [], 'no extra video views unless asked');
    assert.deepEqual(created.json().videoSignals, [], 'no optional video signals unless asked');
    for (const [payload, code] of [
      [{ name: 'lower_case' }, 'REQUEST_INVALID'],
      [{ name: 'V1_BANK' }, 'BANK_ALREADY_EXISTS'],
      [{ name: 'OTHER', enabledRatio: 2 }, 'REQUEST_INVALID'],
      [{ name: 'OTHER', surprise: true }, 'REQUEST_INVALID'],
      [{ name: 'OTHER', videoViews: ['everything'] }, 'REQUEST_INVALID'],
      [{ name: 'OTHER', videoViews: 'corners' }, 'REQUEST_INVALID'],
      [{ name: 'OTHER', videoViews: [1] }, 'REQUEST_INVALID'],
      [{ name: 'OTHER', videoViews: ['tmk'] }, 'REQUEST_INVALID'],
      [{ name: 'OTHER', videoSignals: ['tmk'] }, 'BANK_INVALID_SETTINGS'],
      [{ name: 'OTHER', videoSignals: ['tmk_pdqf', 'vpdq'] }, 'BANK_INVALID_SETTINGS'],
      [{ name: 'OTHER', videoSignals: ['tmk_pdqf\u0000'] }, 'BANK_INVALID_SETTINGS'],
      [{ name: 'OTHER', videoSignals: ['x'.repeat(100_000)] }, 'BANK_INVALID_SETTINGS'],
      [{ name: 'OTHER', videoSignals: 'tmk_pdqf' }, 'REQUEST_INVALID'],
    ] as const) {
      const response = await server.app.inject({ method: 'POST', url: '/v1/banks', headers: auth(writer), payload });
      assert.equal(response.json().error.code, code, JSON.stringify(payload));
    }
    const names = (await server.app.inject({ method: 'GET', url: '/v1/banks', headers: auth(reader) }))
      .json()
      .banks.map((bank: { name: string }) => bank.name);
    assert.deepEqual(names, ['V1_BANK'], 'no bank was stored by the bad requests');
    const patched = await server.app.inject({
      method: 'PATCH',
      url: '/v1/banks/V1_BANK',
      headers: auth(writer),
      payload: { negative: true, videoViews: ['corners'] },
    });
    assert.equal(patched.json().negative, true);
    assert.deepEqual(patched.json().videoViews, ['corners']);
    const withTmk = await server.app.inject({
      method: 'PATCH',
      url: '/v1/banks/V1_BANK',
      headers: auth(writer),
      payload: { videoSignals: ['tmk_pdqf', 'tmk_pdqf'] },
    });
    assert.deepEqual(withTmk.json().videoSignals, ['tmk_pdqf']);
    assert.deepEqual(withTmk.json().videoViews, ['corners'], 'the views are a setting apart');
    const badSignals = await server.app.inject({
      method: 'PATCH',
      url: '/v1/banks/V1_BANK',
      headers: auth(writer),
      payload: { negative: false, videoSignals: ['tmk_pdqf', 'nope'] },
    });
    assert.equal(badSignals.statusCode, 400);
    assert.equal(badSignals.json().error.code, 'BANK_INVALID_SETTINGS');
    const refused = await server.app.inject({
      method: 'PATCH',
      url: '/v1/banks/V1_BANK',
      headers: auth(writer),
      payload: { videoViews: ['corners', 'nope'] },
    });
    assert.equal(refused.json().error.code, 'REQUEST_INVALID');
    const shown = await server.app.inject({ method: 'GET', url: '/v1/banks/V1_BANK', headers: auth(reader) });
    assert.deepEqual(shown.json().videoViews, ['corners'], 'the refused change changed nothing');
    assert.deepEqual(shown.json().videoSignals, ['tmk_pdqf']);
    assert.equal(shown.json().negative, true, 'the refused videoSignals changed nothing else either');
    const missing = await server.app.inject({ method: 'GET', url: '/v1/banks/NO_SUCH_BANK', headers: auth(reader) });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'BANK_NOT_FOUND');
    const deleted = await server.app.inject({ method: 'DELETE', url: '/v1/banks/V1_BANK', headers: auth(writer) });
    assert.deepEqual(deleted.json(), { deleted: true, contentRemoved: 0 });
  });

  test('content by hash and by upload; match returns hashes and matches with provenance in one call', async () => {
    await server.app.inject({ method: 'POST', url: '/v1/banks', headers: auth(writer), payload: { name: 'KNOWN' } });
    const picture = await patternImage(400, 300, 'jpeg', 21);
    const upload = multipart('file', picture, { source: 'hotline', externalId: 'case-1', note: 'benign test picture' });
    const added = await server.app.inject({
      method: 'POST',
      url: '/v1/banks/KNOWN/media',
      headers: { ...auth(writer), ...upload.headers },
      payload: upload.payload,
    });
    assert.equal(added.statusCode, 201, added.body);
    const content = added.json();
    assert.deepEqual(Object.keys(content.signals).sort(), ['md5', 'pdq', 'sha256']);
    assert.equal(content.externalId, 'case-1');

    const badHash = await server.app.inject({
      method: 'POST',
      url: '/v1/banks/KNOWN/content',
      headers: auth(writer),
      payload: { signals: { pdq: 'abc' } },
    });
    assert.equal(badHash.statusCode, 400);
    assert.equal(badHash.json().error.code, 'SIGNAL_INVALID_HASH');

    const query = multipart('file', picture);
    const matched = await server.app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: { ...auth(reader), ...query.headers },
      payload: query.payload,
    });
    assert.equal(matched.statusCode, 200, matched.body);
    const body = matched.json();
    assert.equal(body.signals.pdq, content.signals.pdq, 'the hashes come back with the matches');
    assert.equal(body.matches[0].contentId, content.id);
    assert.equal(body.matches[0].provenance.source, 'hotline');
    assert.equal(body.matches[0].provenance.externalId, 'case-1');

    const byHash = await server.app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: auth(reader),
      payload: { signals: { md5: content.signals.md5 } },
    });
    assert.equal(byHash.json().matches[0].signalType, 'md5');

    const disabled = await server.app.inject({
      method: 'PATCH',
      url: `/v1/content/${content.id}`,
      headers: auth(writer),
      payload: { enabled: false },
    });
    assert.equal(disabled.json().enabled, false);
    const afterDisable = await server.app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: auth(reader),
      payload: { signals: { md5: content.signals.md5 } },
    });
    assert.equal(afterDisable.json().matches.length, 0);
  });

  test('hash: an upload gives PDQ, quality, MD5, SHA-256 and, on request, the dihedral variants', async () => {
    const upload = multipart('file', await patternImage(200, 200, 'png', 2));
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/hash?dihedral=true',
      headers: { ...auth(reader), ...upload.headers },
      payload: upload.payload,
    });
    const body = response.json();
    assert.match(body.pdq, /^[0-9a-f]{64}$/);
    assert.equal(typeof body.quality, 'number');
    assert.equal(Object.keys(body.dihedral).length, 7);
    const empty = await server.app.inject({ method: 'POST', url: '/v1/hash', headers: auth(reader), payload: {} });
    assert.equal(empty.json().error.code, 'REQUEST_INVALID');
  });

  test('OpenAPI, the reference page and metrics', async () => {
    const openapi = await server.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(openapi.statusCode, 200);
    const paths = Object.keys(openapi.json().paths);
    for (const path of ['/v1/banks', '/v1/match', '/v1/banks/{name}/content']) assert.ok(paths.includes(path), path);
    assert.equal((await server.app.inject({ method: 'GET', url: '/docs/' })).statusCode, 200);
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics', headers: auth(reader) });
    assert.match(metrics.body, /prevail_http_request_duration_seconds_bucket/);
    assert.match(metrics.body, /prevail_matches_total\{bank="KNOWN",signal_type="pdq"\} 1/);
    assert.match(metrics.body, /prevail_index_entries\{signal_type="pdq"\}/);
  });

  test('an unknown route is a coded 404', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/v1/nowhere', headers: auth(reader) });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, 'ROUTE_NOT_FOUND');
  });
});
