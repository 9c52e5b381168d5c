import { EngineError } from '../core/index.js';
import {
  centreBox,
  contentBox,
  cornerBoxes,
  cornerViewShare,
  type DihedralName,
  type FrameBox,
  innerViewShare,
  LumaFrame,
  type PdqDihedralResult,
} from '../signals/index.js';
import type { VideoFrame } from '../video/index.js';
import { insetBoxes, smallInsetSearch } from './inset-box.js';
import { MovingRegion } from './moving-region.js';
import type { FrameHashes, FrameView } from './stream-types.js';

/** Which robustness passes a stream frame goes through before lookup (see `hashStreamFrame`). */
export interface FrameViewOptions {
  /** Also hash the picture inside uniform borders (letterbox, pillarbox), when the frame has any. */
  readonly unletterbox: boolean;
  /** Look up the 7 other dihedral variants of every hash too (mirrored or rotated feeds). */
  readonly dihedral: boolean;
  /**
   * Also hash the region of the picture that moves (`MovingRegion`: a video inside a screen
   * capture or shown picture-in-picture over a still background), when there is one. Makes the
   * hasher stateful: one hasher per stream.
   */
  readonly moving: boolean;
  /**
   * Also hash the middle 60 % of the picture (of the unboxed picture and of the whole frame when
   * the frame has borders), matched against the same views of banked frames (`vpdq_dense`'s inner
   * lists): clear of a streamer's camera box, logo or text along the edges and in the corners.
   * Absent: false.
   */
  readonly inner?: boolean;
  /**
   * With `inner`: also cut the banked inner view as a stream cropped `streamCropShare` about its
   * centre shows it (`croppedInnerBox`: the middle two thirds of the picture), so that a stream
   * that both crops or zooms in about 10 % and lays an overlay along the edges still shows a view
   * clear of the overlay and cut as banked. Absent: false.
   */
  readonly zoomedInner?: boolean;
  /**
   * With `inner`: also cut the banked inner view as a stream cropped `streamCropShare` towards
   * each of the four corners shows it (four more views; eight for a frame with borders), for
   * streams that frame one side of the picture. Costly for what it covers (one crop size, four
   * anchors): off by default. Absent: false.
   */
  readonly offCentreInner?: boolean;
  /**
   * Also hash a picture-in-picture inset or a window (`insetBox`: the largest rectangle whose
   * four sides are straight luma steps, found in the frame alone), when there is one and it is
   * not the unboxed picture or the moving region already hashed. Absent: false.
   */
  readonly inset?: boolean;
  /**
   * With `inset`: search for insets down to 1 % of the frame (sides down to 10 %) and hash up to
   * three of them (`smallInsetSearch`), for a picture-in-picture smaller than the inset view finds
   * (under 4 % of the frame). Absent: false.
   */
  readonly smallInsets?: boolean;
  /**
   * Also hash the four corners of the picture (of the unboxed picture when `unletterbox` finds
   * borders), `cornerViewShare` (45 %) of each side, as views `quarter`: they match only the
   * corner lists of banks whose `videoViews` hold `corners` (a scaled-down stream under a
   * fixed-size overlay keeps one corner clear). Four views more, for one kind of stream and one
   * kind of bank: off by default (`prevail watch --extra-views corners`, `prevail serve
   * --stream-extra-views corners`). Absent: false.
   */
  readonly corners?: boolean;
}

/**
 * What streams do by default: every pass but the off-centre inner views, the small-inset
 * search and the corners (each costly for one kind of stream; `extraFrameViews` names them, and
 * `prevail watch --extra-views` and `prevail serve --stream-extra-views` turn them on) (measured in
 * `npm run bench -- stream-quality` and `stream-probe`, docs/streams.md: the moving region found 6
 * of 8 screen captures that nothing else found; the inner view 5 of 8 overlaid streams and the
 * inset 5 of 8 pictures-in-picture, where nothing matched before; the zoomed inner view took a
 * 10 % crop with an overlay from 10 to 37 of 71 sampled frames matched offline; no false match).
 */
export const defaultFrameViews: FrameViewOptions = {
  unletterbox: true,
  dihedral: true,
  moving: true,
  inner: true,
  zoomedInner: true,
  inset: true,
};

/**
 * The views off by default that an operator may turn on, by the name the settings use (docs/streams.md,
 * Robustness: their cost and gain): `small-insets` (a picture-in-picture under 4 % of the frame),
 * `off-centre` (the inner view of a stream cropped towards a corner), `corners` (the picture's four
 * corners, for banks whose `videoViews` hold `corners`). The one list of these names: the CLI's
 * `watch --extra-views`, `serve --stream-extra-views`, `PREVAIL_STREAM_EXTRA_VIEWS` and
 * `StreamSettings.extraViews` all read it through `parseExtraFrameViews` or `checkExtraFrameViews`.
 */
export const extraFrameViews = {
  'small-insets': { smallInsets: true },
  'off-centre': { offCentreInner: true },
  corners: { corners: true },
} as const satisfies Record<string, Partial<FrameViewOptions>>;

/** The name of one view off by default (see `extraFrameViews`). */
export type ExtraFrameView = keyof typeof extraFrameViews;

/** Longest list text `parseExtraFrameViews` reads: the three names fit many times over. */
const maxExtraViewsText = 200;

/**
 * Checks a list of extra view names (`StreamSettings.extraViews`, or what `parseExtraFrameViews`
 * split) and returns it without repeats, in the order given. `setting` names where the list came
 * from, for the message.
 *
 * @throws EngineError `CONFIG_INVALID` for a name that is not in `extraFrameViews` (its own
 *   properties only: `toString` is no view), or anything but strings.
 */
export function checkExtraFrameViews(names: readonly unknown[], setting: string): ExtraFrameView[] {
  if (!Array.isArray(names)) throw new EngineError('CONFIG_INVALID', `${setting}: expected a list of view names`);
  for (const name of names) {
    if (typeof name !== 'string' || !Object.hasOwn(extraFrameViews, name)) {
      const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 40)) : typeof name;
      throw new EngineError(
        'CONFIG_INVALID',
        `${setting}: unknown view ${shown} (expected ${Object.keys(extraFrameViews).join(', ')})`,
      );
    }
  }
  return [...new Set(names as ExtraFrameView[])];
}

/**
 * Parses a comma-separated list of extra view names (`small-insets,off-centre,corners`; spaces
 * around names are ignored). `setting` names the flag or variable it came from, for the message.
 *
 * @throws EngineError `CONFIG_INVALID` when the text is longer than 200 characters, names no view
 *   (empty, or commas only), or names a view that is not in `extraFrameViews`.
 * @example parseExtraFrameViews('corners, small-insets', '--stream-extra-views') // ['corners', 'small-insets']
 */
export function parseExtraFrameViews(text: string, setting: string): ExtraFrameView[] {
  if (text.length > maxExtraViewsText) {
    throw new EngineError(
      'CONFIG_INVALID',
      `${setting}: at most ${maxExtraViewsText} characters, got ${text.length} (expected names among ${Object.keys(extraFrameViews).join(', ')})`,
    );
  }
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) {
    throw new EngineError(
      'CONFIG_INVALID',
      `${setting}: names no view (expected one or more of ${Object.keys(extraFrameViews).join(', ')}, comma-separated)`,
    );
  }
  return checkExtraFrameViews(names, setting);
}

/** The default views with the extra views `extra` turned on as well. */
export function frameViewsWith(extra: readonly ExtraFrameView[]): FrameViewOptions {
  return Object.assign({}, defaultFrameViews, ...extra.map((name) => extraFrameViews[name]));
}

/**
 * The crop the zoomed and off-centre inner views assume: a stream showing 90 % of each side of
 * the picture (the crop the banked centre list is for, `centreViewShare` of `src/signals/vpdq/`).
 */
const streamCropShare = 0.9;

/**
 * Where a stream cropped to `cropShare` of each side, anchored at (`anchorX`, `anchorY`) (0: the
 * left or top edge kept, 0.5: centred, 1: the right or bottom edge kept), shows the banked inner
 * view (the middle `innerViewShare` of the original picture) within its own `picture`. Centred at
 * 0.9 it is the middle two thirds of the picture.
 *
 * @example croppedInnerBox({ x: 0, y: 0, width: 480, height: 270 }, 0.9, 0.5, 0.5) // { x: 80, y: 45, width: 320, height: 180 }
 */
export function croppedInnerBox(picture: FrameBox, cropShare: number, anchorX: number, anchorY: number): FrameBox {
  const margin = (1 - innerViewShare) / 2;
  const side = (length: number, anchor: number) => ({
    from: Math.round((length * (margin - anchor * (1 - cropShare))) / cropShare),
    size: Math.min(length, Math.round((length * innerViewShare) / cropShare)),
  });
  const across = side(picture.width, anchorX);
  const down = side(picture.height, anchorY);
  return {
    x: picture.x + Math.max(0, Math.min(across.from, picture.width - across.size)),
    y: picture.y + Math.max(0, Math.min(down.from, picture.height - down.size)),
    width: across.size,
    height: down.size,
  };
}

/** The corners the off-centre inner views assume the crop is anchored at. */
const cropCorners = [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
] as const;

/** The view `name` of the frame: its rectangle `box`, hashed from the frame's luma (`LumaFrame`). */
function view(name: FrameView['view'], luma: LumaFrame, box: FrameBox, dihedral: boolean): FrameView {
  if (!dihedral) return { view: name, ...luma.hash(box) };
  const { hashes, quality }: PdqDihedralResult = luma.hashDihedral(box);
  const variants: Partial<Record<DihedralName, string>> = { ...hashes };
  delete variants.original;
  return { view: name, hash: hashes.original, quality, variants };
}

/**
 * A frame hasher for streams with the chosen robustness passes: the PDQ of the whole frame at
 * native size (as `hashVideoFrame`: what is reported), and, with `unletterbox`, the PDQ of the
 * picture inside the frame's uniform borders when there are any (`contentBox`); with `dihedral`,
 * each hash comes with its seven dihedral variants, computed from the same DCT (a mirrored feed
 * shows the banked picture flipped left to right: `flipY`). The frame pipeline looks up every
 * view and every variant and keeps each banked item's closest match.
 *
 * Banked videos are hashed as they are (vPDQ, whole frames): a banked original without borders
 * is its own "inside", and a banked original with borders still matches the stream's whole-frame
 * view, so banks need no re-hashing.
 *
 * @example
 * const hashFrame = frameHasher(defaultFrameViews);
 * const { hash, quality, views } = hashFrame(frame);
 */
export function frameHasher(options: FrameViewOptions): (frame: VideoFrame) => FrameHashes {
  const region = options.moving ? new MovingRegion() : undefined;
  return (frame) => hashFrameViews(frame, options, region?.observe(frame));
}

/**
 * The views of one frame (see `frameHasher`), stateless: the whole frame, the unboxed picture
 * when `options.unletterbox` and the frame has borders, and the region `moving` when given (found
 * by the stream's `MovingRegion`, which keeps state: the frame hashing pool finds it on the main
 * thread and hashes it in a worker).
 */
export function hashFrameViews(frame: VideoFrame, options: FrameViewOptions, moving?: FrameBox): FrameHashes {
  // The inset search first: it uses the kernels' memory, so after the luma it would make the
  // frame's luma be computed again for the inset view.
  const insets =
    options.inset !== true
      ? []
      : options.smallInsets === true
        ? insetBoxes(frame, smallInsetSearch)
        : insetBoxes(frame);
  // The frame's luma once; every view hashes its rectangle of it, bit for bit as its pixels cut out.
  const luma = new LumaFrame({ width: frame.width, height: frame.height, channels: 3, data: frame.rgb });
  const crop = (name: FrameView['view'], box: FrameBox) => view(name, luma, box, options.dihedral);
  const whole = crop('frame', { x: 0, y: 0, width: frame.width, height: frame.height });
  const views: FrameView[] = [];
  const box = options.unletterbox ? contentBox(frame) : undefined;
  if (box !== undefined) views.push(crop('unboxed', box));
  // The moving region is cut on 8-pixel cells, so its box carries up to 7 pixels of the still
  // frame around the picture (the window's background): enough to move a 400-pixel picture's PDQ
  // past the match distance. An inset found by its edges is exact to the pixel, so when both name
  // the same picture the inset is hashed instead.
  const movingView = moving !== undefined && !insets.some((inset) => sameBox(moving, inset)) ? moving : undefined;
  if (movingView !== undefined) views.push(crop('moving', movingView));
  if (options.inner === true) {
    // Of the unboxed picture, and of the whole frame too when it has borders: an overlay over a
    // bar breaks it, so the box found is then lopsided, while banking cut the whole frame's middle
    // as well for videos with bars (`hashDenseViews`' `boxedInner`).
    const whole = { x: 0, y: 0, width: frame.width, height: frame.height };
    for (const picture of box === undefined ? [whole] : [box, whole]) {
      const middle = centreBox(picture.width, picture.height, innerViewShare);
      views.push(crop('inner', { ...middle, x: picture.x + middle.x, y: picture.y + middle.y }));
      if (options.zoomedInner === true) views.push(crop('zoomed', croppedInnerBox(picture, streamCropShare, 0.5, 0.5)));
      if (options.offCentreInner === true)
        for (const [anchorX, anchorY] of cropCorners)
          views.push(crop('corner', croppedInnerBox(picture, streamCropShare, anchorX, anchorY)));
    }
  }
  if (options.corners === true) {
    const picture = box ?? { x: 0, y: 0, width: frame.width, height: frame.height };
    for (const corner of cornerBoxes(picture.width, picture.height, cornerViewShare))
      views.push(crop('quarter', { ...corner, x: picture.x + corner.x, y: picture.y + corner.y }));
  }
  for (const inset of insets) if (box === undefined || !sameBox(box, inset)) views.push(crop('inset', inset));
  return { ...whole, views };
}

/** Two boxes within 4 pixels of each other on every side (one picture found twice). */
function sameBox(a: FrameBox, b: FrameBox): boolean {
  return (
    Math.abs(a.x - b.x) <= 4 &&
    Math.abs(a.y - b.y) <= 4 &&
    Math.abs(a.x + a.width - b.x - b.width) <= 4 &&
    Math.abs(a.y + a.height - b.y - b.height) <= 4
  );
}
