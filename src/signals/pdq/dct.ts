/**
 * The 16×16 corner of the 2-D DCT-II of a 64×64 buffer, as `dct64To16` in the PDQ reference.
 *
 * Only frequencies 1..16 on each axis are computed (the DC term is skipped). The products and
 * sums are float32, summed in the reference's k order, so the result is bit-identical to it.
 */

/** D[i][j] = sqrt(2/64) · cos(π/128 · (i+1) · (2j+1)), stored as float32, 16 rows × 64 columns. */
export const dctMatrix: Float32Array = (() => {
  const matrix = new Float32Array(16 * 64);
  const scale = Math.fround(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      matrix[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
    }
  }
  return matrix;
})();

/**
 * Computes B = D · A · Dᵀ for a row-major 64×64 `input` into the row-major 16×16 `output`.
 * B[i][j] is vertical frequency i+1 and horizontal frequency j+1. `scratch` holds T = D·A
 * (16×64).
 */
export function dct64To16(input: Float32Array, output: Float32Array, scratch: Float32Array): void {
  for (let i = 0; i < 16; i++) {
    const rowOffset = i * 64;
    for (let j = 0; j < 64; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) {
        sum = Math.fround(sum + Math.fround((dctMatrix[rowOffset + k] as number) * (input[k * 64 + j] as number)));
      }
      scratch[rowOffset + j] = sum;
    }
  }
  for (let i = 0; i < 16; i++) {
    const tOffset = i * 64;
    for (let j = 0; j < 16; j++) {
      const dOffset = j * 64;
      let sum = 0;
      for (let k = 0; k < 64; k++) {
        sum = Math.fround(sum + Math.fround((scratch[tOffset + k] as number) * (dctMatrix[dOffset + k] as number)));
      }
      output[i * 16 + j] = sum;
    }
  }
}
