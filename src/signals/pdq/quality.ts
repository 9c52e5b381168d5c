/**
 * PDQ's image-domain quality metric (`pdqImageDomainQualityMetric`): the sum of quantised
 * neighbour gradients of the 64×64 buffer, divided by 90 and capped at 100.
 *
 * Each term `((u − v) · 100) / 255` is float32 and truncated toward zero, so only significant
 * gradients count; that quantisation is deliberate in the reference and reproduced here.
 */
export function pdqQuality(buffer64: Float32Array): number {
  let gradientSum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      const u = buffer64[i * 64 + j] as number;
      const v = buffer64[(i + 1) * 64 + j] as number;
      gradientSum += Math.abs(Math.trunc(Math.fround(Math.fround(Math.fround(u - v) * 100) / 255)));
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const u = buffer64[i * 64 + j] as number;
      const v = buffer64[i * 64 + j + 1] as number;
      gradientSum += Math.abs(Math.trunc(Math.fround(Math.fround(Math.fround(u - v) * 100) / 255)));
    }
  }
  return Math.min(100, Math.floor(gradientSum / 90));
}
