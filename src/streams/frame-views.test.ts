import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  centreBox,
  contentBox,
  cropRgb,
  type FrameBox,
  hashPixels,
  hashPixelsDihedral,
  innerViewShare,
  type PdqHash,
  pdqDistance,
} from '../signals/index.js';
import {
  checkExtraFrameViews,
  croppedInnerBox,
  defaultFrameViews,
  extraFrameViews,
  frameHasher,
  frameViewsWith,
  hashFrameViews,
  parseExtraFrameViews,
} from './frame-views.js';
import { insetBoxes, smallInsetSearch } from './inset-box.js';
import type { FrameView } from './stream-types.js';

/** A smooth synthetic scene (plainly fake: gradients and blobs), RGB24, with PDQ quality ≥ 50. */
function scene(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = 128 + 60 * Math.sin(x / 9) * Math.cos(y / 13) + 50 * Math.sin((x + 2 * y) / 31) + (x / width) * 20;
      rgb.set([value, value, value], (y * width + x) * 3);
    }
  }
  return rgb;
}

function mirror(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      out.set(rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3), (y * width + width - 1 - x) * 3);
  return out;
}

describe('frameHasher (the views of a stream frame that are looked up)', () => {
  const width = 192;
  const height = 108;
  const original = scene(width, height);
  const banked = hashPixels({ width, height, channels: 3, data: original });

  test('a letterboxed frame: its unboxed view hashes as the original picture; the whole frame does not', () => {
    const boxed = new Uint8Array(width * 192 * 3);
    boxed.set(original, 42 * width * 3);
    const frame = { index: 0, timestamp: 0, width, height: 192, rgb: boxed };
    const hashed = frameHasher({ unletterbox: true, dihedral: false, moving: false })(frame);
    assert.ok(pdqDistance(hashed.hash as PdqHash, banked.hash) > 31, 'the bars move the whole-frame hash away');
    assert.equal(hashed.views?.length, 1);
    assert.equal(hashed.views?.[0]?.view, 'unboxed');
    assert.equal(hashed.views?.[0]?.hash, banked.hash);
    assert.deepEqual(frameHasher({ unletterbox: false, dihedral: false, moving: false })(frame).views, []);
  });

  test("a frame without borders has no other view, and its hash is the whole frame's", () => {
    const hashed = frameHasher({ unletterbox: true, dihedral: false, moving: false })({
      index: 0,
      timestamp: 0,
      width,
      height,
      rgb: original,
    });
    assert.deepEqual(hashed.views, []);
    assert.equal(hashed.hash, banked.hash);
    assert.equal(hashed.variants, undefined);
  });

  test('a mirrored frame: its flipY variant is within the match threshold of the original', () => {
    const frame = { index: 0, timestamp: 0, width, height, rgb: mirror(original, width, height) };
    const hashed = frameHasher({ unletterbox: true, dihedral: true, moving: false })(frame);
    assert.ok(pdqDistance(hashed.hash as PdqHash, banked.hash) > 31, 'mirrored, the plain hash does not match');
    assert.equal(Object.keys(hashed.variants ?? {}).length, 7);
    assert.ok(pdqDistance((hashed.variants?.flipY ?? '') as PdqHash, banked.hash) <= 31);
  });

  test('the inner view is the middle 60 % of the picture, cut as banking cuts it: overlays in the corners leave it as banked', () => {
    const middle = centreBox(width, height, innerViewShare);
    const bankedInner = hashPixels({
      width: middle.width,
      height: middle.height,
      channels: 3,
      data: cropRgb({ width, height, rgb: original }, middle),
    }).hash;
    // A "camera box" in the bottom right corner and a "logo" in the top left (flat blocks, plainly fake).
    const overlaid = original.slice();
    const paint = (x0: number, y0: number, x1: number, y1: number, colour: number[]) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) overlaid.set(colour, (y * width + x) * 3);
    };
    paint(width - 36, height - 20, width, height, [230, 40, 40]);
    paint(2, 2, 36, 20, [250, 250, 250]);
    const views = { unletterbox: true, dihedral: false, moving: false, inner: true } as const;
    const hashed = frameHasher(views)({ index: 0, timestamp: 0, width, height, rgb: overlaid });
    assert.notEqual(hashed.hash, banked.hash, 'the overlays change the whole frame');
    assert.equal(hashed.views?.find((view) => view.view === 'inner')?.hash, bankedInner);
    // Letterboxed, the inner view is cut from the picture inside the bars: the same pixels again.
    const boxed = new Uint8Array(width * 192 * 3);
    boxed.set(original, 42 * width * 3);
    const boxedHashes = frameHasher(views)({ index: 0, timestamp: 0, width, height: 192, rgb: boxed });
    assert.equal(boxedHashes.views?.find((view) => view.view === 'inner')?.hash, bankedInner);
  });

  test('the zoomed inner view is the banked inner view as a stream cropped 10 % about its centre shows it', () => {
    const [w, h] = [360, 200];
    const picture = scene(w, h);
    const middle = centreBox(w, h, innerViewShare);
    const bankedInner = hashPixels({
      width: middle.width,
      height: middle.height,
      channels: 3,
      data: cropRgb({ width: w, height: h, rgb: picture }, middle),
    }).hash;
    // The stream: the middle 90 % (324×180 at 18, 10), scaled back up to 360×200 (bilinear).
    const stream = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const [sx, sy] = [18 + (x + 0.5) * 0.9 - 0.5, 10 + (y + 0.5) * 0.9 - 0.5];
        const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
        const [fx, fy] = [sx - x0, sy - y0];
        const at = (px: number, py: number) => picture[(py * w + px) * 3] as number;
        const value =
          at(x0, y0) * (1 - fx) * (1 - fy) +
          at(x0 + 1, y0) * fx * (1 - fy) +
          at(x0, y0 + 1) * (1 - fx) * fy +
          at(x0 + 1, y0 + 1) * fx * fy;
        stream.fill(Math.round(value), (y * w + x) * 3, (y * w + x) * 3 + 3);
      }
    }
    const hashed = frameHasher({ ...defaultFrameViews, dihedral: false, moving: false, inset: false })({
      index: 0,
      timestamp: 0,
      width: w,
      height: h,
      rgb: stream,
    });
    const zoomed = hashed.views?.find((view) => view.view === 'zoomed')?.hash as PdqHash;
    const inner = hashed.views?.find((view) => view.view === 'inner')?.hash as PdqHash;
    assert.ok(pdqDistance(zoomed, bankedInner) <= 31, `zoomed: ${pdqDistance(zoomed, bankedInner)} bits`);
    assert.ok(pdqDistance(zoomed, bankedInner) < pdqDistance(inner, bankedInner), 'nearer than the plain inner view');
    assert.equal(
      hashed.views?.filter((view) => view.view === 'corner').length,
      0,
      'off-centre views are off by default',
    );
  });

  test('smallInsets: a picture-in-picture under 4 % of the frame is hashed as an inset view, as the original', () => {
    // The scene at 192×108 pasted at 1:1 into a flat 1152×648 frame (2.8 % of it), bottom right.
    const frameWidth = 1152;
    const frameHeight = 648;
    const rgb = new Uint8Array(frameWidth * frameHeight * 3).fill(40);
    const at = { x: frameWidth - width - 32, y: frameHeight - height - 32 };
    for (let y = 0; y < height; y++)
      rgb.set(original.subarray(y * width * 3, (y + 1) * width * 3), ((at.y + y) * frameWidth + at.x) * 3);
    const frame = { index: 0, timestamp: 0, width: frameWidth, height: frameHeight, rgb };
    const options = { unletterbox: false, dihedral: false, moving: false, inset: true };
    assert.deepEqual(frameHasher(options)(frame).views, [], 'under 4 %, the inset view finds nothing');
    const insets = (frameHasher({ ...options, smallInsets: true })(frame).views ?? []).filter(
      (view) => view.view === 'inset',
    );
    assert.ok(insets.length >= 1, 'the small-inset search hashes the inset');
    const nearest = Math.min(...insets.map((view) => pdqDistance(view.hash as PdqHash, banked.hash)));
    assert.ok(nearest <= 8, `the inset hashes as the original picture: ${nearest} bits`);
  });

  test('a window in a screen capture: the inset found by its edges is hashed, not the moving region cut on 8-pixel cells around it', () => {
    // The picture at 400×225 in a flat 640×360 desktop at (140, 60), as the stream-quality bench's
    // screen capture draws it; the moving region's cells (8 px) then reach 4 px past every side.
    const [frameWidth, frameHeight] = [640, 360];
    const [pictureWidth, pictureHeight] = [400, 225];
    const picture = scene(pictureWidth, pictureHeight);
    const rgb = new Uint8Array(frameWidth * frameHeight * 3).fill(30);
    // An editor's title bar, side bar and status bar, so that the desktop has no uniform border.
    const fill = (x: number, y: number, w: number, h: number, value: number) => {
      for (let row = y; row < y + h; row++) rgb.fill(value, (row * frameWidth + x) * 3, (row * frameWidth + x + w) * 3);
    };
    fill(0, 0, frameWidth, 28, 60);
    fill(0, 28, 100, frameHeight - 48, 37);
    fill(0, frameHeight - 20, frameWidth, 20, 110);
    for (let y = 0; y < pictureHeight; y++)
      rgb.set(picture.subarray(y * pictureWidth * 3, (y + 1) * pictureWidth * 3), ((60 + y) * frameWidth + 140) * 3);
    const frame = { index: 0, timestamp: 0, width: frameWidth, height: frameHeight, rgb };
    const movingCells = { x: 136, y: 56, width: 408, height: 232 };
    const own = hashPixels({ width: pictureWidth, height: pictureHeight, channels: 3, data: picture });
    const { views = [] } = hashFrameViews(frame, { ...defaultFrameViews, dihedral: false }, movingCells);
    const insets = views.filter((view) => view.view === 'inset');
    assert.equal(insets.length, 1, 'the window is found by its edges');
    assert.ok(
      pdqDistance(insets[0]?.hash as PdqHash, own.hash) <= 8,
      `the inset hashes as the picture: ${pdqDistance(insets[0]?.hash as PdqHash, own.hash)} bits`,
    );
    assert.equal(views.filter((view) => view.view === 'moving').length, 0, 'the cell-cut box is not hashed as well');
    // A moving region that is not the inset is still hashed.
    const elsewhere = { x: 8, y: 8, width: 96, height: 96 };
    const other = hashFrameViews(frame, { ...defaultFrameViews, dihedral: false }, elsewhere).views ?? [];
    assert.equal(other.filter((view) => view.view === 'moving').length, 1);
  });

  test('croppedInnerBox: centred, it is the middle two thirds; anchored, it moves towards the kept edge', () => {
    const picture = { x: 0, y: 0, width: 480, height: 270 };
    assert.deepEqual(croppedInnerBox(picture, 0.9, 0.5, 0.5), { x: 80, y: 45, width: 320, height: 180 });
    assert.deepEqual(croppedInnerBox(picture, 0.9, 0, 0), { x: 107, y: 60, width: 320, height: 180 });
    assert.deepEqual(croppedInnerBox(picture, 0.9, 1, 1), { x: 53, y: 30, width: 320, height: 180 });
    // Within a boxed picture, and never outside it.
    assert.deepEqual(croppedInnerBox({ x: 60, y: 0, width: 360, height: 270 }, 0.9, 0.5, 0.5), {
      x: 120,
      y: 45,
      width: 240,
      height: 180,
    });
    const tiny = croppedInnerBox({ x: 0, y: 0, width: 3, height: 3 }, 0.5, 0, 1);
    assert.ok(tiny.x >= 0 && tiny.y >= 0 && tiny.x + tiny.width <= 3 && tiny.y + tiny.height <= 3);
  });
});

/**
 * The views of a frame computed the straightforward way (each view's pixels copied out with
 * `cropRgb`, then hashed with its dihedral variants, as `hashFrameViews` did before it hashed
 * rectangles of one luma), in `hashFrameViews`' order, with every view on.
 */
function straightforwardViews(rgb: Uint8Array, width: number, height: number, moving: FrameBox): FrameView[] {
  const frame = { width, height, rgb };
  const hashed = (name: FrameView['view'], box: FrameBox): FrameView => {
    const { hashes, quality } = hashPixelsDihedral({
      width: box.width,
      height: box.height,
      channels: 3,
      data: cropRgb(frame, box),
    });
    const { original, ...variants } = hashes;
    return { view: name, hash: original, quality, variants };
  };
  const views: FrameView[] = [hashed('frame', { x: 0, y: 0, width, height })];
  const box = contentBox(frame);
  if (box !== undefined) views.push(hashed('unboxed', box));
  views.push(hashed('moving', moving));
  const whole = { x: 0, y: 0, width, height };
  for (const picture of box === undefined ? [whole] : [box, whole]) {
    const middle = centreBox(picture.width, picture.height, innerViewShare);
    views.push(hashed('inner', { ...middle, x: picture.x + middle.x, y: picture.y + middle.y }));
    views.push(hashed('zoomed', croppedInnerBox(picture, 0.9, 0.5, 0.5)));
    for (const [x, y] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ] as const)
      views.push(hashed('corner', croppedInnerBox(picture, 0.9, x, y)));
  }
  for (const inset of insetBoxes(frame, smallInsetSearch)) views.push(hashed('inset', inset));
  return views;
}

describe('hashFrameViews: every view hashes as its pixels cut out', () => {
  test('a letterboxed frame with an inset and a moving region: each view bit for bit as cropRgb + hashPixelsDihedral', () => {
    // A 640×360 frame: bars of 45 rows, the scene scaled into the picture, a flat inset pasted in.
    const [frameWidth, frameHeight] = [640, 360];
    const picture = scene(frameWidth, 270);
    const rgb = new Uint8Array(frameWidth * frameHeight * 3);
    rgb.set(picture, 45 * frameWidth * 3);
    const pip = scene(160, 90).map((value) => 255 - value);
    for (let y = 0; y < 90; y++)
      rgb.set(pip.subarray(y * 160 * 3, (y + 1) * 160 * 3), ((230 + y) * frameWidth + 440) * 3);
    const moving = { x: 96, y: 120, width: 200, height: 104 };
    const options = { ...defaultFrameViews, offCentreInner: true, smallInsets: true };
    const { views, ...whole } = hashFrameViews(
      { index: 0, timestamp: 0, width: frameWidth, height: frameHeight, rgb },
      options,
      moving,
    );
    const expected = straightforwardViews(rgb, frameWidth, frameHeight, moving);
    assert.ok(
      expected.some((view) => view.view === 'inset'),
      'the frame has an inset view',
    );
    assert.ok(
      expected.some((view) => view.view === 'unboxed'),
      'and an unboxed view',
    );
    assert.deepEqual([{ view: 'frame', ...whole }, ...(views ?? [])], expected);
    // Without the dihedral variants, each hash is `hashPixels` of the same pixels.
    const plain = hashFrameViews(
      { index: 0, timestamp: 0, width: frameWidth, height: frameHeight, rgb },
      { ...options, dihedral: false },
      moving,
    );
    assert.deepEqual(
      [plain.hash, ...(plain.views ?? []).map((view) => view.hash)],
      expected.map((view) => view.hash),
    );
  });
});

describe('extra views: the one list of names, and its parsing', () => {
  test('parseExtraFrameViews: names in any order, spaces around them, repeats once; frameViewsWith turns them on', () => {
    assert.deepEqual(parseExtraFrameViews(' corners , small-insets,corners', 'X'), ['corners', 'small-insets']);
    assert.deepEqual(Object.keys(extraFrameViews), ['small-insets', 'off-centre', 'corners']);
    const views = frameViewsWith(parseExtraFrameViews('corners,off-centre', 'X'));
    assert.equal(views.corners, true);
    assert.equal(views.offCentreInner, true);
    assert.equal(views.smallInsets, undefined);
    assert.deepEqual(frameViewsWith([]), defaultFrameViews);
    assert.equal(defaultFrameViews.corners, undefined, 'the defaults are not changed');
  });

  test('hostile lists are CONFIG_INVALID, naming the setting: unknown names, empty, NUL, huge, inherited properties', () => {
    const refused = (text: string, message: RegExp) =>
      assert.throws(
        () => parseExtraFrameViews(text, 'PREVAIL_STREAM_EXTRA_VIEWS'),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'CONFIG_INVALID');
          assert.match(error.message, /^PREVAIL_STREAM_EXTRA_VIEWS: /);
          assert.match(error.message, message);
          return true;
        },
      );
    refused('corner', /unknown view "corner" \(expected small-insets, off-centre, corners\)/);
    refused('', /names no view/);
    refused(' , ,', /names no view/);
    refused('corners\u0000', /unknown view "corners\\u0000"/);
    refused('toString', /unknown view "toString"/);
    refused('__proto__', /unknown view "__proto__"/);
    refused(`corners,${'x'.repeat(100_000)}`, /at most 200 characters, got 100008/);
    assert.throws(() => checkExtraFrameViews(['corners', 7], 'extraViews'), /extraViews: unknown view number/);
  });
});
