import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import sharp from 'sharp';
import { patternImage, patternPixels } from '../../test/support/images.js';
import { EngineError, type ErrorCode } from '../core/index.js';
import { decodeImage, defaultMaxPixels } from './decode-image.js';
import { sniffImageFormat } from './media-format.js';

const options = { maxPixels: defaultMaxPixels };

async function assertDecodeError(bytes: Uint8Array, code: ErrorCode, maxPixels = defaultMaxPixels): Promise<void> {
  await assert.rejects(decodeImage(bytes, { maxPixels }), (error: unknown) => {
    assert.ok(error instanceof EngineError, `an EngineError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
/** A PNG whose header declares width × height RGB pixels of `bitDepth` and whose data is `idat`. */
function pngWithHeader(width: number, height: number, idat: Uint8Array, bitDepth = 8): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([bitDepth, 2, 0, 0, 0], 8);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', header),
      pngChunk('IDAT', idat),
      pngChunk('IEND', new Uint8Array()),
    ]),
  );
}

describe('decodeImage: formats', () => {
  for (const format of ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const) {
    test(`decodes ${format} to 8-bit RGB at native size`, async () => {
      const bytes = await patternImage(96, 64, format);
      assert.equal(await sniffImageFormat(bytes), format);
      const image = await decodeImage(bytes, options);
      assert.deepEqual([image.format, image.width, image.height, image.channels], [format, 96, 64, 3]);
      assert.equal(image.data.length, 96 * 64 * 3);
    });
  }

  test('lossless formats give back the exact pixels; alpha is dropped, keeping the RGB under it', async () => {
    const rgb = patternPixels(40, 30);
    const rgba = new Uint8Array(40 * 30 * 4);
    for (let p = 0; p < 40 * 30; p++) {
      rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
      rgba[p * 4 + 3] = p % 3 === 0 ? 0 : 255;
    }
    const png = await sharp(rgba, { raw: { width: 40, height: 30, channels: 4 } })
      .png()
      .toBuffer();
    const image = await decodeImage(new Uint8Array(png), options);
    assert.deepEqual(Buffer.from(image.data), Buffer.from(rgb));
  });

  test('16-bit samples are scaled like ImageMagick: floor(v / 257)', async () => {
    const samples = [0, 256, 257, 62901, 65535, 514];
    const scanline = Buffer.alloc(1 + samples.length * 2);
    for (const [index, sample] of samples.entries()) scanline.writeUInt16BE(sample, 1 + index * 2);
    const png = pngWithHeader(2, 1, deflateSync(scanline), 16);
    const image = await decodeImage(png, options);
    assert.deepEqual([...image.data], [0, 0, 1, 244, 255, 2]);
  });

  test('EXIF orientation is ignored by default and applied with autoOrient', async () => {
    const rotated = await sharp(patternPixels(80, 40), { raw: { width: 80, height: 40, channels: 3 } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const asStored = await decodeImage(new Uint8Array(rotated), options);
    assert.deepEqual([asStored.width, asStored.height], [80, 40]);
    const oriented = await decodeImage(new Uint8Array(rotated), { ...options, autoOrient: true });
    assert.deepEqual([oriented.width, oriented.height], [40, 80]);
  });
});

describe('decodeImage: bad input gets a coded error, never a crash', () => {
  test('a zero-byte input', () => assertDecodeError(new Uint8Array(), 'INPUT_EMPTY'));

  test('a text file (whatever its name)', () =>
    assertDecodeError(new TextEncoder().encode('just some notes, not a picture\n'), 'IMAGE_UNSUPPORTED_FORMAT'));

  test('an unsupported format (BMP, SVG)', async () => {
    await assertDecodeError(
      new Uint8Array([0x42, 0x4d, 0x3e, 0, 0, 0, 0, 0, 0, 0, 0x3e, 0, 0, 0]),
      'IMAGE_UNSUPPORTED_FORMAT',
    );
    await assertDecodeError(
      new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      'IMAGE_UNSUPPORTED_FORMAT',
    );
  });

  test('a truncated JPEG', async () => {
    const jpeg = await patternImage(256, 256, 'jpeg');
    await assertDecodeError(jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'IMAGE_CORRUPT');
  });

  test('a truncated PNG', async () => {
    const png = await patternImage(256, 256, 'png');
    await assertDecodeError(png.subarray(0, Math.floor(png.length / 2)), 'IMAGE_CORRUPT');
  });

  test('a 30,000 × 30,000 PNG is refused from its header by the default 100-megapixel limit', () =>
    assertDecodeError(pngWithHeader(30_000, 30_000, deflateSync(Buffer.alloc(1000))), 'IMAGE_TOO_MANY_PIXELS'));

  test('a decompression bomb (12 KB that inflates to 12 MB) is refused under a 1-megapixel limit', async () => {
    const width = 2000;
    const rows = Buffer.alloc(2000 * (1 + width * 3));
    const bomb = pngWithHeader(width, 2000, deflateSync(rows, { level: 9 }));
    assert.ok(bomb.length < 40_000, `the bomb is small (${bomb.length} bytes)`);
    await assertDecodeError(bomb, 'IMAGE_TOO_MANY_PIXELS', 1_000_000);
  });

  test('the pixel limit is configurable', async () => {
    const png = await patternImage(100, 100, 'png');
    await assertDecodeError(png, 'IMAGE_TOO_MANY_PIXELS', 9_999);
    assert.equal((await decodeImage(png, { maxPixels: 10_000 })).width, 100);
  });

  test('a header that claims HEIC but holds garbage', () =>
    assertDecodeError(
      new Uint8Array([
        0,
        0,
        0,
        24,
        ...new TextEncoder().encode('ftypheic'),
        0,
        0,
        0,
        0,
        ...new TextEncoder().encode('mif1heic'),
        1,
        2,
        3,
      ]),
      'IMAGE_CORRUPT',
    ));

  test('property: random bytes either decode or fail with an EngineError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        await decodeImage(bytes, options).catch((error: unknown) =>
          assert.ok(error instanceof EngineError, String(error)),
        );
      }),
      { numRuns: 200 },
    );
  });

  test('property: corrupted and truncated real images either decode or fail with an EngineError', async () => {
    const seeds = await Promise.all(
      (['jpeg', 'png', 'webp', 'gif'] as const).map((format) => patternImage(64, 48, format)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
        fc.nat(),
        async (seed, edits, cut) => {
          const bytes = Uint8Array.from(seed.subarray(0, 1 + (cut % seed.length)));
          for (const edit of edits) bytes[edit.at % bytes.length] = edit.value;
          await decodeImage(bytes, options).catch((error: unknown) =>
            assert.ok(error instanceof EngineError, String(error)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
