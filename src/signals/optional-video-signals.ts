/**
 * Video signals a bank computes only when its `videoSignals` setting names them (checked by the
 * bank service, `checkVideoSignals`), each costing one more ffmpeg pass per banked video and more
 * stored text than only some banks repay; none is on by default. Unlike the extra views
 * (`extraVideoViewNames`), which add lists to a video's `vpdq_dense`, each is a signal of its own.
 *
 * - `tmk_pdqf`: TMK+PDQF, a whole-video summary that follows re-uploads sped up, slowed down or
 *   shifted in time, which whole-video vPDQ misses (`npm run bench -- tmk`). One more ffmpeg pass
 *   per banked video (64×64 at 15 fps) and 351 KB of stored text.
 */
export const optionalVideoSignalNames = ['tmk_pdqf'] as const;

/** One of `optionalVideoSignalNames`. */
export type OptionalVideoSignal = (typeof optionalVideoSignalNames)[number];

/** True when `name` is one of `optionalVideoSignalNames`. */
export function isOptionalVideoSignal(name: unknown): name is OptionalVideoSignal {
  return (optionalVideoSignalNames as readonly unknown[]).includes(name);
}
