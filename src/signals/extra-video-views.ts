/**
 * Views of a banked video's frames that a bank holds only when asked (its `videoViews` setting,
 * passed down with the content to hash): each costs bank memory or hashing time that only some
 * content repays, so none is on by default.
 *
 * - `corners`: the four corners of the picture, 45 % of each side (`cornerViewShare`), each its
 *   own list. For streams that scale the video down and lay a fixed-size overlay (camera box,
 *   text band, logo) over it, which then covers most of the picture but one corner; measured in
 *   `npm run bench -- stream-probe` (docs/streams.md, "Scale + overlay: banked corners").
 * - `tmk`: the video's `tmk_pdqf` signal beside its vPDQ (TMK+PDQF, a whole-video summary that
 *   follows re-uploads sped up, slowed down or shifted in time, which whole-video vPDQ misses;
 *   `npm run bench -- tmk`). Costs one more ffmpeg pass per banked video (64×64 at 15 fps) and
 *   351 KB of stored text.
 */
export const extraVideoViewNames = ['corners', 'tmk'] as const;

/** One of `extraVideoViewNames`. */
export type ExtraVideoView = (typeof extraVideoViewNames)[number];

/** True when `name` is one of `extraVideoViewNames`. */
export function isExtraVideoView(name: unknown): name is ExtraVideoView {
  return (extraVideoViewNames as readonly unknown[]).includes(name);
}
