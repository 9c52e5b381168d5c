import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { examplePolicy } from '../../../test/support/engine-harness.js';
import { startLocalServer } from '../../../test/support/http-server.js';
import { patternImage } from '../../../test/support/images.js';
import { startTestServer } from '../../../test/support/server-harness.js';
import { reviewer } from '../../../test/support/wellness-rig.js';
import { createApiKey } from '../../auth/index.js';
import { WellnessService } from '../../wellness/index.js';

describe('a platform URL matched through /v1/match becomes the case media a reviewer sees blurred', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let media: Awaited<ReturnType<typeof startLocalServer>>;
  let image: Uint8Array;
  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    image = await patternImage(300, 200, 'png', 9);
    media = await startLocalServer((_request, response) => {
      response.setHeader('content-type', 'image/png');
      response.end(image);
    });
  });
  after(async () => {
    await media.close();
    await server.close();
  });

  test('match by URL → media.matched with data.media → case timeline → MediaItem → rendition', async () => {
    const md5 = createHash('md5').update(image).digest('hex');
    await server.services.banks.createBank({ name: 'MEDIA_BANK' });
    await server.services.banks.addContent('MEDIA_BANK', { signals: { md5 }, category: 'B2' });
    const reader = (await createApiKey(server.services.storage.apiKeys, 'platform', ['read'])).secret;
    const url = `${media.url}/p/1.png`;
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: { authorization: `Bearer ${reader}` },
      payload: { url, entities: { user: 'u-media' } },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().event.status, 'accepted');

    const store = server.services.storage.engine.cases;
    const [found] = await store.list({ subject: 'user:u-media' });
    assert.ok(found, 'the banked match opened a case');
    const timeline = await store.timeline(found.id);
    const entry = timeline.find((item) => item.kind === 'match');
    assert.ok(entry);
    assert.deepEqual((entry.detail as { data: { media: unknown } }).data.media, { url });

    const wellness = new WellnessService({
      repository: server.services.storage.wellness,
      audit: server.services.audit,
      secret: Buffer.alloc(32, 1),
      timelineOf: async (id) => ((await store.get(id)) === undefined ? undefined : store.timeline(id)),
      fetchPolicy: { maxBytes: 1_000_000, timeoutMs: 5000, allowedHosts: [], allowPrivateAddresses: true },
      categoryOf: async (_bank, contentId) => (await server.services.banks.getContent(contentId)).category,
    });
    const items = await wellness.listMedia(found.id, timeline);
    assert.equal(items.length, 1);
    assert.deepEqual(items[0]?.harm.category, 'B2', 'the bank category, for the warning screen');
    assert.equal(items[0]?.origin, 'url');
    const { jpeg } = await wellness.rendition(items[0]?.id ?? '', reviewer);
    const meta = await sharp(jpeg).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.channels, 1);
  });
});
