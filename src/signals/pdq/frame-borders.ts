/**
 * Uniform borders of a frame: letterbox bars (top and bottom), pillarbox bars (left and right), or
 * both (a 4:3 picture in a 16:9 frame shown in a 4:3 player). Streams add them when they fit a
 * picture of one shape into a frame of another; PDQ hashes the whole frame, so a banked picture
 * with bars around it is more than 100 bits away from itself without (vPDQ's note: the
 * letterboxed sample matches 0 % of its original). Cropping them before hashing, as
 * python-threatexchange's `unletterboxing.py` does, gives the original's hash back.
 */

/** A rectangle of a frame, in pixels. */
export interface FrameBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** An RGB24 frame, row-major, `width × height × 3` bytes (a `VideoFrame` fits). */
export interface RgbFrame {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/**
 * How far (in 8-bit luma) a pixel of a bar may stray from the bar's colour. Bars are flat in the
 * source, but a lossy encoder adds noise to them: at low bitrates H.264 leaves ±2–6 in flat areas
 * and more near the edge of the picture (ringing). 24 keeps noisy bars (measured on low-bitrate
 * re-encodes in `npm run bench -- stream-quality`) and still stops at the picture: a row of a
 * real scene almost never stays within ±24 of one colour over its whole width.
 */
export const borderLumaTolerance = 24;

/**
 * Share of a line's pixels that may stray further than the tolerance and still count as bar: a
 * channel logo or a few noisy pixels in a bar do not end it, a line of picture (which strays on
 * most of its pixels) does.
 */
export const borderOutlierShare = 0.02;

/**
 * Borders narrower than this share of the side are ignored: one or two flat lines at an edge
 * (encoder padding, a dark first row) change the hash by a few bits at most, and hashing the frame
 * a second time for them is wasted work.
 */
export const minimumBorderShare = 0.02;

/**
 * The picture left after cropping must keep at least this share of each side; otherwise the frame
 * is taken as mostly flat (a black screen, a fade) and nothing is cropped: such frames have PDQ
 * quality below 50 and are not matched anyway.
 */
export const minimumContentShare = 0.25;

/** Luma of one pixel, integer approximation of Y = 0.299 R + 0.587 G + 0.114 B (enough to find bars). */
function lumaAt(rgb: Uint8Array, offset: number): number {
  return (77 * (rgb[offset] as number) + 150 * (rgb[offset + 1] as number) + 29 * (rgb[offset + 2] as number)) >> 8;
}

/**
 * Whether the line of `count` pixels starting at `start` (pixel index), `step` pixels apart, is
 * bar: uniform around `colour` but for `borderOutlierShare` of its pixels.
 */
function isBarLine(frame: RgbFrame, start: number, step: number, count: number, colour: number): boolean {
  const allowed = Math.floor(count * borderOutlierShare);
  let outliers = 0;
  for (let k = 0, pixel = start; k < count; k++, pixel += step) {
    if (Math.abs(lumaAt(frame.rgb, pixel * 3) - colour) > borderLumaTolerance) {
      outliers += 1;
      if (outliers > allowed) return false;
    }
  }
  return true;
}

/** Median luma of a line (the bar's colour when the line is bar: robust to a logo or noise). */
function lineColour(frame: RgbFrame, start: number, step: number, count: number): number {
  const values = new Uint8Array(count);
  for (let k = 0, pixel = start; k < count; k++, pixel += step) values[k] = lumaAt(frame.rgb, pixel * 3);
  values.sort();
  return values[count >> 1] as number;
}

/**
 * How many lines from one edge are bar: lines are read inward from the edge while they stay
 * uniform around the colour of the edge line itself. `line(k)` gives the k-th line's start and step.
 */
function barDepth(
  frame: RgbFrame,
  lines: number,
  count: number,
  line: (k: number) => { start: number; step: number },
): number {
  const edge = line(0);
  const colour = lineColour(frame, edge.start, edge.step, count);
  let depth = 0;
  while (depth < lines) {
    const { start, step } = line(depth);
    if (!isBarLine(frame, start, step, count, colour)) break;
    depth += 1;
  }
  return depth;
}

/**
 * The picture inside a frame's uniform borders (letterbox, pillarbox or both), or `undefined`
 * when the frame has no border worth cropping (see `minimumBorderShare`) or is mostly flat (see
 * `minimumContentShare`). Each side is found on its own: rows from the top while every row stays
 * within `borderLumaTolerance` of the top row's colour (up to `borderOutlierShare` of its pixels
 * excepted), and likewise from the bottom, then columns from the left and the right within the
 * rows left. Bars of any colour are found (black, grey, any flat colour); a bar's two
 * sides need not match. Pure: the frame is only read.
 *
 * @example
 * const box = contentBox(frame); // { x: 0, y: 60, width: 640, height: 240 } for a 640×360 letterbox
 */
export function contentBox(frame: RgbFrame): FrameBox | undefined {
  const { width, height } = frame;
  if (width < 8 || height < 8 || frame.rgb.length < width * height * 3) return undefined;
  const top = barDepth(frame, height, width, (k) => ({ start: k * width, step: 1 }));
  if (top >= height) return undefined; // one flat colour: nothing to crop to
  const bottom = barDepth(frame, height - top, width, (k) => ({ start: (height - 1 - k) * width, step: 1 }));
  const rows = height - top - bottom;
  const left = barDepth(frame, width, rows, (k) => ({ start: top * width + k, step: width }));
  const right = barDepth(frame, width - left, rows, (k) => ({ start: top * width + width - 1 - k, step: width }));
  const columns = width - left - right;
  const box = {
    x: left < width * minimumBorderShare ? 0 : left,
    y: top < height * minimumBorderShare ? 0 : top,
    width: 0,
    height: 0,
  };
  const keptRight = right < width * minimumBorderShare ? 0 : right;
  const keptBottom = bottom < height * minimumBorderShare ? 0 : bottom;
  const cropped = { ...box, width: width - box.x - keptRight, height: height - box.y - keptBottom };
  if (cropped.width === width && cropped.height === height) return undefined;
  if (columns < width * minimumContentShare || rows < height * minimumContentShare) return undefined;
  return cropped;
}

/** A copy of the frame's pixels inside `box` (RGB24, row-major). */
export function cropRgb(frame: RgbFrame, box: FrameBox): Uint8Array {
  const out = new Uint8Array(box.width * box.height * 3);
  const rowBytes = box.width * 3;
  for (let row = 0; row < box.height; row++) {
    const from = ((box.y + row) * frame.width + box.x) * 3;
    out.set(frame.rgb.subarray(from, from + rowBytes), row * rowBytes);
  }
  return out;
}

/**
 * The middle `share` of a `width`×`height` picture (the same share of each side, centred): the
 * box banking and stream watching both cut for their centre views, so that the two agree to the
 * pixel.
 */
export function centreBox(width: number, height: number, share: number): FrameBox {
  const boxWidth = Math.round(width * share);
  const boxHeight = Math.round(height * share);
  return {
    x: Math.floor((width - boxWidth) / 2),
    y: Math.floor((height - boxHeight) / 2),
    width: boxWidth,
    height: boxHeight,
  };
}

/**
 * The four corners of a `width`×`height` picture, `share` of each side each (top left, top right,
 * bottom left, bottom right; they overlap when `share` > 0.5): the boxes banking (`vpdq_dense`'s
 * corner lists) and stream watching (the `corners` view) both cut, so that the two agree to the
 * pixel.
 *
 * @example cornerBoxes(200, 100, 0.45)[3] // { x: 110, y: 55, width: 90, height: 45 }
 */
export function cornerBoxes(width: number, height: number, share: number): FrameBox[] {
  const boxWidth = Math.round(width * share);
  const boxHeight = Math.round(height * share);
  return [
    [0, 0],
    [width - boxWidth, 0],
    [0, height - boxHeight],
    [width - boxWidth, height - boxHeight],
  ].map(([x, y]) => ({ x: x as number, y: y as number, width: boxWidth, height: boxHeight }));
}
