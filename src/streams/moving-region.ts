import type { FrameBox, RgbFrame } from '../signals/index.js';

/**
 * Side of the square cells (pixels) a frame is cut into to find where it moves: fine enough that
 * the region found is within a cell (8 px, 2 % of a 400-pixel picture) of the moving picture's
 * edge, coarse enough that a 720p frame is 14,400 cells (about 1 ms to compare).
 */
export const movementCellSize = 8;

/**
 * A cell moved when its mean luma changed by more than this between two sampled frames. Encoder
 * noise in a still area changes a cell's mean by 1–3 levels; a video playing in it, a second
 * later, almost always by more than 6.
 */
export const movementThreshold = 6;

/** A cell counts as moving when it moved in any of the last this many frame-to-frame differences. */
export const movementMemory = 3;

/**
 * The moving region is hashed only when it covers between these shares of the frame: below, it is
 * a cursor, a clock or a chat line; above, the whole picture moves and the whole frame's hash is
 * the one to look up.
 */
export const movingRegionShares = { minimum: 0.04, maximum: 0.8 } as const;

/**
 * Where a stream's picture moves: the bounding box of the largest connected area of cells whose
 * mean luma changed over the last few sampled frames. A stream that shows a video inside a still
 * frame (a screen capture with its window and toolbars, a picture-in-picture over a still
 * background) has the video there; hashing that region as well as the whole frame lets the video
 * match its banked original. Stateful: one per stream, fed its sampled frames in order.
 *
 * @example
 * const region = new MovingRegion();
 * const box = region.observe(frame); // undefined until two frames were seen, or nothing moves
 */
export class MovingRegion {
  #previous: Float32Array | undefined;
  #columns = 0;
  #rows = 0;
  readonly #masks: Uint8Array[] = [];

  /** Takes the next sampled frame; returns the moving region, or undefined (see `movingRegionShares`). */
  observe(frame: RgbFrame): FrameBox | undefined {
    const columns = Math.floor(frame.width / movementCellSize);
    const rows = Math.floor(frame.height / movementCellSize);
    if (columns < 2 || rows < 2 || frame.rgb.length < frame.width * frame.height * 3) return undefined;
    const means = cellMeans(frame, columns, rows);
    const previous = this.#previous;
    this.#previous = means;
    if (previous === undefined || columns !== this.#columns || rows !== this.#rows) {
      this.#columns = columns;
      this.#rows = rows;
      this.#masks.length = 0;
      return undefined;
    }
    const mask = new Uint8Array(columns * rows);
    for (let cell = 0; cell < mask.length; cell++)
      mask[cell] = Math.abs((means[cell] as number) - (previous[cell] as number)) > movementThreshold ? 1 : 0;
    this.#masks.push(mask);
    if (this.#masks.length > movementMemory) this.#masks.shift();
    const moving = new Uint8Array(columns * rows);
    for (const recent of this.#masks)
      for (let cell = 0; cell < moving.length; cell++)
        moving[cell] = (moving[cell] as number) | (recent[cell] as number);
    const cells = largestArea(moving, columns, rows);
    if (cells === undefined) return undefined;
    const share = (cells.width * cells.height) / (columns * rows);
    if (share < movingRegionShares.minimum || share > movingRegionShares.maximum) return undefined;
    return {
      x: cells.x * movementCellSize,
      y: cells.y * movementCellSize,
      width: Math.min(frame.width - cells.x * movementCellSize, cells.width * movementCellSize),
      height: Math.min(frame.height - cells.y * movementCellSize, cells.height * movementCellSize),
    };
  }
}

/** Mean luma of each cell (every other pixel of every other row: enough for a mean). */
function cellMeans(frame: RgbFrame, columns: number, rows: number): Float32Array {
  const means = new Float32Array(columns * rows);
  const { rgb, width } = frame;
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      let sum = 0;
      let count = 0;
      for (let dy = 0; dy < movementCellSize; dy += 2) {
        let offset = ((row * movementCellSize + dy) * width + column * movementCellSize) * 3;
        for (let dx = 0; dx < movementCellSize; dx += 2, offset += 6) {
          sum +=
            0.299 * (rgb[offset] as number) + 0.587 * (rgb[offset + 1] as number) + 0.114 * (rgb[offset + 2] as number);
          count += 1;
        }
      }
      means[row * columns + column] = sum / count;
    }
  }
  return means;
}

/** Bounding box (in cells) of the largest 4-connected area of set cells, or undefined when none is set. */
function largestArea(mask: Uint8Array, columns: number, rows: number): FrameBox | undefined {
  const seen = new Uint8Array(mask.length);
  const queue = new Int32Array(mask.length);
  let best: { size: number; box: FrameBox } | undefined;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || seen[start] === 1) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    seen[start] = 1;
    let [left, right, top, bottom] = [columns, -1, rows, -1];
    while (head < tail) {
      const cell = queue[head++] as number;
      const x = cell % columns;
      const y = (cell - x) / columns;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      const neighbours = [x > 0 ? cell - 1 : -1, x < columns - 1 ? cell + 1 : -1, y > 0 ? cell - columns : -1];
      neighbours.push(y < rows - 1 ? cell + columns : -1);
      for (const next of neighbours) {
        if (next < 0 || mask[next] === 0 || seen[next] === 1) continue;
        seen[next] = 1;
        queue[tail++] = next;
      }
    }
    if (best === undefined || tail > best.size)
      best = { size: tail, box: { x: left, y: top, width: right - left + 1, height: bottom - top + 1 } };
  }
  return best?.box;
}
