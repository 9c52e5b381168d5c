import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import {
  checkStreamSource,
  classifySource,
  defaultStreamSourcePolicy,
  operatorStreamSourcePolicy,
  redactUrl,
} from './source-policy.js';

describe('stream source policy', () => {
  test('the server default opens the five stream schemes on public hosts, nothing else', async () => {
    for (const url of [
      'rtmp://93.184.216.34/live/a',
      'rtmps://93.184.216.34/live/a',
      'rtsp://93.184.216.34/cam',
      'http://93.184.216.34/live/a.flv',
      'https://93.184.216.34/hls/a.m3u8',
    ]) {
      const checked = await checkStreamSource(url, defaultStreamSourcePolicy);
      assert.equal(checked.source, url);
      assert.ok(checked.inputOptions.includes('-protocol_whitelist'), 'ffmpeg may not open other protocols');
      assert.ok(!(checked.inputOptions[1] ?? '').split(',').includes('file'));
    }
    for (const url of ['srt://93.184.216.34:9000', 'concat:a.mp4|b.mp4', 'pipe:0', 'ftp://93.184.216.34/a.mp4']) {
      await assert.rejects(checkStreamSource(url, defaultStreamSourcePolicy), { code: 'URL_INVALID' }, url);
    }
    await assert.rejects(checkStreamSource('/etc/passwd', defaultStreamSourcePolicy), { code: 'URL_INVALID' });
    await assert.rejects(checkStreamSource('file:///etc/passwd', defaultStreamSourcePolicy), { code: 'URL_INVALID' });
    await assert.rejects(checkStreamSource('  ', defaultStreamSourcePolicy), { code: 'URL_INVALID' });
  });

  test('private addresses need the host named in the allow-list, or allowPrivateAddresses', async () => {
    for (const url of [
      'rtmp://127.0.0.1/live/a',
      'http://169.254.169.254/latest',
      'rtsp://10.1.2.3/cam',
      'rtmp://[::1]/x',
    ]) {
      await assert.rejects(checkStreamSource(url, defaultStreamSourcePolicy), { code: 'URL_HOST_NOT_ALLOWED' }, url);
    }
    const named = { ...defaultStreamSourcePolicy, allowedHosts: ['10.1.2.3', '*.media.internal'] };
    assert.equal((await checkStreamSource('rtsp://10.1.2.3/cam', named)).kind, 'live');
    assert.equal((await checkStreamSource('rtmp://edge.media.internal/live/a', named)).kind, 'live');
    await assert.rejects(checkStreamSource('rtsp://10.1.2.4/cam', named), { code: 'URL_HOST_NOT_ALLOWED' });
    await assert.rejects(checkStreamSource('rtmp://93.184.216.34/live/a', named), { code: 'URL_HOST_NOT_ALLOWED' });
    const open = { ...defaultStreamSourcePolicy, allowPrivateAddresses: true };
    assert.equal((await checkStreamSource('rtmp://127.0.0.1/live/a', open)).kind, 'live');
  });

  test('files only when allowed, as absolute paths', async () => {
    const checked = await checkStreamSource('clips/a.mp4', operatorStreamSourcePolicy);
    assert.equal(checked.source, resolve('clips/a.mp4'));
    assert.equal(checked.kind, 'file');
    assert.equal((await checkStreamSource('file:///tmp/a.mp4', operatorStreamSourcePolicy)).source, '/tmp/a.mp4');
  });

  test('how sources end', () => {
    assert.equal(classifySource('/videos/a.mp4'), 'file');
    assert.equal(classifySource('https://cdn.example.org/v/a.mp4'), 'file');
    assert.equal(classifySource('https://cdn.example.org/live/a.m3u8?token=1'), 'hls');
    assert.equal(classifySource('http://media.example.org/live/a.flv'), 'live');
    assert.equal(classifySource('rtmp://media.example.org/live/a'), 'live');
    assert.equal(classifySource('rtsp://cam.example.org/stream'), 'live');
  });

  test('redaction hides credentials and query values, keeps the rest', () => {
    assert.equal(
      redactUrl('rtsp://admin:secret@10.0.0.5:554/cam?auth=abc&x=1'),
      'rtsp://***@10.0.0.5:554/cam?auth=***&x=***',
    );
    assert.equal(redactUrl('rtmp://media.example.org/live/a'), 'rtmp://media.example.org/live/a');
    assert.equal(redactUrl('/videos/a.mp4'), '/videos/a.mp4');
  });
});
