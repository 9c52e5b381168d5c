import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { patternImage } from '../../test/support/images.js';
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
} from '../../test/support/wellness-rig.js';
import { EngineError } from '../core/index.js';
import { caseOfItemId, mediaItemId, renderReveal, revealMaxSide } from './index.js';

function code(expected: string) {
  return (error: unknown) => error instanceof EngineError && error.code === expected;
}

async function auditRows(rig: WellnessRig) {
  return rig.storage.engine.audit.page(0, 1000);
}

describe('wellness: media, renditions and reveals', () => {
  let rig: WellnessRig;
  let clear: Buffer;
  let itemId: string;

  before(async () => {
    rig = await wellnessRig();
    clear = await shapesImage();
    rig.files.set('shapes.png', clear);
    rig.timelines.set(1, [
      matchEntry(1, 'e1', { url: `${rig.mediaUrl}/shapes.png`, kind: 'image' }, 'A1'),
      {
        caseId: 1,
        kind: 'rule_hit',
        ref: 'typology:ocse:e1',
        time: '2026-12-01T10:00:00.000Z',
        summary: 'typology ocse reached 80',
        detail: {},
      },
    ]);
    const items = await rig.wellness.listMedia(1, rig.timelines.get(1) ?? []);
    assert.equal(items.length, 1);
    itemId = items[0]?.id ?? '';
  });
  after(() => rig.close());

  test('a case lists its media with the harm (bank category, case typology) and opaque, stable ids', async () => {
    const entries = rig.timelines.get(1) ?? [];
    const [item] = await rig.wellness.listMedia(1, entries);
    assert.deepEqual(item, {
      id: itemId,
      caseId: 1,
      kind: 'image',
      harm: { category: 'A1', typology: 'ocse' },
      origin: 'url',
    });
    assert.equal((await rig.wellness.listMedia(1, entries))[0]?.id, itemId, 'stable');
    assert.equal(caseOfItemId(itemId), 1);
    assert.ok(!itemId.includes('shapes'), 'the id does not leak the URL');
    const source = { origin: 'url', url: `${rig.mediaUrl}/shapes.png` } as const;
    assert.notEqual(mediaItemId(Buffer.alloc(32, 7), 2, source), itemId, 'another case: another id');
    assert.notEqual(mediaItemId(Buffer.alloc(32, 8), 1, source), itemId, 'another secret: another id');
    // The same URL on two events is one item (seen once), and a media-less event is none.
    const twice = [...entries, matchEntry(1, 'e2', { url: `${rig.mediaUrl}/shapes.png` })];
    assert.equal((await rig.wellness.listMedia(1, twice)).length, 1);
    const bad = [matchEntry(1, 'e3', { url: 'file:///etc/passwd' }), matchEntry(1, 'e4', {})];
    assert.equal((await rig.wellness.listMedia(1, bad)).length, 0);
  });

  test('a rendition is small, blurred and greyscale, and never the clear picture', async () => {
    const { jpeg, frames } = await rig.wellness.rendition(itemId, reviewer);
    assert.equal(frames, 1);
    const meta = await sharp(jpeg).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.ok(Math.max(meta.width ?? 0, meta.height ?? 0) <= 320, `${meta.width}×${meta.height}`);
    assert.equal(meta.channels, 1, 'greyscale: one channel');
    const clearEnergy = await laplacianEnergy(clear);
    const renditionEnergy = await laplacianEnergy(jpeg);
    assert.ok(
      renditionEnergy < clearEnergy * 0.15,
      `high-frequency energy ${renditionEnergy.toFixed(2)} vs clear ${clearEnergy.toFixed(2)}`,
    );
    assert.equal(Buffer.from(jpeg).indexOf(clear.subarray(200, 264)), -1, 'no bytes of the clear file');
  });

  test('greyscale off keeps colour, but the blur stays', async () => {
    await rig.wellness.setPreferences(otherReviewer, { greyscale: false, blurSigma: 3, renditionSize: 200 });
    const { jpeg } = await rig.wellness.rendition(itemId, otherReviewer);
    const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.channels, 3);
    assert.ok(Math.max(info.width, info.height) <= 200);
    let coloured = 0;
    for (let index = 0; index < data.length; index += 3)
      if (Math.abs((data[index] ?? 0) - (data[index + 2] ?? 0)) > 30) coloured++;
    assert.ok(coloured > 100, 'colour kept');
    assert.ok(
      (await laplacianEnergy(jpeg)) < (await laplacianEnergy(clear)) * 0.5,
      'still blurred at the lightest blur',
    );
    await assert.rejects(rig.wellness.setPreferences(otherReviewer, { blurSigma: 0 }), code('REQUEST_INVALID'));
    await assert.rejects(rig.wellness.setPreferences(otherReviewer, { sneaky: true }), code('REQUEST_INVALID'));
    await rig.wellness.setPreferences(otherReviewer, {});
  });

  test('who may see renditions and reveal', async () => {
    await assert.rejects(rig.wellness.rendition(itemId, undefined), code('AUTH_REQUIRED'));
    await assert.rejects(rig.wellness.rendition(itemId, wellnessLead), code('AUTH_FORBIDDEN'));
    await assert.rejects(rig.wellness.reveal(itemId, analyst), code('AUTH_FORBIDDEN'));
    await assert.rejects(rig.wellness.reveal(itemId, admin), code('AUTH_FORBIDDEN'));
    // An id moved to another case, or made up, names nothing.
    const moved = `2-${itemId.split('-').slice(1).join('-')}`;
    rig.timelines.set(2, []);
    await assert.rejects(rig.wellness.rendition(moved, reviewer), code('MEDIA_NOT_FOUND'));
    await assert.rejects(rig.wellness.rendition('1-AAAAAAAAAAAAAAAAAAAAAAAA', reviewer), code('MEDIA_NOT_FOUND'));
    await assert.rejects(rig.wellness.rendition('../../etc/passwd', reviewer), code('MEDIA_NOT_FOUND'));
    await assert.rejects(rig.wellness.rendition(itemId, reviewer, { frame: 1 }), code('MEDIA_NOT_FOUND'));
    // The queues decide who may see which case (connected after construction).
    rig.wellness.connect({ mayAccessCase: async (person, caseId) => person.login !== 'bob' || caseId !== 1 });
    await assert.rejects(rig.wellness.rendition(itemId, otherReviewer), code('AUTH_FORBIDDEN'));
    await assert.rejects(rig.wellness.reveal(itemId, otherReviewer), code('AUTH_FORBIDDEN'));
    rig.wellness.connect({ mayAccessCase: async () => true });
  });

  test('a reveal is audited, served once with a watermark, recorded as viewed, and expires', async () => {
    assert.equal(await rig.wellness.wasViewed(1, itemId), false);
    const grant = await rig.wellness.reveal(itemId, reviewer, { reason: 'classify for the report' });
    assert.equal(grant.revealSeconds, 10);
    assert.match(grant.url, /^\/console\/api\/media\/reveal\/[A-Za-z0-9_-]+\.0$/);
    assert.equal(Date.parse(grant.expiresAt) - rig.clock, 60_000);
    const audit = (await auditRows(rig)).filter((row) => row.action === 'media.reveal');
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.actor, 'person:alice');
    assert.equal(audit[0]?.subject, 'case:1');
    assert.equal(audit[0]?.reason, 'classify for the report');
    assert.deepEqual(JSON.parse(String(audit[0]?.detailJson ?? 'null')), {
      item: itemId,
      case: 1,
      origin: 'url',
      at: new Date(rig.clock).toISOString(),
      seconds: 10,
    });
    assert.equal(await rig.wellness.wasViewed(1, itemId), false, 'granted is not viewed');

    const token = grant.url.split('/').pop() ?? '';
    await assert.rejects(rig.wellness.serveReveal(token, otherReviewer), code('AUTH_FORBIDDEN'));
    const { jpeg, reveal } = await rig.wellness.serveReveal(token, reviewer);
    assert.equal(reveal.servedAt, new Date(rig.clock).toISOString());
    const meta = await sharp(jpeg).metadata();
    assert.equal(meta.width, 640, 'clear, at its own size (≤ 1024)');
    assert.equal(meta.channels, 3);
    assert.ok((await laplacianEnergy(jpeg)) > (await laplacianEnergy(clear)) * 0.7, 'clear');
    assert.equal(await rig.wellness.wasViewed(1, itemId), true);
    await assert.rejects(rig.wellness.serveReveal(token, reviewer), code('REVEAL_EXPIRED'));
    await assert.rejects(rig.wellness.serveReveal('made-up.0', reviewer), code('REVEAL_EXPIRED'));

    // A link whose media fails to load is not marked served: the file was not viewed.
    rig.timelines.set(9, [matchEntry(9, 'e9', { url: `${rig.mediaUrl}/gone.png` })]);
    const [gone] = await rig.wellness.listMedia(9, rig.timelines.get(9) ?? []);
    const failing = await rig.wellness.reveal(gone?.id ?? '', reviewer);
    await assert.rejects(
      rig.wellness.serveReveal(failing.url.split('/').pop() ?? '', reviewer),
      code('URL_FETCH_FAILED'),
    );
    assert.equal(await rig.wellness.wasViewed(9, gone?.id ?? ''), false);

    const late = await rig.wellness.reveal(itemId, reviewer);
    rig.clock += 60_001;
    await assert.rejects(rig.wellness.serveReveal(late.url.split('/').pop() ?? '', reviewer), code('REVEAL_EXPIRED'));
  });

  test('the watermark is in the pixels, and large pictures are served at most 1024 px', async () => {
    const { data, info } = await sharp(clear).raw().toBuffer({ resolveWithObject: true });
    const still = { width: info.width, height: info.height, rgb: data };
    const marked = await sharp(await renderReveal(still, 'alice', '2026-12-02T09:00:00.000Z'))
      .raw()
      .toBuffer();
    const plain = await sharp(
      await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
        .jpeg({ quality: 85 })
        .toBuffer(),
    )
      .raw()
      .toBuffer();
    let changed = 0;
    for (let index = 0; index < plain.length; index++)
      if (Math.abs((plain[index] ?? 0) - (marked[index] ?? 0)) > 40) changed++;
    assert.ok(changed > 2000, `${changed} samples differ where the tile is`);

    rig.files.set('big.png', await patternImage(2400, 1200, 'jpeg', 3));
    rig.timelines.set(3, [matchEntry(3, 'e9', { url: `${rig.mediaUrl}/big.png` })]);
    const [big] = await rig.wellness.listMedia(3, rig.timelines.get(3) ?? []);
    const grant = await rig.wellness.reveal(big?.id ?? '', otherReviewer);
    const { jpeg } = await rig.wellness.serveReveal(grant.url.split('/').pop() ?? '', otherReviewer);
    const meta = await sharp(jpeg).metadata();
    assert.equal(Math.max(meta.width ?? 0, meta.height ?? 0), revealMaxSide);
  });
});

describe('wellness: where media come from, and hostile media', () => {
  let rig: WellnessRig;
  before(async () => {
    rig = await wellnessRig();
  });
  after(() => rig.close());

  async function itemFor(caseId: number, media: Record<string, unknown>): Promise<string> {
    rig.timelines.set(caseId, [matchEntry(caseId, `e${caseId}`, media)]);
    const [item] = await rig.wellness.listMedia(caseId, rig.timelines.get(caseId) ?? []);
    assert.ok(item);
    return item.id;
  }

  test('evidence media are read through the vault (an audited read)', async () => {
    const record = await rig.vault.preserve({
      kind: 'stream_frame',
      subject: 'stream:s1',
      mediaType: 'image/png',
      media: await patternImage(320, 180, 'png', 5),
      context: {},
      actor: 'system:streams',
      reason: 'test frame',
    });
    const id = await itemFor(10, { evidenceId: record.id });
    const { jpeg } = await rig.wellness.rendition(id, reviewer);
    assert.equal((await sharp(jpeg).metadata()).format, 'jpeg');
    await rig.wellness.rendition(id, reviewer);
    await rig.wellness.rendition(id, otherReviewer);
    const views = (await rig.storage.engine.audit.page(0, 100)).filter((row) => row.action === 'evidence.view');
    assert.deepEqual(
      views.map((row) => row.actor),
      ['person:alice', 'person:bob'],
      'each person reading the evidence is an audited vault read',
    );
  });

  test('an unknown evidence id is EVIDENCE_NOT_FOUND', async () => {
    const id = await itemFor(11, { evidenceId: '00000000-0000-4000-8000-000000000000' });
    await assert.rejects(rig.wellness.rendition(id, reviewer), code('EVIDENCE_NOT_FOUND'));
  });

  test('corrupt, non-image, empty and oversized media are refused with their codes', async () => {
    const png = Buffer.from(await patternImage(200, 200, 'png'));
    rig.files.set('corrupt.png', Buffer.concat([png.subarray(0, 120), Buffer.alloc(400, 0x41)]));
    rig.files.set('text.png', Buffer.from('<html>not a picture</html>'));
    rig.files.set('empty.png', Buffer.alloc(0));
    rig.files.set('huge.png', await patternImage(2100, 2000, 'png'));
    await assert.rejects(
      rig.wellness.rendition(await itemFor(12, { url: `${rig.mediaUrl}/corrupt.png` }), reviewer),
      code('IMAGE_CORRUPT'),
    );
    await assert.rejects(
      rig.wellness.rendition(await itemFor(13, { url: `${rig.mediaUrl}/text.png` }), reviewer),
      code('IMAGE_UNSUPPORTED_FORMAT'),
    );
    await assert.rejects(
      rig.wellness.rendition(await itemFor(14, { url: `${rig.mediaUrl}/empty.png` }), reviewer),
      code('INPUT_EMPTY'),
    );
    await assert.rejects(
      rig.wellness.rendition(await itemFor(15, { url: `${rig.mediaUrl}/huge.png` }), reviewer),
      code('IMAGE_TOO_MANY_PIXELS'),
    );
    await assert.rejects(
      rig.wellness.rendition(await itemFor(16, { url: `${rig.mediaUrl}/missing.png` }), reviewer),
      code('URL_FETCH_FAILED'),
    );
  });

  test('URL media go through the URL policy: a private address is refused unless allowed', async () => {
    const strict = await wellnessRig({ fetchPolicy: { allowPrivateAddresses: false, allowedHosts: [] } });
    try {
      strict.files.set('ok.png', await patternImage(100, 100, 'png'));
      strict.timelines.set(1, [matchEntry(1, 'e1', { url: `${strict.mediaUrl}/ok.png` })]);
      const [item] = await strict.wellness.listMedia(1, strict.timelines.get(1) ?? []);
      await assert.rejects(strict.wellness.rendition(item?.id ?? '', reviewer), code('URL_HOST_NOT_ALLOWED'));
    } finally {
      await strict.close();
    }
  });
});

describe('wellness: preferences, exposure budget, aggregate', () => {
  let rig: WellnessRig;
  const ids: string[] = [];
  before(async () => {
    rig = await wellnessRig();
    rig.files.set('p.png', await patternImage(200, 150, 'png'));
    for (let caseId = 1; caseId <= 4; caseId++) {
      rig.timelines.set(caseId, [matchEntry(caseId, `e${caseId}`, { url: `${rig.mediaUrl}/p.png` })]);
      const [item] = await rig.wellness.listMedia(caseId, rig.timelines.get(caseId) ?? []);
      ids.push(item?.id ?? '');
    }
  });
  after(() => rig.close());

  test('organisation defaults, then personal overrides; only settings.manage changes the defaults', async () => {
    assert.deepEqual(await rig.wellness.preferences(reviewer), {
      blurSigma: 16,
      greyscale: true,
      muteVideo: true,
      warningScreens: { '*': true },
      revealSeconds: 10,
      renditionSize: 320,
    });
    await assert.rejects(
      rig.wellness.setDefaults(reviewer, { preferences: { revealSeconds: 5 } }),
      code('AUTH_FORBIDDEN'),
    );
    await rig.wellness.setDefaults(admin, { preferences: { revealSeconds: 8, warningScreens: { B2: false } } });
    await rig.wellness.setPreferences(reviewer, { revealSeconds: 6, warningScreens: { A1: true } });
    const mine = await rig.wellness.preferences(reviewer);
    assert.equal(mine.revealSeconds, 6);
    assert.deepEqual(mine.warningScreens, { '*': true, B2: false, A1: true });
    assert.equal((await rig.wellness.preferences(otherReviewer)).revealSeconds, 8);
    await assert.rejects(
      rig.wellness.setDefaults(admin, { limits: { itemsPerDay: { warn: 5, stop: 2 } } }),
      code('REQUEST_INVALID'),
    );
    const actions = (await rig.storage.engine.audit.page(0, 100)).map((row) => row.action);
    assert.ok(actions.includes('wellness.defaults') && actions.includes('wellness.preferences'));
  });

  test('the budget warns, then stops reveals with EXPOSURE_LIMIT and a rotation suggestion; it resets the next day', async () => {
    await rig.wellness.setDefaults(admin, { limits: { itemsPerDay: { warn: 2, stop: 3 } } });
    assert.equal((await rig.wellness.exposure(reviewer)).status, 'ok');
    await rig.wellness.reveal(ids[0] ?? '', reviewer);
    await rig.wellness.reveal(ids[1] ?? '', reviewer);
    const warned = await rig.wellness.exposure(reviewer);
    assert.equal(warned.status, 'warn');
    assert.deepEqual(warned.today, { items: 2, seconds: 12 });
    assert.equal(warned.suggestion?.queue, 'payments');
    await rig.wellness.reveal(ids[2] ?? '', reviewer);
    const stopped = await rig.wellness.exposure(reviewer);
    assert.equal(stopped.status, 'stop');
    await assert.rejects(rig.wellness.reveal(ids[3] ?? '', reviewer), (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.code, 'EXPOSURE_LIMIT');
      assert.match(error.message, /break/);
      assert.match(error.message, /payments/);
      return true;
    });
    assert.equal((await rig.wellness.exposure(otherReviewer)).status, 'ok', 'per person');
    rig.clock += 86_400_000;
    const tomorrow = await rig.wellness.exposure(reviewer);
    assert.equal(tomorrow.status, 'ok');
    assert.deepEqual(tomorrow.today, { items: 0, seconds: 0 });
    assert.equal(tomorrow.week.items, 3, 'the ISO week keeps counting (Wednesday follows Tuesday)');
  });

  test('the aggregate counts people and totals per day, and names nobody, no case and no item', async () => {
    await rig.wellness.reveal(ids[0] ?? '', otherReviewer);
    await assert.rejects(rig.wellness.aggregate(reviewer), code('AUTH_FORBIDDEN'));
    const { days } = await rig.wellness.aggregate(wellnessLead, 7);
    assert.equal(days.length, 7);
    const yesterday = days[5];
    const today = days[6];
    assert.deepEqual(yesterday, {
      day: '2026-12-02',
      items: 3,
      seconds: 18,
      people: 1,
      distribution: [
        { bucket: '1-9', people: 1 },
        { bucket: '10-19', people: 0 },
        { bucket: '20-29', people: 0 },
        { bucket: '30-39', people: 0 },
        { bucket: '40+', people: 0 },
      ],
    });
    assert.equal(today?.people, 1);
    const text = JSON.stringify(days);
    for (const secret of ['alice', 'bob', ...ids, 'case']) assert.ok(!text.includes(secret), `no ${secret}`);
  });
});
