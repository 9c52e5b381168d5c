/**
 * PDQ conformance against Meta's C++ reference over the shared vectors: every image the
 * reference hashes with quality ≥ 50 must give the same hash bit for bit and the same quality,
 * decoded by Prevail's own decoder. No exceptions are needed at present; if one ever is, list it
 * in `knownExceptions` with its reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { pdqVector, readExpectedTsv, vectorsAvailable, vectorsSkipReason } from '../../../test/support/vectors.js';
import { decodeImage, defaultMaxPixels } from '../../content/index.js';
import {
  type DihedralName,
  dihedralNames,
  hashPixels,
  hashPixelsDihedral,
  hashPixelsDihedralJs,
  hashPixelsJs,
  type PdqHash,
  type PixelBuffer,
  parsePdqHash,
  pdqDistance,
} from './index.js';

const knownExceptions = new Map<string, string>();

async function hashFile(relativePath: string) {
  const image = await decodeImage(new Uint8Array(readFileSync(pdqVector(relativePath))), {
    maxPixels: defaultMaxPixels,
  });
  return { image, ...hashPixels(image) };
}

describe('PDQ against the C++ reference core (cross_impl_reference_images.tsv)', { skip: vectorsSkipReason }, () => {
  const rows = vectorsAvailable ? readExpectedTsv('cross_impl_reference_images.tsv') : [];
  const eligible = rows.filter((row) => Number(row.core_im_quality) >= 50);

  test('the vector table is the one this suite was written for', () => {
    assert.ok(eligible.length >= 60, `expected at least 60 images with quality ≥ 50, found ${eligible.length}`);
  });

  for (const row of eligible) {
    const file = row.file as string;
    test(`${file} hashes exactly like core_im (WebAssembly and JS kernels)`, {
      skip: knownExceptions.get(file) ?? false,
    }, async () => {
      const { image, hash, quality } = await hashFile(file);
      const plain = hashPixelsJs(image);
      for (const [path, result] of [
        ['default', { hash, quality }],
        ['js', plain],
      ] as const) {
        assert.equal(result.quality, Number(row.core_im_quality), `${path} quality`);
        assert.equal(
          result.hash,
          row.core_im_hash,
          `${path} hash (distance ${pdqDistance(result.hash, parsePdqHash(row.core_im_hash ?? ''))})`,
        );
      }
      assert.deepEqual(hashPixelsDihedral(image), hashPixelsDihedralJs(image), 'dihedral hashes of both paths');
    });
  }

  test('the images of quality < 50 hash like core_im too, on both kernels', async () => {
    const low = rows.filter((row) => Number(row.core_im_quality) < 50 && /^[0-9a-f]{64}$/.test(row.core_im_hash ?? ''));
    assert.ok(low.length >= 3, `expected at least 3 images with quality < 50, found ${low.length}`);
    for (const row of low) {
      const { image, hash, quality } = await hashFile(row.file as string);
      assert.deepEqual({ hash, quality }, { hash: row.core_im_hash, quality: Number(row.core_im_quality) }, row.file);
      assert.deepEqual(hashPixelsJs(image), { hash, quality }, `${row.file} (JS kernels)`);
    }
  });

  test('every hash of quality ≥ 50 has exactly 128 bits set', async () => {
    for (const row of eligible.slice(0, 12)) {
      const { hash } = await hashFile(row.file as string);
      assert.equal(pdqDistance(hash, '0'.repeat(64) as PdqHash), 128, row.file);
    }
  });
});

describe('python-threatexchange failure cases hash like the reference core, not like pytx', {
  skip: vectorsSkipReason,
}, () => {
  const rows = vectorsAvailable ? readExpectedTsv('cross_impl_reference_images.tsv') : [];
  const byFile = new Map(rows.map((row) => [row.file, row]));

  for (const [file, why] of [
    ['pdq-data/misc-images/modes/P.png', 'pytx hashes palette indices'],
    ['pdq-data/misc-images/modes/CMYK.jpg', 'pytx reads C, M, Y as R, G, B'],
  ] as const) {
    test(`${file}: ${why}`, async () => {
      const row = byFile.get(file);
      assert.ok(row, `${file} is in the table`);
      const { hash } = await hashFile(file);
      assert.equal(hash, row.core_im_hash);
      assert.ok(pdqDistance(hash, parsePdqHash(row.pytx_hash ?? '')) >= 30, 'differs from the pytx hash');
    });
  }

  test('pdq-data/misc-images/modes/1.png: bilevel is 0/255, not 0/1 (pytx gives quality 0)', async () => {
    const { hash, quality } = await hashFile('pdq-data/misc-images/modes/1.png');
    assert.equal(quality, 100);
    assert.equal(hash, byFile.get('pdq-data/misc-images/modes/1.png')?.core_im_hash);
  });

  test('pytx-resources/I16.png: 16-bit grey is scaled (v/257), not clipped (pytx expects quality 36)', async () => {
    const pytxExpectation = readExpectedTsv('pytx_test_pdq_hasher.tsv').find(
      (row) => row.file === 'pytx-resources/I16.png',
    );
    assert.equal(pytxExpectation?.expected_quality, '36');
    const { hash, quality } = await hashFile('pytx-resources/I16.png');
    assert.equal(quality, 100);
    assert.equal(hash, byFile.get('pytx-resources/I16.png')?.core_im_hash);
  });
});

/** The pixels of `image` rotated or flipped as dihedral variant `name` describes. */
function transformPixels(image: PixelBuffer, name: DihedralName): PixelBuffer {
  const { width, height, data } = image;
  const swapsAxes = name === 'rotate90' || name === 'rotate270' || name === 'flipPlus1' || name === 'flipMinus1';
  const outWidth = swapsAxes ? height : width;
  const outHeight = swapsAxes ? width : height;
  const out = new Uint8Array(data.length);
  const source: Record<DihedralName, (x: number, y: number) => [number, number]> = {
    original: (x, y) => [x, y],
    rotate90: (x, y) => [width - 1 - y, x],
    rotate180: (x, y) => [width - 1 - x, height - 1 - y],
    rotate270: (x, y) => [y, height - 1 - x],
    flipX: (x, y) => [x, height - 1 - y],
    flipY: (x, y) => [width - 1 - x, y],
    flipPlus1: (x, y) => [y, x],
    flipMinus1: (x, y) => [width - 1 - y, height - 1 - x],
  };
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const [sourceX, sourceY] = source[name](x, y);
      out.set(
        data.subarray((sourceY * width + sourceX) * 3, (sourceY * width + sourceX) * 3 + 3),
        (y * outWidth + x) * 3,
      );
    }
  }
  return { width: outWidth, height: outHeight, channels: 3, data: out };
}

describe('dihedral variants of bridge-mods/aaa-orig.jpg', { skip: vectorsSkipReason }, () => {
  test('derived hashes reproduce the transformed images: mirror, transpose exactly; the rest closely', async () => {
    const { image } = await hashFile('pdq-data/bridge-mods/aaa-orig.jpg');
    const derived = hashPixelsDihedral(image);
    assert.equal(derived.hashes.original, hashPixels(image).hash);
    // 1600 columns: an odd window (13) and mirror-symmetric sample points, so a left-right
    // mirror and a transpose are exact (the note's -flop and -transpose at 0 bits).
    const exact: DihedralName[] = ['flipY', 'flipPlus1', 'rotate90'];
    for (const name of dihedralNames) {
      const distance = pdqDistance(derived.hashes[name], hashPixels(transformPixels(image, name)).hash);
      if (exact.includes(name)) assert.equal(distance, 0, `${name} is exact`);
      else assert.ok(distance <= 16, `${name} within 16 bits (got ${distance})`);
    }
  });

  test('derived hashes are near the core hashes of the rotated and flipped files in dih/', async () => {
    const rows = readExpectedTsv('cross_impl_reference_images.tsv');
    const core = (file: string) =>
      parsePdqHash(rows.find((row) => row.file === `pdq-data/reg-test-input/dih/${file}`)?.core_im_hash ?? '');
    const { image } = await hashFile('pdq-data/reg-test-input/dih/bridge-1-original.jpg');
    const { hashes } = hashPixelsDihedral(image);
    const files: [DihedralName, string][] = [
      ['rotate90', 'bridge-2-rotate-90.jpg'],
      ['rotate180', 'bridge-3-rotate-180.jpg'],
      ['rotate270', 'bridge-4-rotate-270.jpg'],
      ['flipX', 'bridge-5-flipx.jpg'],
      ['flipY', 'bridge-6-flipy.jpg'],
      ['flipPlus1', 'bridge-7-flip-plus-1.jpg'],
      ['flipMinus1', 'bridge-8-flip-minus-1.jpg'],
    ];
    for (const [name, file] of files) {
      const distance = pdqDistance(hashes[name], core(file));
      assert.ok(distance <= 16, `${name} vs ${file}: ${distance} bits`);
      // …and far from the unrotated hash, so the variant really is a different hash.
      assert.ok(pdqDistance(hashes.original, core(file)) > 64, `${file} differs from the original`);
    }
  });
});
