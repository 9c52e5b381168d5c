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
 * The memory cap of a dense signal: at most this many frames per list (whole frames; unboxed
 * pictures) of one video. 12,000 frames of about 80 characters fit one typed hash-list line
 * (1 MiB, so a banked video can be exported and imported again) and take about 1.6 MB of PDQ
 * index. Below it nothing changes: that is 6.7 minutes of footage whose every frame is more than 16
 * bits from the last (ffmpeg's `testsrc2`), far longer of ordinary footage. A longer video is
 * thinned by `capDenseFrames`; what thinning costs was measured with a cap of 10 frames a second
 * (docs/streams.md): a stream sampled once a second finds a kept frame in fewer of its seconds.
 */
export const denseFramesPerVideoCap = 12_000;

/** The larger spacing `capDenseFrames` tries first (7 bits left for re-encoding) before thinning evenly. */
export const cappedFrameSpacingBits = 24;

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

/**
 * `denseFrames` within the memory cap: at most `cap` frames. Over the cap, the spacing is raised
 * to `cappedFrameSpacingBits`; still over, the kept frames are thinned evenly (every n-th kept, by
 * position), so the cap holds whatever the footage.
 */
export function capDenseFrames(features: readonly VpdqFeature[], cap = denseFramesPerVideoCap): VpdqFeature[] {
  const kept = denseFrames(features);
  if (kept.length <= cap) return kept;
  const wider = denseFrames(features, cappedFrameSpacingBits);
  if (wider.length <= cap) return wider;
  return Array.from({ length: cap }, (_, k) => wider[Math.floor((k * wider.length) / cap)] as VpdqFeature);
}

/**
 * A banked video's dense frames: those of its whole frames, then those of other views of its
 * frames — the picture inside its uniform borders (`unboxed`: one feature per frame that has
 * borders, see `contentBox`; a stream that letterboxes or pillarboxes a video that already had bars
 * shows, once unboxed, the picture without any bar) and the middle of the picture (`centre`, for
 * streams that crop or zoom in) — each list de-duplicated and capped on its own (they alternate
 * frame by frame, so they cannot share a "last kept" frame). Frames of the other views of quality
 * below 50 are left out (no placeholder frame: the whole frames give the signal its first frame).
 */
export function denseVideoFrames(
  whole: readonly VpdqFeature[],
  ...views: readonly (readonly VpdqFeature[])[]
): VpdqFeature[] {
  const others = views.flatMap((view) =>
    capDenseFrames(view).filter((feature) => feature.quality >= defaultVpdqQualityThreshold),
  );
  return [...capDenseFrames(whole), ...others];
}
