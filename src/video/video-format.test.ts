import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sniffVideoFormat, videoDemuxers } from './video-format.js';

function bytes(...parts: (string | number[])[]): Uint8Array {
  const values: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') for (const character of part) values.push(character.charCodeAt(0));
    else values.push(...part);
  }
  while (values.length < 400) values.push(0);
  return Uint8Array.from(values);
}

describe('sniffVideoFormat', () => {
  test('tells containers by their leading bytes and names their demuxer', () => {
    const cases: [Uint8Array, string, string][] = [
      [bytes([0, 0, 0, 0x20], 'ftypisom'), 'mp4', 'mov'],
      [bytes([0, 0, 0, 8], 'wide'), 'quicktime', 'mov'],
      [bytes([0x1a, 0x45, 0xdf, 0xa3]), 'matroska', 'matroska'],
      [bytes('RIFF', [1, 2, 3, 4], 'AVI LIST'), 'avi', 'avi'],
      [bytes('FLV', [1]), 'flv', 'flv'],
      [bytes([0, 0, 1, 0xba]), 'mpeg', 'mpeg'],
      [bytes([0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]), 'asf', 'asf'],
      [bytes('OggS'), 'ogg', 'ogg'],
    ];
    for (const [input, format, demuxer] of cases) {
      const found = sniffVideoFormat(input);
      assert.equal(found, format);
      assert.equal(found === undefined ? undefined : videoDemuxers[found], demuxer);
    }
    const transport = new Uint8Array(400);
    for (const offset of [0, 188, 376]) transport[offset] = 0x47;
    assert.equal(sniffVideoFormat(transport), 'mpegts');
  });

  test('refuses text (HLS playlists, concat lists), images and short inputs', () => {
    assert.equal(sniffVideoFormat(bytes('#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\nhttp://x/a.ts')), undefined);
    assert.equal(sniffVideoFormat(bytes("ffconcat version 1.0\nfile '/etc/passwd'")), undefined);
    assert.equal(sniffVideoFormat(bytes([0xff, 0xd8, 0xff, 0xe0])), undefined);
    assert.equal(sniffVideoFormat(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')), undefined);
    assert.equal(sniffVideoFormat(Uint8Array.from([0, 0, 0, 8])), undefined);
  });
});
