/**
 * Views of a banked video's frames that its `vpdq_dense` holds only when asked (a bank's
 * `videoViews` setting, passed down with the content to hash): each costs bank memory that only
 * some streams repay, so none is on by default. (Whole signals a bank may add, such as TMK+PDQF,
 * are its `videoSignals`: `optionalVideoSignalNames`.)
 *
 * - `corners`: the four corners of the picture, 45 % of each side (`cornerViewShare`), each its
 *   own list. For streams that scale the video down and lay a fixed-size overlay (camera box,
 *   text band, logo) over it, which then covers most of the picture but one corner; measured in
 *   `npm run bench -- stream-probe` (docs/streams.md, "Scale + overlay: banked corners").
 */
export const extraVideoViewNames = ['corners'] as const;

/** One of `extraVideoViewNames`. */
export type ExtraVideoView = (typeof extraVideoViewNames)[number];

/** True when `name` is one of `extraVideoViewNames`. */
export function isExtraVideoView(name: unknown): name is ExtraVideoView {
  return (extraVideoViewNames as readonly unknown[]).includes(name);
}
