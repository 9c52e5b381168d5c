import { pdqDistance } from '../pdq/index.js';
import type { VpdqFeature } from './vpdq-feature.js';
import { defaultVpdqQualityThreshold } from './vpdq-match.js';

/**
 * How far (PDQ bits) a frame may be from the last kept frame and still be left out of a dense
 * signal: half the frame match distance (31), so that a stream frame identical to a left-out
 * frame is within 16 bits of a kept one and keeps 15 bits for re-encoding. Chosen by measurement
 * (docs/streams.md): 16 keeps 74 % of the frames of the quickly changing `chair-19-sd-bar.mp4`
 * (1331 a minute) and 30 % of a zooming `mandelbrot` (548 a minute).
 */
export const denseFrameSpacingBits = 16;

/**
 * The frames of a video a stream could show, for frame-by-frame lookup: every decoded frame of
 * quality ≥ 50, less the near-duplicates — a frame within `spacingBits` of the last frame kept,
 * or identical to any frame kept, is left out. Every good frame of the video is then within
 * `spacingBits` of a kept frame, whichever frame a sampler happens to pick; a still scene costs
 * one frame however long it lasts. Order is kept. A video with no good frame keeps its first
 * frame (a signal holds at least one frame; that one never matches).
 */
export function denseFrames(
  features: readonly VpdqFeature[],
  spacingBits = denseFrameSpacingBits,
  qualityThreshold = defaultVpdqQualityThreshold,
): VpdqFeature[] {
  const kept: VpdqFeature[] = [];
  const seen = new Set<string>();
  for (const feature of features) {
    if (feature.quality < qualityThreshold || seen.has(feature.hash)) continue;
    const last = kept.at(-1);
    if (last !== undefined && pdqDistance(feature.hash, last.hash) <= spacingBits) continue;
    kept.push(feature);
    seen.add(feature.hash);
  }
  const first = features[0];
  return kept.length === 0 && first !== undefined ? [first] : kept;
}
