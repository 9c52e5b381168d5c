import { type FrameBox, lumaSteps, type RgbFrame } from '../signals/index.js';

/**
 * A pixel is on an edge when its luma differs from the pixel two steps before it (left, or above)
 * by at least this much: a picture pasted over another has a step along its border (encoders blur
 * it over a pixel or two, hence two steps), while a smooth background has none.
 */
export const insetEdgeStep = 16;

/**
 * Gaps an edge line may have where the inset's picture and the background happen to agree: this
 * share of the frame's height (and at least 8 pixels).
 */
const edgeGapShare = 0.1;

/** A side of the inset is at least this share of the frame's side (and 16 pixels). */
const insetMinimumSideShare = 0.15;

/** The inset is hashed when it covers between these shares of the frame (as the moving region). */
export const insetShares = { minimum: 0.04, maximum: 0.8 } as const;

/** The top and bottom edges must be found along at least this share of the inset's width. */
const horizontalCoverage = 0.7;

/** Most edge lines of each direction considered (the longest), bounding the pairing work. */
const maximumLines = 48;

/** How far (pixels) the ends of a left and a right edge may disagree and still be one rectangle's. */
const cornerTolerance = 6;

/**
 * The shapes videos are made in (16:9, 4:3). An inset's side is lost where its picture's edge
 * column has the background's luma (a dark picture over a dark background, a colour step with no
 * luma step); the rectangle then found ends at a straight edge inside the picture (`testsrc2`'s
 * own bars: 134 of 160 columns). So a rectangle narrower than one of these shapes is also tried
 * widened to it, to the right and to the left, and kept only if the top and bottom steps run
 * along the added columns as well.
 */
const videoAspects = [16 / 9, 4 / 3] as const;

/** A rectangle this close to a video shape (relative) is taken as that shape, not widened. */
const aspectTolerance = 0.03;

interface EdgeLine {
  /** The column (vertical line: pixel `at` is the first right of the step) or row. */
  readonly at: number;
  readonly from: number;
  readonly to: number;
}

/**
 * How far `insetBoxes` looks, and how many rectangles it returns. The defaults are the inset view
 * as shipped (`insetBox`); `smallInsetSearch` is the small-inset search.
 */
export interface InsetSearch {
  /** Least share of the frame a rectangle covers (default 0.04). */
  readonly minimumShare: number;
  /** Least share of the frame's width (and height) a rectangle's side spans (default 0.15; and 16 pixels). */
  readonly minimumSideShare: number;
  /** Most rectangles returned, largest first (default 1). */
  readonly limit: number;
}

const defaultInsetSearch: InsetSearch = {
  minimumShare: insetShares.minimum,
  minimumSideShare: insetMinimumSideShare,
  limit: 1,
};

/**
 * The small-inset search (`FrameViewOptions.smallInsets`): rectangles down to 1 % of the frame with
 * sides down to 10 % of the frame's (a 64×36 picture-in-picture in a 480×270 frame), up to three
 * of them, largest first, so that a small inset is still hashed when a larger rectangle (a window,
 * a pane of the background) is found too. Measured in `npm run bench -- stream-probe` and
 * `stream-quality` (docs/streams.md, "Small insets").
 */
export const smallInsetSearch: InsetSearch = { minimumShare: 0.01, minimumSideShare: 0.1, limit: 3 };

/**
 * Where a picture-in-picture inset is: the largest axis-aligned rectangle, covering 4–80 % of the
 * frame, whose four sides are straight luma steps (`insetEdgeStep`) — a video pasted into a corner
 * of another, or a window in a screen capture — found in this one frame (no state, so it works
 * when the whole frame moves, where `MovingRegion` sees everything moving and finds nothing).
 * Left and right sides are vertical lines of edge pixels (gaps up to 10 % of the height) of about the same
 * extent, at least 15 % of the frame's side; the top and bottom must show a step along 70 % of
 * the width between them. Returns undefined when no such rectangle is found.
 *
 * Costs one pass over the luma (about 4 ms for 720p) and a pairing of at most 48 lines each way.
 */
export function insetBox(frame: RgbFrame): FrameBox | undefined {
  return insetBoxes(frame)[0];
}

/**
 * The rectangles `insetBox` looks for, with the bounds of `search`: up to `search.limit` of them,
 * largest first, none within 4 pixels on every side of a larger one, nor inside a larger one
 * with edges the same within 4 pixels on three sides (a side found twice). Empty when none is found.
 */
export function insetBoxes(frame: RgbFrame, search: InsetSearch = defaultInsetSearch): FrameBox[] {
  const { width, height, rgb } = frame;
  if (width < 32 || height < 32 || rgb.length < width * height * 3) return [];
  const { luma, steps } = lumaSteps(rgb, width * height, insetEdgeStep);
  const vertical = edgeLines(steps, width, height, search.minimumSideShare);
  if (vertical.length < 2) return [];
  const minimumWidth = Math.max(16, Math.round(width * search.minimumSideShare));
  const candidates: Candidate[] = [];
  for (const left of vertical) {
    for (const right of vertical) {
      if (right.at - left.at < minimumWidth) continue;
      if (Math.abs(left.from - right.from) > cornerTolerance || Math.abs(left.to - right.to) > cornerTolerance)
        continue;
      const top = Math.max(left.from, right.from);
      const bottom = Math.min(left.to, right.to);
      const box = { x: left.at, y: top, width: right.at - left.at, height: bottom - top + 1 };
      const share = (box.width * box.height) / (width * height);
      if (share < search.minimumShare || share > insetShares.maximum) continue;
      candidates.push({ box, from: box.x, to: box.x + box.width });
      for (const widened of widenedToVideoShapes(box, width)) {
        const widenedShare = (widened.box.width * widened.box.height) / (width * height);
        if (widenedShare <= insetShares.maximum) candidates.push(widened);
      }
    }
  }
  // Largest first; the step tests (the costly part) only for rectangles that would be kept.
  candidates.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  const found: FrameBox[] = [];
  for (const { box, from, to } of candidates) {
    if (found.length >= search.limit) break;
    if (found.some((other) => nearlySame(other, box))) continue;
    if (!horizontalStep(luma, width, height, box.x, box.x + box.width, box.y)) continue;
    if (!horizontalStep(luma, width, height, box.x, box.x + box.width, box.y + box.height)) continue;
    // A widened rectangle: its top and bottom steps must run along the added columns too (a 4:3
    // inset widened to 16:9 would otherwise pass on its own 75 %).
    if (from > box.x && !horizontalStep(luma, width, height, box.x, from, box.y)) continue;
    if (from > box.x && !horizontalStep(luma, width, height, box.x, from, box.y + box.height)) continue;
    const right = box.x + box.width;
    if (to < right && !horizontalStep(luma, width, height, to, right, box.y)) continue;
    if (to < right && !horizontalStep(luma, width, height, to, right, box.y + box.height)) continue;
    found.push(box);
  }
  return found;
}

/** A rectangle to test, and the columns `from`..`to` its two edge lines bound (all of it unless widened). */
interface Candidate {
  readonly box: FrameBox;
  readonly from: number;
  readonly to: number;
}

/**
 * `box` widened to each video shape it is narrower than (`videoAspects`), its height kept, to the
 * right (its left edge kept) and to the left (its right edge kept), where that stays in the frame.
 */
function widenedToVideoShapes(box: FrameBox, frameWidth: number): Candidate[] {
  const widened: Candidate[] = [];
  const aspect = box.width / box.height;
  for (const shape of videoAspects) {
    if (aspect >= shape * (1 - aspectTolerance)) continue;
    const width = Math.round(box.height * shape);
    const right = box.x + box.width;
    if (box.x + width <= frameWidth) widened.push({ box: { ...box, width }, from: box.x, to: right });
    if (right - width >= 0) widened.push({ box: { ...box, x: right - width, width }, from: box.x, to: right });
  }
  return widened;
}

/** `box` is `other` again: within 4 pixels on every side, or on three sides (one side found twice). */
function nearlySame(other: FrameBox, box: FrameBox): boolean {
  const sides = [
    Math.abs(other.x - box.x),
    Math.abs(other.y - box.y),
    Math.abs(other.x + other.width - box.x - box.width),
    Math.abs(other.y + other.height - box.y - box.height),
  ];
  return sides.filter((side) => side <= 4).length >= 3;
}

/**
 * The longest vertical edge lines (columns of edge pixels with short gaps), at most `maximumLines`,
 * from the frame's step mask (`lumaSteps`). The mask is walked in memory order, four pixels at a
 * time where none steps, with each column's open line in `from` and `last` (a column still sees
 * its edge pixels top to bottom); the lines are then ordered as a column-by-column walk finds them
 * (column, then start), longest first. Exported for its test (against the column-by-column walk).
 */
export function edgeLines(steps: Uint8Array, width: number, height: number, minimumSideShare: number): EdgeLine[] {
  const minimum = Math.max(16, Math.round(height * minimumSideShare));
  const edgeGapPixels = Math.max(8, Math.round(height * edgeGapShare));
  const lines: EdgeLine[] = [];
  const from = new Int32Array(width).fill(-1);
  const last = new Int32Array(width).fill(-1);
  const edge = (pixel: number) => {
    const y = Math.floor(pixel / width);
    const x = pixel - y * width;
    if (x < 2 || x >= width - 1) return;
    const open = from[x] as number;
    if (open < 0 || y - (last[x] as number) > edgeGapPixels) {
      if (open >= 0 && (last[x] as number) - open + 1 >= minimum)
        lines.push({ at: x, from: open, to: last[x] as number });
      from[x] = y;
    }
    last[x] = y;
  };
  const count = width * height;
  const aligned = steps.byteOffset % 4 === 0 ? Math.floor(count / 4) : 0;
  const words = new Uint32Array(steps.buffer, aligned === 0 ? 0 : steps.byteOffset, aligned);
  for (let word = 0; word < aligned; word++) {
    if (words[word] === 0) continue;
    for (let pixel = word * 4; pixel < word * 4 + 4; pixel++) if (steps[pixel] !== 0) edge(pixel);
  }
  for (let pixel = aligned * 4; pixel < count; pixel++) if (steps[pixel] !== 0) edge(pixel);
  for (let x = 2; x < width - 1; x++) {
    const open = from[x] as number;
    if (open >= 0 && (last[x] as number) - open + 1 >= minimum)
      lines.push({ at: x, from: open, to: last[x] as number });
  }
  // A blurred step shows in two neighbouring columns: keep the longer line of each such pair.
  lines.sort((a, b) => b.to - b.from - (a.to - a.from) || a.at - b.at || a.from - b.from);
  const kept: EdgeLine[] = [];
  for (const line of lines) {
    if (kept.length >= maximumLines) break;
    if (kept.some((other) => Math.abs(other.at - line.at) <= 1 && other.from <= line.to && line.from <= other.to))
      continue;
    kept.push(line);
  }
  return kept;
}

/** True when row `y` (±2 rows) shows a vertical luma step along `horizontalCoverage` of columns `from`..`to`. */
function horizontalStep(luma: Uint8Array, width: number, height: number, from: number, to: number, y: number): boolean {
  let hits = 0;
  for (let x = from; x < to; x++) {
    for (let row = Math.max(2, y - 2); row <= Math.min(height - 1, y + 2); row++) {
      if (Math.abs((luma[row * width + x] as number) - (luma[(row - 2) * width + x] as number)) >= insetEdgeStep) {
        hits += 1;
        break;
      }
    }
  }
  return hits >= horizontalCoverage * (to - from);
}
