import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestServer } from '../../../test/support/server-harness.js';
import { flatPng, multipartBody } from '../../../test/support/upload-server.js';
import { ffmpegSkipReason, openVideoClips, testPattern, type VideoClips } from '../../../test/support/video-clips.js';
import { createApiKey } from '../../auth/index.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/**
 * `/v1/hash` hashes what `/v1/match` looks up: a video by vPDQ (it answered
 * IMAGE_UNSUPPORTED_FORMAT for every video before), an image by PDQ, both by their digests; bytes
 * that are neither are still refused with a coded error.
 */
describe('/v1/hash with an uploaded video', { skip: ffmpegSkipReason() }, () => {
  let server: Server;
  let clips: VideoClips;
  let writer: string;
  let reader: string;
  const auth = (secret: string) => ({ authorization: `Bearer ${secret}` });
  const upload = (url: string, secret: string, bytes: Uint8Array) => {
    const body = multipartBody('file', bytes);
    return server.app.inject({
      method: 'POST',
      url,
      headers: { ...auth(secret), ...body.headers },
      payload: body.payload,
    });
  };

  before(async () => {
    clips = await openVideoClips('hash-video');
    server = await startTestServer({});
    writer = (await createApiKey(server.services.storage.apiKeys, 'writer', ['write'])).secret;
    reader = (await createApiKey(server.services.storage.apiKeys, 'reader', ['read'])).secret;
  });
  after(async () => {
    await server.close();
    await clips.remove();
  });

  test('a video gives vPDQ and its digests, the vPDQ /v1/match looks up', async () => {
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
    const image = await upload('/v1/hash', reader, await flatPng(64, 64));
    assert.equal(image.statusCode, 200, image.body);
    assert.match(image.json().pdq, /^[0-9a-f]{64}$/);
    assert.equal(image.json().vpdq, undefined);
    const text = await upload('/v1/hash', reader, new TextEncoder().encode('plain text, not media'));
    assert.equal(text.statusCode, 400, text.body);
    assert.equal(text.json().error.code, 'IMAGE_UNSUPPORTED_FORMAT');
  });
});
