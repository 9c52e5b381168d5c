/**
 * The eight dihedral variants of a 16×16 PDQ DCT, derived by sign flips and transposes
 * (`dct16OriginalTo*` in the reference): reversing a spatial axis multiplies the coefficient of
 * frequency u = index + 1 by (−1)^u, so odd indices keep their sign and even ones flip.
 *
 * The derived hashes are close to, not equal to, the hash of the rotated file (the box filter is
 * asymmetric for even windows; see `notes/pdq-algorithm.md` §10): match against all eight, never
 * pick a "canonical" one.
 */

/** Names of the variants, in the reference's `--pdqdih-across` order. Storage keys: never rename. */
export const dihedralNames = [
  'original',
  'rotate90',
  'rotate180',
  'rotate270',
  'flipX',
  'flipY',
  'flipPlus1',
  'flipMinus1',
] as const;

export type DihedralName = (typeof dihedralNames)[number];

const sign = (index: number): number => ((index & 1) === 1 ? 1 : -1);

/**
 * Writes variant `name` of the row-major 16×16 DCT `input` into `output`.
 * rotate90 is counter-clockwise; flipX swaps top and bottom; flipY mirrors left and right;
 * flipPlus1 is the transpose; flipMinus1 the anti-transpose.
 */
export function dihedralDct(name: DihedralName, input: Float32Array, output: Float32Array): void {
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const value = input[i * 16 + j] as number;
      const checker = ((i + j) & 1) === 1 ? -1 : 1;
      switch (name) {
        case 'original':
          output[i * 16 + j] = value;
          break;
        case 'rotate90':
          output[j * 16 + i] = sign(j) * value;
          break;
        case 'rotate180':
          output[i * 16 + j] = checker * value;
          break;
        case 'rotate270':
          output[j * 16 + i] = sign(i) * value;
          break;
        case 'flipX':
          output[i * 16 + j] = sign(i) * value;
          break;
        case 'flipY':
          output[i * 16 + j] = sign(j) * value;
          break;
        case 'flipPlus1':
          output[j * 16 + i] = value;
          break;
        case 'flipMinus1':
          output[j * 16 + i] = checker * value;
          break;
      }
    }
  }
}
