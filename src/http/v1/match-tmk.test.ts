import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ffmpegSkipReason, testPattern } from '../../../test/support/video-clips.js';
import { openVideoUploadRig, type VideoUploadRig } from '../../../test/support/video-upload-rig.js';

describe('/v1/match with an uploaded video: vPDQ, and TMK+PDQF once a bank holds it', {
  skip: ffmpegSkipReason(),
}, () => {
  let rig: VideoUploadRig;
  before(async () => {
    rig = await openVideoUploadRig('match-tmk');
  });
  after(() => rig.close());

  test('a sped-up copy matches by tmk_pdqf, answered without its 351 KB value', async () => {
    const { server, clips, writer, reader, auth, upload } = rig;
    const match = (bytes: Uint8Array) => upload('/v1/match', reader, bytes);
    const original = await clips.bytes('original.mp4', testPattern('null'));
    const faster = await clips.bytes('faster.mp4', testPattern('setpts=PTS/1.1'));
    const matcher = server.services.matcher;
    await server.app.inject({ method: 'POST', url: '/v1/banks', headers: auth(writer), payload: { name: 'PLAIN' } });
    const plain = await upload('/v1/banks/PLAIN/media', writer, original);
    assert.equal(plain.statusCode, 201, plain.body);
    assert.equal(matcher.holdsAny('tmk_pdqf'), false, 'a bank without videoSignals banks no TMK+PDQF');

    // The original itself matches by vPDQ (and bytes) through /v1/match, which hashes videos now.
    const same = await match(original);
    assert.equal(same.statusCode, 200, same.body);
    assert.ok(same.json().signals.vpdq.length > 0);
    assert.equal(same.json().signals.tmk_pdqf, undefined);
    assert.ok(same.json().matches.some((found: { bank: string }) => found.bank === 'PLAIN'));
    // Whole-video vPDQ misses the sped-up copy, and no bank holds TMK+PDQF yet.
    assert.deepEqual((await match(faster)).json().matches, []);

    const created = await server.app.inject({
      method: 'POST',
      url: '/v1/banks',
      headers: auth(writer),
      payload: { name: 'TMK_VIDEOS', videoSignals: ['tmk_pdqf'] },
    });
    assert.deepEqual(created.json().videoSignals, ['tmk_pdqf']);
    const banked = await upload('/v1/banks/TMK_VIDEOS/media', writer, original);
    assert.equal(banked.statusCode, 201, banked.body);
    assert.equal(banked.json().largeSignals.tmk_pdqf.valueBytes, 351_128);
    assert.equal(matcher.holdsAny('tmk_pdqf'), true);

    const found = await match(faster);
    assert.equal(found.statusCode, 200, found.body);
    assert.ok(found.body.length < 100_000, `the answer is ${found.body.length} bytes`);
    assert.equal(found.json().signals.tmk_pdqf, undefined, 'the 351 KB value is looked up, not answered');
    const tmk = found.json().matches.filter((hit: { signalType: string }) => hit.signalType === 'tmk_pdqf');
    assert.equal(tmk.length, 1, JSON.stringify(found.json().matches));
    assert.equal(tmk[0].bank, 'TMK_VIDEOS');
    assert.equal(tmk[0].contentId, banked.json().id);
    assert.ok(tmk[0].distance <= 0.3, `distance ${tmk[0].distance}`);
    assert.match(tmk[0].queryValue, /^tmk_pdqf:\d+ frames$/);
    const filtered = await upload('/v1/match?banks=PLAIN', reader, faster);
    assert.deepEqual(filtered.json().matches, [], 'a bank filter still applies');
  });
});
