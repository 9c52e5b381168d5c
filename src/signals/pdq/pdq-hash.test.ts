import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { EngineError } from '../../core/index.js';
import { hammingWords, pdqDistance, popcount32 } from './hamming.js';
import { formatPdqBits, isPdqHash, parsePdqHash, pdqHashToWords, wordsToPdqHash } from './pdq-hash.js';

const hexHash = fc.stringMatching(/^[0-9a-f]{64}$/);

function assertInvalidHash(text: string): void {
  assert.throws(
    () => parsePdqHash(text),
    (error: unknown) => error instanceof EngineError && error.code === 'SIGNAL_INVALID_HASH',
  );
}

describe('parsePdqHash', () => {
  test('accepts 64 hex characters, trimming and lower-casing them', () => {
    const hash = parsePdqHash('  F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22\n');
    assert.equal(hash, 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22');
    assert.ok(isPdqHash(hash));
  });

  test('rejects the wrong length, non-hex characters, a 0x prefix and the empty string', () => {
    for (const text of ['', 'abc', 'f'.repeat(63), 'f'.repeat(65), `${'f'.repeat(63)}g`, `0x${'f'.repeat(62)}`]) {
      assertInvalidHash(text);
    }
  });

  test('property: every 64-hex string round-trips; anything else is rejected with a coded error', () => {
    fc.assert(
      fc.property(hexHash, (text) => {
        assert.equal(parsePdqHash(text.toUpperCase()), text);
        assert.equal(wordsToPdqHash(pdqHashToWords(parsePdqHash(text))), text);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        fc.pre(!/^[0-9a-f]{64}$/i.test(text.trim()));
        assertInvalidHash(text);
      }),
    );
  });
});

describe('bit layout', () => {
  test('bit k sets word k>>4, position k&15, and word 15 prints first (Hash256::format)', () => {
    const bits = new Uint8Array(256);
    bits[0] = 1;
    assert.equal(formatPdqBits(bits), `${'0'.repeat(63)}1`);
    bits[0] = 0;
    bits[255] = 1;
    assert.equal(formatPdqBits(bits), `8${'0'.repeat(63)}`);
    bits[255] = 0;
    bits[16] = 1;
    assert.equal(formatPdqBits(bits), `${'0'.repeat(56)}00010000`);
  });
});

describe('Hamming distance', () => {
  test('popcount32 counts bits of any 32-bit value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (value) => {
        assert.equal(popcount32(value), value.toString(2).replace(/0/g, '').length);
      }),
    );
  });

  test('property: equals the count of differing bits, is symmetric, and is 0 only for equal hashes', () => {
    fc.assert(
      fc.property(hexHash, hexHash, (a, b) => {
        const naive = [...a].reduce((sum, digit, index) => {
          const xor = Number.parseInt(digit, 16) ^ Number.parseInt(b[index] as string, 16);
          return sum + xor.toString(2).replace(/0/g, '').length;
        }, 0);
        const distance = pdqDistance(parsePdqHash(a), parsePdqHash(b));
        assert.equal(distance, naive);
        assert.equal(pdqDistance(parsePdqHash(b), parsePdqHash(a)), distance);
        assert.equal(distance === 0, a === b);
      }),
    );
  });

  test('hammingWords reads hashes at word offsets inside larger arrays', () => {
    const table = new Uint32Array(24);
    table.set(pdqHashToWords(parsePdqHash('f'.repeat(64))), 8);
    const query = pdqHashToWords(parsePdqHash(`${'f'.repeat(56)}00000000`));
    assert.equal(hammingWords(query, 0, table, 8), 32);
    assert.equal(hammingWords(query, 0, table, 0), 224);
  });
});
