import type { ExtraVideoView } from '../extra-video-views.js';
import { centreBox, contentBox, cornerBoxes, cropRgb, hashPixels } from '../pdq/index.js';
import type { FramePixels } from '../signal-type.js';
import type { VpdqFeature } from './vpdq-feature.js';

/**
 * The vPDQ feature of one decoded frame: PDQ of its RGB pixels at native size through the image
 * PDQ core (float32 luma `0.299R + 0.587G + 0.114B` as vpdq's `fillFloatLumaFromRGB`, no 512
 * pre-resize, the Jarosz filter at full resolution), so a frame hashes as vpdq hashes it.
 * Frames under 5 pixels a side get the zero hash with quality 0 (vpdq refuses them).
 */
export function hashFrame(frame: FramePixels): VpdqFeature {
  const { hash, quality } = hashPixels({ width: frame.width, height: frame.height, channels: 3, data: frame.rgb });
  return { frameNumber: frame.index, quality, hash, timestamp: frame.timestamp };
}

/**
 * Hashes a video's decoded frames into vPDQ features, in frame order, one frame at a time (so
 * memory holds one frame whatever the video's length). Signals never decode video themselves:
 * the frames come from whoever decodes (`video/`'s `readFrames`, through the hasher), sampled
 * there (1 per second like python-threatexchange, or every frame like the C++ tool).
 *
 * @throws whatever the frame source throws (from `readFrames`: `VIDEO_DECODER_MISSING`,
 *   `VIDEO_UNREADABLE`, `IMAGE_TOO_MANY_PIXELS`).
 * @example
 * const features = await hashFrames(readFrames('clip.mp4', { fps: 1 }));
 * const signal = formatPytxVpdq(features); // what banks store
 */
export async function hashFrames(frames: AsyncIterable<FramePixels>): Promise<VpdqFeature[]> {
  const features: VpdqFeature[] = [];
  for await (const frame of frames) features.push(hashFrame(frame));
  return features;
}

/**
 * The share of each side a banked frame's centre view keeps: the middle 90 % (5 % cut from every
 * edge), as a stream that zooms in or crops about 10 % shows it. Measured in
 * `npm run bench -- stream-quality` (docs/streams.md): centred crops of 10 % matched 1–2 of 8
 * streams before.
 */
export const centreViewShare = 0.9;

/**
 * The share of each side a banked frame's inner view keeps: the middle 60 %, clear of what
 * streamers put along the edges and in the corners (a camera box, a logo, a band of text), for
 * streams with such overlays; a stream frame's inner view is cut the same way (`innerViewShare`
 * in `src/streams/frame-views.ts` uses this). Measured in `npm run bench -- stream-probe` and
 * `stream-quality` (docs/streams.md).
 */
export const innerViewShare = 0.6;

/**
 * The share of each side each corner view keeps (the `corners` extra view): 45 %, no margin. On a
 * stream scaled down to 240×136 under a fixed-size overlay (camera box bottom right, text band
 * bottom left, logo top right) one corner this size stays clear, where quadrants reaching the
 * middle (50 %) touch the camera box's frame. Measured in `npm run bench -- stream-probe`
 * (docs/streams.md, "Scale + overlay: banked corners"). The stream side cuts the same boxes
 * (`cornerBoxes`).
 */
export const cornerViewShare = 0.45;

/** The middle `share` of a picture. */
function middleOf(frame: FramePixels, share: number): FramePixels {
  const box = centreBox(frame.width, frame.height, share);
  return { ...frame, width: box.width, height: box.height, rgb: cropRgb(frame, box) };
}

/**
 * Hashes every frame of a video for its dense signal, one frame at a time: each whole frame
 * (`whole`, as `hashFrames`); for a frame with uniform borders (`contentBox`: letterbox,
 * pillarbox), the picture inside them (`unboxed`, with the frame's number and time); the middle
 * 90 % of the picture (`centre`: of the unboxed picture when there are borders), for streams that
 * crop or zoom in; and its middle 60 % (`inner`), for streams that lay a camera box, a logo or
 * text over the edges and corners. A frame with borders also gives the middle 90 % and 60 % of
 * the whole frame, bars included (`boxedCentre`, `boxedInner`): a stream that crops such a video,
 * or overlays its edges, breaks or moves the bars, and its frame is then cut like the whole
 * banked frame. A frame without borders costs three hashes (two of smaller pictures) and the
 * border search (which stops at the first line of picture); a boxed one six.
 *
 * `extraViews` asks for more (`ExtraVideoView`): with `corners`, the four corners of the picture
 * (of the unboxed picture when there are borders), `cornerViewShare` of each side, one list per
 * corner (`corners`, top left, top right, bottom left, bottom right; empty lists without it):
 * four more hashes of pictures a fifth the size.
 */
export async function hashDenseViews(
  frames: AsyncIterable<FramePixels>,
  extraViews: readonly ExtraVideoView[] = [],
): Promise<{
  whole: VpdqFeature[];
  unboxed: VpdqFeature[];
  centre: VpdqFeature[];
  inner: VpdqFeature[];
  boxedCentre: VpdqFeature[];
  boxedInner: VpdqFeature[];
  corners: VpdqFeature[][];
}> {
  const whole: VpdqFeature[] = [];
  const unboxed: VpdqFeature[] = [];
  const centre: VpdqFeature[] = [];
  const inner: VpdqFeature[] = [];
  const boxedCentre: VpdqFeature[] = [];
  const boxedInner: VpdqFeature[] = [];
  const withCorners = extraViews.includes('corners');
  const corners: VpdqFeature[][] = withCorners ? [[], [], [], []] : [];
  for await (const frame of frames) {
    whole.push(hashFrame(frame));
    const box = contentBox(frame);
    const picture =
      box === undefined ? frame : { ...frame, width: box.width, height: box.height, rgb: cropRgb(frame, box) };
    if (box !== undefined) unboxed.push(hashFrame(picture));
    centre.push(hashFrame(middleOf(picture, centreViewShare)));
    inner.push(hashFrame(middleOf(picture, innerViewShare)));
    if (box !== undefined) {
      boxedCentre.push(hashFrame(middleOf(frame, centreViewShare)));
      boxedInner.push(hashFrame(middleOf(frame, innerViewShare)));
    }
    if (withCorners)
      cornerBoxes(picture.width, picture.height, cornerViewShare).forEach((corner, k) => {
        const pixels = { ...picture, width: corner.width, height: corner.height, rgb: cropRgb(picture, corner) };
        corners[k]?.push(hashFrame(pixels));
      });
  }
  return { whole, unboxed, centre, inner, boxedCentre, boxedInner, corners };
}
