import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { examplePolicy } from '../../test/support/engine-harness.js';
import { patternImage } from '../../test/support/images.js';
import { createServices, type Services } from '../app/index.js';
import { createApiKey } from '../auth/index.js';
import { defaultMaxPixels } from '../content/index.js';
import { EvidenceVault, parseEvidenceKeyRing } from '../evidence/index.js';
import { httpDependencies } from '../main.js';
import { buildHttpServer } from './index.js';

async function multipart(name: string, bytes: Uint8Array, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [field, value] of Object.entries(fields)) form.append(field, value);
  form.append(name, new Blob([bytes], { type: 'application/octet-stream' }), 'x');
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
  };
}

describe('matched uploads are preserved in the evidence vault and named by their media.matched event', () => {
  let directory: string;
  let services: Services;
  let app: FastifyInstance;
  let vault: EvidenceVault;
  let reader: string;
  let banked: Uint8Array;
  const reading = { actor: 'person:reviewer', reason: 'synthetic review' };
  const loggedEvents = () => services.storage.engine.events.readAfter(0, 10_000);

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-upload-evidence-'));
    services = await createServices(
      { dataDir: join(directory, 'data'), policyDir: examplePolicy },
      { withEngine: true },
    );
    vault = new EvidenceVault({
      directory: join(directory, 'evidence'),
      keyRing: parseEvidenceKeyRing(`k1:${'11'.repeat(32)}`),
      audit: (action) => services.audit.record(action),
    });
    app = await buildHttpServer({
      ...httpDependencies(services, {
        hmaAccess: 'open',
        maxUploadBytes: 5 * 1024 * 1024,
        fetchPolicy: { maxBytes: 5 * 1024 * 1024, timeoutMs: 5000, allowedHosts: [], allowPrivateAddresses: false },
        decode: { maxPixels: defaultMaxPixels },
      }),
      evidence: vault,
    });
    await app.ready();
    reader = (await createApiKey(services.storage.apiKeys, 'uploader', ['read'])).secret;
    const writer = (await createApiKey(services.storage.apiKeys, 'banker', ['write'])).secret;
    await services.banks.createBank({ name: 'UPLOAD_BANK' });
    banked = await patternImage(160, 120, 'png', 7);
    const upload = await multipart('file', banked);
    const added = await app.inject({
      method: 'POST',
      url: '/v1/banks/UPLOAD_BANK/media',
      headers: { ...upload.headers, authorization: `Bearer ${writer}` },
      payload: upload.payload,
    });
    assert.equal(added.statusCode, 201, added.body);
  });
  after(async () => {
    await app.close();
    await services.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('POST /v1/match: a matching upload is kept (kind upload), its event carries data.media.evidenceId', async () => {
    const upload = await multipart('file', banked, { entities: JSON.stringify({ user: 'u-upload' }) });
    const response = await app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: { ...upload.headers, authorization: `Bearer ${reader}` },
      payload: upload.payload,
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.matches[0].bank, 'UPLOAD_BANK');
    assert.match(body.evidenceId, /^[0-9a-f-]{36}$/);
    const event = (await loggedEvents()).find((logged) => logged.id === body.event.id);
    assert.deepEqual(event?.data.media, { evidenceId: body.evidenceId, kind: 'image' });
    const { record, media } = await vault.open(body.evidenceId, reading);
    assert.deepEqual(new Uint8Array(media), banked, 'the very bytes uploaded');
    assert.deepEqual([record.kind, record.subject, record.mediaType], ['upload', 'user:u-upload', 'image/png']);
    const preserved = (await services.storage.engine.audit.page(0, 100)).find(
      (entry) => entry.action === 'evidence.preserve' && String(entry.detailJson).includes(body.evidenceId),
    );
    assert.equal(preserved?.actor, 'key:uploader');
    assert.match(String(preserved?.reason), /^upload matched UPLOAD_BANK#/);
  });

  test('an upload that matches nothing, and a lookup by hashes, keep nothing', async () => {
    const before = (await vault.list()).length;
    const other = await multipart('file', await patternImage(160, 120, 'png', 99));
    const unmatched = await app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: { ...other.headers, authorization: `Bearer ${reader}` },
      payload: other.payload,
    });
    assert.equal(unmatched.statusCode, 200, unmatched.body);
    assert.deepEqual(unmatched.json().matches, []);
    assert.equal(unmatched.json().evidenceId, undefined);
    const signals = (await vault.list())[0]?.record.sha256;
    const byHash = await app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: { authorization: `Bearer ${reader}` },
      payload: { signals: { sha256: signals }, entities: { user: 'u-hash' } },
    });
    assert.equal(byHash.statusCode, 200, byHash.body);
    assert.equal(byHash.json().matches.length, 1);
    assert.equal(byHash.json().evidenceId, undefined, 'hashes alone are not media');
    assert.equal((await vault.list()).length, before);
  });

  test('HMA POST /m/lookup: a matching upload is kept, named in x-prevail-evidence and the event', async () => {
    const upload = await multipart('photo', banked);
    const response = await app.inject({
      method: 'POST',
      url: `/m/lookup?entities=${encodeURIComponent(JSON.stringify({ user: 'u-hma-upload' }))}`,
      headers: { ...upload.headers, authorization: `Bearer ${reader}` },
      payload: upload.payload,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(Object.keys(response.json().pdq), ['UPLOAD_BANK'], 'the answer stays HMA’s');
    const evidenceId = String(response.headers['x-prevail-evidence']);
    await services.engine?.engine.drain();
    const event = (await loggedEvents()).find((logged) => logged.id === response.headers['x-prevail-event']);
    assert.deepEqual(event?.data.media, { evidenceId, kind: 'image' });
    const listed = await vault.list({ subject: 'user:u-hma-upload' });
    assert.deepEqual(
      listed.map((item) => [item.record.id, item.record.kind]),
      [[evidenceId, 'upload']],
    );
  });
});
