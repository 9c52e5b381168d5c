import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { flatPng } from '../../../test/support/upload-server.js';
import { ffmpegSkipReason, testPattern } from '../../../test/support/video-clips.js';
import { openVideoUploadRig, type VideoUploadRig } from '../../../test/support/video-upload-rig.js';

/**
 * `/v1/hash` hashes what `/v1/match` looks up: a video by vPDQ (it answered
 * IMAGE_UNSUPPORTED_FORMAT for every video before), an image by PDQ, both by their digests; bytes
 * that are neither are still refused with a coded error.
 */
describe('/v1/hash with an uploaded video', { skip: ffmpegSkipReason() }, () => {
  let rig: VideoUploadRig;
  before(async () => {
    rig = await openVideoUploadRig('hash-video');
  });
  after(() => rig.close());

  test('a video gives vPDQ and its digests, the vPDQ /v1/match looks up', async () => {
    const { server, clips, writer, reader, auth, upload } = rig;
    const video = await clips.bytes('pattern.mp4', testPattern('null'));
    const hashed = await upload('/v1/hash?dihedral=true', reader, video);
    assert.equal(hashed.statusCode, 200, hashed.body);
    const body = hashed.json();
    assert.equal(body.md5, createHash('md5').update(video).digest('hex'));
    assert.equal(body.sha256, createHash('sha256').update(video).digest('hex'));
    assert.equal(typeof body.vpdq, 'string');
    assert.ok(body.vpdq.length > 0);
    assert.equal(body.pdq, undefined, 'a video has no single PDQ');
    assert.equal(body.dihedral, undefined, 'dihedral variants are PDQ’s');

    const matched = await upload('/v1/match', reader, video);
    assert.equal(matched.json().signals.vpdq, body.vpdq, 'the same vPDQ as /v1/match computes');

    // Banked, the hash /v1/hash gave is found by a signals lookup.
    await server.app.inject({ method: 'POST', url: '/v1/banks', headers: auth(writer), payload: { name: 'CLIPS' } });
    assert.equal((await upload('/v1/banks/CLIPS/media', writer, video)).statusCode, 201);
    const found = await server.app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: auth(reader),
      payload: { signals: { vpdq: body.vpdq } },
    });
    assert.ok(
      found.json().matches.some((match: { bank: string; signalType: string }) => match.signalType === 'vpdq'),
      found.body,
    );
  });

  test('an image still gives PDQ, and bytes that are neither are refused', async () => {
    const { reader, upload } = rig;
    const image = await upload('/v1/hash', reader, await flatPng(64, 64));
    assert.equal(image.statusCode, 200, image.body);
    assert.match(image.json().pdq, /^[0-9a-f]{64}$/);
    assert.equal(image.json().vpdq, undefined);
    const text = await upload('/v1/hash', reader, new TextEncoder().encode('plain text, not media'));
    assert.equal(text.statusCode, 400, text.body);
    assert.equal(text.json().error.code, 'IMAGE_UNSUPPORTED_FORMAT');
  });
});
