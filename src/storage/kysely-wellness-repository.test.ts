import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { caseBackends } from '../../test/support/case-backends.js';
import { patternImage } from '../../test/support/images.js';
import { admin, matchEntry, reviewer, wellnessRig } from '../../test/support/wellness-rig.js';

const backends = await caseBackends();
after(async () => {
  for (const backend of backends) await backend.cleanup();
});

for (const backend of backends) {
  describe(`wellness repository on ${backend.name}`, { skip: backend.skip }, () => {
    test('settings: one JSON value per scope and name, replaced in place, kept across a restart', async () => {
      const place = await backend.place();
      let storage = await backend.open(place);
      try {
        const repository = storage.wellness;
        assert.equal(await repository.getSettings('org', 'preferences'), undefined);
        await repository.putSettings(
          'org',
          'preferences',
          { blurSigma: 20 },
          '2026-12-01T00:00:00.000Z',
          'person:erin',
        );
        await repository.putSettings(
          'org',
          'preferences',
          { blurSigma: 24, warningScreens: { A1: true } },
          '2026-12-01T00:01:00.000Z',
          'person:erin',
        );
        await repository.putSettings(
          'org',
          'limits',
          { itemsPerDay: { warn: 1, stop: 2 } },
          '2026-12-01T00:01:00.000Z',
          'person:erin',
        );
        await repository.putSettings(
          'person:alice',
          'preferences',
          { greyscale: false },
          '2026-12-01T00:02:00.000Z',
          'person:alice',
        );
        await storage.close();
        storage = await backend.open(place);
        assert.deepEqual(await storage.wellness.getSettings('org', 'preferences'), {
          blurSigma: 24,
          warningScreens: { A1: true },
        });
        assert.deepEqual(await storage.wellness.getSettings('org', 'limits'), { itemsPerDay: { warn: 1, stop: 2 } });
        assert.deepEqual(await storage.wellness.getSettings('person:alice', 'preferences'), { greyscale: false });
        assert.equal(await storage.wellness.getSettings('person:bob', 'preferences'), undefined);
      } finally {
        await storage.close();
      }
    });

    test('the service on this store: reveal, serve once, viewed, budget stop', async () => {
      const rig = await wellnessRig({ storage: await backend.open(await backend.place()) });
      try {
        rig.files.set('p.png', await patternImage(120, 90, 'png'));
        rig.timelines.set(4, [matchEntry(4, 'e4', { url: `${rig.mediaUrl}/p.png` })]);
        const [item] = await rig.wellness.listMedia(4, rig.timelines.get(4) ?? []);
        const id = item?.id ?? '';
        await rig.wellness.setDefaults(admin, { limits: { itemsPerDay: { warn: 1, stop: 1 } } });
        const grant = await rig.wellness.reveal(id, reviewer);
        await rig.wellness.serveReveal(grant.url.split('/').pop() ?? '', reviewer);
        assert.equal(await rig.wellness.wasViewed(4, id), true);
        assert.equal((await rig.wellness.exposure(reviewer)).status, 'stop');
        await assert.rejects(rig.wellness.reveal(id, reviewer), /exposure limit/);
      } finally {
        await rig.close();
      }
    });

    test('reveals: served once (even when two uses race), never after expiry; counted per person and period', async () => {
      const storage = await backend.open(await backend.place());
      try {
        const repository = storage.wellness;
        const base = { login: 'alice', caseId: 7, itemId: '7-item', seconds: 10 };
        const first = await repository.addReveal({
          ...base,
          tokenDigest: 'a'.repeat(64),
          revealedAt: '2026-12-01T10:00:00.000Z',
          expiresAt: '2026-12-01T10:01:00.000Z',
        });
        assert.equal(first.servedAt, null);
        assert.equal(first.caseId, 7);
        await repository.addReveal({
          ...base,
          login: 'bob',
          tokenDigest: 'b'.repeat(64),
          revealedAt: '2026-12-02T10:00:00.000Z',
          expiresAt: '2026-12-02T10:01:00.000Z',
        });
        assert.equal(await repository.wasServed(7, '7-item'), false);
        assert.equal(await repository.serveReveal('b'.repeat(64), '2026-12-02T10:01:00.000Z'), undefined, 'expired');
        const raced = await Promise.all([
          repository.serveReveal('a'.repeat(64), '2026-12-01T10:00:30.000Z'),
          repository.serveReveal('a'.repeat(64), '2026-12-01T10:00:31.000Z'),
        ]);
        assert.equal(raced.filter((reveal) => reveal !== undefined).length, 1);
        assert.equal(await repository.serveReveal('a'.repeat(64), '2026-12-01T10:00:40.000Z'), undefined, 'used');
        assert.equal(await repository.serveReveal('c'.repeat(64), '2026-12-01T10:00:40.000Z'), undefined, 'unknown');
        assert.ok((await repository.findReveal('a'.repeat(64)))?.servedAt?.startsWith('2026-12-01T10:00:3'));
        assert.equal(await repository.wasServed(7, '7-item'), true);
        assert.equal(await repository.wasServed(8, '7-item'), false);
        assert.equal((await repository.revealsOf('alice', '2026-12-01T00:00:00.000Z')).length, 1);
        assert.equal((await repository.revealsOf('alice', '2026-12-02T00:00:00.000Z')).length, 0);
        const between = await repository.revealsBetween('2026-12-01T00:00:00.000Z', '2026-12-03T00:00:00.000Z');
        assert.deepEqual(
          between.map((reveal) => reveal.login),
          ['alice', 'bob'],
        );
        assert.equal(typeof between[0]?.id, 'number');
      } finally {
        await storage.close();
      }
    });
  });
}
