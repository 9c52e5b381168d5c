import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { type ConsoleSession, signInAs } from '../../../test/support/console-session.js';
import {
  admin,
  analyst,
  laplacianEnergy,
  matchEntry,
  otherReviewer,
  reviewer,
  shapesImage,
  type WellnessRig,
  wellnessLead,
  wellnessRig,
} from '../../../test/support/wellness-rig.js';
import { createServices, type Services } from '../../app/index.js';
import { httpDependencies } from '../../main.js';
import type { Person } from '../../people/index.js';
import { buildHttpServer } from '../index.js';

/** The rig's people, created in the server's people service and signed in for real. */
const people = [reviewer, otherReviewer, analyst, wellnessLead, admin];

describe('console media and wellness routes', () => {
  let rig: WellnessRig;
  let services: Services;
  let app: FastifyInstance;
  let clear: Buffer;
  let itemId: string;
  const nonReveal: LightMyRequestResponse[] = [];
  const sessions = new Map<string, ConsoleSession>();

  before(async () => {
    rig = await wellnessRig();
    clear = await shapesImage();
    rig.files.set('shapes.png', clear);
    rig.timelines.set(5, [matchEntry(5, 'e5', { url: `${rig.mediaUrl}/shapes.png` }, 'B1')]);
    itemId = (await rig.wellness.listMedia(5, rig.timelines.get(5) ?? []))[0]?.id ?? '';
    const policy = { maxBytes: 5_000_000, timeoutMs: 5000, allowedHosts: [], allowPrivateAddresses: true };
    services = await createServices(
      { dataDir: join(rig.storage.location, '..', 'server') },
      { loadIndexes: false, wellness: { fetchPolicy: policy } },
    );
    app = await buildHttpServer({
      ...httpDependencies(services, {
        hmaAccess: 'open',
        maxUploadBytes: 1_000_000,
        fetchPolicy: policy,
        decode: { maxPixels: 1e7 },
      }),
      wellness: rig.wellness,
    });
    await app.ready();
    for (const person of people)
      sessions.set(
        person.login,
        await signInAs(app, services.people, person.login, person.roles, {
          childSafetyOptIn: person.childSafetyOptInAt !== null,
        }),
      );
  });
  after(async () => {
    await app.close();
    await services.close();
    await rig.close();
  });

  async function call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    who?: Person,
    payload?: unknown,
  ): Promise<LightMyRequestResponse> {
    const response = await app.inject({
      method,
      url,
      headers: who === undefined ? {} : { ...sessions.get(who.login)?.headers },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    if (!url.includes('/reveal/')) nonReveal.push(response);
    return response;
  }

  test('createServices builds the wellness service with a kept secret (mode 0600)', async () => {
    assert.ok(services.wellness);
    const file = await stat(join(rig.storage.location, '..', 'server', 'console-secret'));
    assert.equal(file.mode & 0o777, 0o600);
  });

  test('a rendition: JPEG, no-store, inline without a file name; refused without a session or the permission', async () => {
    const anonymous = await call('GET', `/console/api/media/${itemId}/rendition`);
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error.code, 'AUTH_REQUIRED');
    assert.equal((await call('GET', `/console/api/media/${itemId}/rendition`, wellnessLead)).statusCode, 403);
    const response = await call('GET', `/console/api/media/${itemId}/rendition`, reviewer);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'image/jpeg');
    assert.match(String(response.headers['cache-control']), /no-store/);
    assert.equal(response.headers['content-disposition'], 'inline');
    assert.equal(response.headers['x-frame-count'], '1');
    const unknown = await call('GET', `/console/api/media/${itemId.slice(0, -2)}xx/rendition`, reviewer);
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'MEDIA_NOT_FOUND');
    assert.equal((await call('GET', `/console/api/media/${itemId}/rendition?frame=-1`, reviewer)).statusCode, 400);
  });

  test('reveal: a single-use link, then 410; preferences, defaults, exposure and the aggregate', async () => {
    assert.equal((await call('POST', `/console/api/media/${itemId}/reveal`, analyst, {})).statusCode, 403);
    const granted = await call('POST', `/console/api/media/${itemId}/reveal`, reviewer, { reason: 'classify' });
    assert.equal(granted.statusCode, 200);
    const grant = granted.json();
    assert.deepEqual(Object.keys(grant).sort(), ['expiresAt', 'revealSeconds', 'url']);
    const first = await call('GET', grant.url, reviewer);
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['content-type'], 'image/jpeg');
    assert.match(String(first.headers['cache-control']), /no-store/);
    assert.equal(first.headers['content-disposition'], 'inline');
    const second = await call('GET', grant.url, reviewer);
    assert.equal(second.statusCode, 410);
    assert.equal(second.json().error.code, 'REVEAL_EXPIRED');

    const put = await call('PUT', '/console/api/wellness/preferences', reviewer, { renditionSize: 160 });
    assert.equal(put.statusCode, 200);
    assert.equal(put.json().preferences.renditionSize, 160);
    assert.equal(
      (await call('PUT', '/console/api/wellness/preferences', reviewer, { renditionSize: 5000 })).statusCode,
      400,
    );
    const small = await call('GET', `/console/api/media/${itemId}/rendition`, reviewer);
    assert.ok(((await sharp(small.rawPayload).metadata()).width ?? 0) <= 160);

    assert.equal((await call('PUT', '/console/api/wellness/defaults', reviewer, { limits: {} })).statusCode, 403);
    const defaults = await call('PUT', '/console/api/wellness/defaults', admin, {
      limits: { itemsPerDay: { warn: 1, stop: 2 } },
    });
    assert.equal(defaults.statusCode, 200);
    assert.deepEqual(defaults.json().limits.itemsPerDay, { warn: 1, stop: 2 });
    assert.equal((await call('GET', '/console/api/wellness/exposure', reviewer)).json().status, 'warn');
    assert.equal((await call('POST', `/console/api/media/${itemId}/reveal`, reviewer, {})).statusCode, 200);
    const exposure = (await call('GET', '/console/api/wellness/exposure', reviewer)).json();
    assert.equal(exposure.status, 'stop');
    assert.equal(exposure.suggestion.queue, 'payments');
    const stopped = await call('POST', `/console/api/media/${itemId}/reveal`, reviewer, {});
    assert.equal(stopped.statusCode, 429);
    assert.equal(stopped.json().error.code, 'EXPOSURE_LIMIT');

    assert.equal((await call('GET', '/console/api/wellness/aggregate', reviewer)).statusCode, 403);
    const aggregate = await call('GET', '/console/api/wellness/aggregate?days=3', wellnessLead);
    assert.equal(aggregate.statusCode, 200);
    assert.equal(aggregate.json().days.length, 3);
    assert.ok(!aggregate.body.includes('alice') && !aggregate.body.includes(itemId));
    assert.equal((await call('GET', '/console/api/wellness/preferences')).statusCode, 401);
  });

  test('no response but a reveal carries clear bytes', async () => {
    assert.ok(nonReveal.length > 10);
    const chunk = clear.subarray(300, 364);
    const clearEnergy = await laplacianEnergy(clear);
    for (const response of nonReveal) {
      assert.equal(response.rawPayload.indexOf(chunk), -1);
      if (response.headers['content-type'] === 'image/jpeg') {
        const meta = await sharp(response.rawPayload).metadata();
        assert.ok(Math.max(meta.width ?? 0, meta.height ?? 0) <= 320);
        assert.ok((await laplacianEnergy(response.rawPayload)) < clearEnergy * 0.2);
      }
    }
  });
});
