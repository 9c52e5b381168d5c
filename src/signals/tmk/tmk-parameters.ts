/**
 * The fixed parameters of TMK+PDQF as ThreatExchange's `tmk/cpp` hashes and scores videos.
 * Hashes made with other values do not compare with published ones, so these are constants.
 */

/** Frames are resampled to this rate before hashing (`TMK_DEFAULT_RESAMPLE_FPS`). */
export const tmkFramesPerSecond = 15;

/** Frames are scaled by ffmpeg to this square size before PDQF (PDQ's own 64×64 buffer). */
export const tmkFrameSide = 64;

/** PDQF: the 16×16 DCT of a frame's 64×64 luma, before PDQ thresholds it into bits. */
export const pdqfDimension = 256;

/** The four periods, in frames at 15 fps, of Poullot et al.'s temporal match kernel (3 to 16 minutes). */
export const tmkPeriods: readonly number[] = [2731, 4391, 9767, 14653];

/**
 * The 32 Fourier coefficients a_j of the kernel (β = 32): a_0 = (I_0(β) − e^−β) / (2 sinh β),
 * a_j = I_j(β) / sinh β, as tabulated upstream (float32 when written to a file).
 */
export const tmkFourierCoefficients: readonly number[] = [
  0.0708041893112, 0.13937789309, 0.132897260304, 0.122765735552, 0.109878684888, 0.09529606433, 0.0800986647852,
  0.0652590650356, 0.0515478238322, 0.0394851531195, 0.0293374252025, 0.0211492623679, 0.0147973073245, 0.0100512818746,
  0.0066306408014, 0.00424947117334, 0.0026467615764, 0.00160270959695, 0.000943882629639, 0.000540841638603,
  0.000301633183798, 0.000163800158855, 8.66454753015e-5, 4.46626303151e-5, 2.24429442235e-5, 1.09982139799e-5,
  5.25823487999e-6, 2.45358229988e-6, 1.11781474895e-6, 4.97406489221e-7, 2.16265487234e-7, 9.19087006565e-8,
];

/**
 * Upstream's default thresholds for TMK+PDQF (`tmk_default_thresholds.h`): two videos match when
 * the level-1 score (cosine of the pure averages) and the level-2 score (best time-shifted kernel
 * score) are both at least 0.7.
 */
export const tmkDefaultLevel1Threshold = 0.7;
export const tmkDefaultLevel2Threshold = 0.7;
