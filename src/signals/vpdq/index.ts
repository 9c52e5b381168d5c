import { EngineError } from '../../core/index.js';
import type { SignalType } from '../signal-type.js';
import { denseVideoFrames } from './dense-frames.js';
import { hashDenseViews, hashFrames } from './frame-hasher.js';
import { formatPytxVpdq, type VpdqSignalText } from './pytx-format.js';
import { parseVpdqSignal, readVpdqFeatures } from './read-features.js';
import { VpdqIndex } from './vpdq-index.js';
import { compareVpdq, vpdqDistanceOf } from './vpdq-match.js';

/**
 * vPDQ: Meta's video PDQ, a bag of per-frame PDQ hashes. Two videos match when enough of each
 * one's unique frames of quality ≥ 50 lie within PDQ distance 31 of the other's (80 % both ways
 * by default; see `compareVpdq`). Frame order is ignored, so a re-encoded or trimmed copy still
 * matches; a large overlay or letterbox bars do not.
 *
 * A vPDQ value is a set, not a point, so its `distance` is derived from the two match
 * percentages: `100 − min(query %, compared %)`, with default threshold 20 (80 % both ways).
 * Lookups in banks go through `VpdqIndex`, which reports both percentages.
 */
export const vpdqSignal: SignalType<VpdqSignalText> = {
  name: 'vpdq',
  contentTypes: ['video'],
  description: 'vPDQ: PDQ of video frames (match when ≥ 80 % of unique good frames match both ways)',
  parse: parseVpdqSignal,
  async hash(content) {
    if (content.kind !== 'video') throw new EngineError('INTERNAL', `vpdq hashes videos, not ${content.kind} content`);
    return { value: formatPytxVpdq(await hashFrames(content.frames)) };
  },
  compare: (a, b) => vpdqDistanceOf(compareVpdq(readVpdqFeatures(a), readVpdqFeatures(b))),
  defaultThreshold: 20,
  createIndex: () => new VpdqIndex(),
  createSharedFrameIndex: (frames) => new VpdqIndex({}, 'vpdq', frames),
};

/**
 * Dense vPDQ: the frames of a banked video a live stream could show, for frame-by-frame lookup.
 * Every decoded frame is hashed and near-duplicates are left out (`denseFrames`: within 16 bits
 * of the last kept frame; at most 12,000 per video, `capDenseFrames`), and so is the
 * picture inside the frames' uniform borders when they have any (`denseVideoFrames`: a stream
 * that boxes a video with bars shows, once unboxed, the picture without them), the middle 90 %
 * of the picture (a stream that crops or zooms in) and its middle 60 % (a stream with a camera
 * box, logo or text over its edges; see `hashDenseViews`) — and, when the content comes with
 * `extraViews: ['corners']` (a bank's `videoViews`), the four corners of the picture, 45 % of each
 * side, each list on its own (a stream scaled down under an overlay) — so a stream sampled at 1 frame per
 * second from any start offset shows
 * frames within reach of the bank, where the 1-per-second `vpdq` signal holds only the frames at
 * whole seconds (on quickly changing footage a frame half a second away is 80 bits off). Same text
 * as `vpdq` (python-threatexchange's string), stored beside it when Prevail banks a video; videos
 * still match videos by `vpdq`, whose percentages a dense list would skew.
 */
export const vpdqDenseSignal: SignalType<VpdqSignalText> = {
  name: 'vpdq_dense',
  contentTypes: ['video'],
  videoFrames: 'every',
  description: 'dense vPDQ: every distinct frame of a banked video, for live-stream frame lookups',
  parse: parseVpdqSignal,
  async hash(content) {
    if (content.kind !== 'video') {
      throw new EngineError('INTERNAL', `vpdq_dense hashes videos, not ${content.kind} content`);
    }
    const views = await hashDenseViews(content.frames, content.extraViews);
    const { whole, unboxed, centre, inner, boxedCentre, boxedInner, corners } = views;
    return {
      value: formatPytxVpdq(denseVideoFrames(whole, unboxed, centre, inner, boxedCentre, boxedInner, ...corners)),
    };
  },
  compare: (a, b) => vpdqDistanceOf(compareVpdq(readVpdqFeatures(a), readVpdqFeatures(b))),
  defaultThreshold: 20,
  createIndex: () => new VpdqIndex({}, 'vpdq_dense'),
  createSharedFrameIndex: (frames) => new VpdqIndex({}, 'vpdq_dense', frames),
};

export { formatCppVpdq, parseCppVpdq } from './cpp-format.js';
export { fixedDecimals, pythonShortFloat } from './decimal-text.js';
export { denseFrameSpacingBits, denseFrames, denseFramesPerVideoCap } from './dense-frames.js';
export { cornerViewShare, hashFrame, hashFrames, innerViewShare } from './frame-hasher.js';
export { formatPytxVpdq, parsePytxVpdq, type VpdqSignalText } from './pytx-format.js';
export { parseVpdqSignal, readVpdqFeatures } from './read-features.js';
export type { VpdqFeature } from './vpdq-feature.js';
export { isVpdqHit, type VpdqHit, VpdqIndex } from './vpdq-index.js';
export {
  compareVpdq,
  defaultVpdqDistanceThreshold,
  defaultVpdqMatchPercent,
  defaultVpdqQualityThreshold,
  isVpdqMatch,
  matchableFrames,
  percent,
  type VpdqComparison,
  type VpdqMatchOptions,
  vpdqDistanceOf,
} from './vpdq-match.js';
