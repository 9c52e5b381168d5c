import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileTypeFromBuffer } from 'file-type';
import { videoDemuxers } from '../video/index.js';
import { type MediaFormat, sniffImageFormat, sniffMediaFormat } from './media-format.js';

function bytes(...parts: (string | number[])[]): Uint8Array {
  const values: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') for (const character of part) values.push(character.charCodeAt(0));
    else values.push(...part);
  }
  while (values.length < 400) values.push(0);
  return Uint8Array.from(values);
}

/** An ASF header object (its GUID, then an empty object count): what an ASF file starts with. */
const asfHeader = Uint8Array.from([
  0x30,
  0x26,
  0xb2,
  0x75,
  0x8e,
  0x66,
  0xcf,
  0x11,
  0xa6,
  0xd9,
  0,
  0xaa,
  0,
  0x62,
  0xce,
  0x6c,
  30,
  ...new Array(13).fill(0),
]);

const video = (format: string): MediaFormat => ({ kind: 'video', format }) as MediaFormat;
const image = (format: string): MediaFormat => ({ kind: 'image', format }) as MediaFormat;

describe('sniffMediaFormat', () => {
  test('tells video containers by their leading bytes and names their demuxer', async () => {
    const cases: [Uint8Array, string, string][] = [
      [bytes([0, 0, 0, 0x20], 'ftypisom'), 'mp4', 'mov'],
      [bytes([0, 0, 0, 8], 'wide'), 'quicktime', 'mov'],
      [bytes([0x1a, 0x45, 0xdf, 0xa3, 0x8b, 0x42, 0x82, 0x88], 'matroska'), 'matroska', 'matroska'],
      [bytes([0x1a, 0x45, 0xdf, 0xa3, 0x87, 0x42, 0x82, 0x84], 'webm'), 'matroska', 'matroska'],
      [bytes('RIFF', [1, 2, 3, 4], 'AVI LIST'), 'avi', 'avi'],
      [bytes('FLV', [1]), 'flv', 'flv'],
      [bytes([0, 0, 1, 0xba, 0x44]), 'mpeg', 'mpeg'],
      [asfHeader, 'asf', 'asf'],
      [bytes('OggS'), 'ogg', 'ogg'],
    ];
    for (const [input, format, demuxer] of cases) {
      const found = await sniffMediaFormat(input);
      assert.deepEqual(found, video(format));
      assert.equal(found?.kind === 'video' ? videoDemuxers[found.format] : undefined, demuxer);
    }
    const transport = new Uint8Array(400);
    for (const offset of [0, 188, 376]) transport[offset] = 0x47;
    assert.deepEqual(await sniffMediaFormat(transport), video('mpegts'));
  });

  test('refuses text (HLS playlists, concat lists), and short or empty inputs', async () => {
    assert.equal(await sniffMediaFormat(bytes('#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\nhttp://x/a.ts')), undefined);
    assert.equal(await sniffMediaFormat(bytes("ffconcat version 1.0\nfile '/etc/passwd'")), undefined);
    assert.equal(await sniffMediaFormat(Uint8Array.from([0, 0, 0, 8])), undefined);
    assert.equal(await sniffMediaFormat(new Uint8Array(0)), undefined);
    assert.equal(await sniffMediaFormat(new TextEncoder().encode('<html>')), undefined);
  });

  test('tells images apart from videos, whatever other container they share', async () => {
    assert.deepEqual(await sniffMediaFormat(bytes([0xff, 0xd8, 0xff, 0xe0])), image('jpeg'));
    assert.deepEqual(await sniffMediaFormat(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')), image('webp'));
    assert.deepEqual(
      await sniffMediaFormat(
        bytes(
          '\x89PNG\r\n\x1a\n',
          [0, 0, 0, 13],
          'IHDR',
          [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0, 0, 0, 0],
          [0, 0, 0, 1],
          'IDAT',
        ),
      ),
      image('png'),
    );
    assert.deepEqual(await sniffMediaFormat(bytes('GIF89a')), image('gif'));
    assert.deepEqual(await sniffMediaFormat(bytes('II*\0', [8, 0, 0, 0])), image('tiff'));
    assert.deepEqual(await sniffMediaFormat(bytes([0, 0, 0, 0x18], 'ftypheic')), image('heic'));
    assert.equal(await sniffImageFormat(bytes([0, 0, 0, 0x20], 'ftypisom')), undefined);
  });

  // Where the three sniffers (content/image-format, video/video-format, http/hma/media-hashing)
  // disagreed, and what the one sniffer answers now.
  test('the one sniffer settles the inputs where the three copies disagreed', async () => {
    // An AVIF whose major brand is `mif1`: file-type alone says HEIF; the brand fallback keeps AVIF
    // (sharp decodes it natively), as the image sniffer did.
    const avifAsMif1 = bytes([0, 0, 0, 0x1c], 'ftypmif1', [0, 0, 0, 0], 'mif1avifmiaf');
    assert.equal((await fileTypeFromBuffer(avifAsMif1))?.ext, 'heic');
    assert.deepEqual(await sniffMediaFormat(avifAsMif1), image('avif'));
    // HEIC as a compatible brand only: an image, not an MP4 video.
    assert.deepEqual(await sniffMediaFormat(bytes([0, 0, 0, 0x18], 'ftypmp42', [0, 0, 0, 0], 'heic')), image('heic'));
    // MPEG-TS, MPEG-PS, ASF, Ogg and QuickTime without `ftyp` were videos to the video sniffer and
    // "unsupported" to the HMA route's; they are videos on every path now.
    const transport = new Uint8Array(400);
    for (const offset of [0, 188, 376]) transport[offset] = 0x47;
    for (const input of [transport, bytes([0, 0, 0, 8], 'moov'), bytes('OggS')])
      assert.equal((await sniffMediaFormat(input))?.kind, 'video');
    // A transport stream shorter than three packets: the video sniffer wanted 377 bytes, file-type
    // two packet starts.
    const shortTransport = new Uint8Array(200);
    shortTransport[0] = 0x47;
    shortTransport[188] = 0x47;
    assert.deepEqual(await sniffMediaFormat(shortTransport), video('mpegts'));
    // MPEG video elementary streams (sequence header) are MPEG to file-type, which the video
    // sniffer did not know.
    assert.deepEqual(await sniffMediaFormat(bytes([0, 0, 1, 0xb3])), video('mpeg'));
    // A container signature followed by no container: the image and video sniffers trusted the
    // first bytes (a PNG signature was "png", an EBML magic "matroska"); file-type reads on
    // (PNG's IHDR chunk, Matroska's DocType), so such bytes are no format Prevail reads.
    assert.equal(await sniffMediaFormat(bytes('\x89PNG\r\n\x1a\n')), undefined);
    assert.equal(await sniffMediaFormat(bytes([0x1a, 0x45, 0xdf, 0xa3])), undefined);
    // A GIF whose version is neither 87a nor 89a was no image to the image sniffer; it is a GIF to
    // file-type (and to libvips, which reads it).
    assert.deepEqual(await sniffMediaFormat(bytes('GIF8', [0x39, 0x61])), image('gif'));
    // An animated PNG (APNG) is a PNG to decode.
    const apng = bytes(
      '\x89PNG\r\n\x1a\n',
      [0, 0, 0, 13],
      'IHDR',
      [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 8],
      'acTL',
    );
    assert.deepEqual(await sniffMediaFormat(apng), image('png'));
  });
});
