/**
 * One `media.matched` event per banked item per cooldown window, for one stream. A banked scene
 * that stays on screen for ten minutes matches every sampled frame; the rules engine needs to
 * hear about it once a minute, not 600 times. Memory stays bounded: entries older than the window
 * are dropped as time passes.
 *
 * @example
 * const cooldown = new MatchCooldown(60_000);
 * const fresh = matches.filter((match) => cooldown.admit(match.contentId, Date.now()));
 */
export class MatchCooldown {
  readonly #windowMs: number;
  readonly #lastAdmitted = new Map<number, number>();

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /**
   * True when `contentId` was not admitted within the window before `nowMs` (and records it as
   * admitted now); false while it is cooling down.
   */
  admit(contentId: number, nowMs: number): boolean {
    this.#prune(nowMs);
    const last = this.#lastAdmitted.get(contentId);
    if (last !== undefined && nowMs - last < this.#windowMs) return false;
    this.#lastAdmitted.set(contentId, nowMs);
    return true;
  }

  /** True while `contentId` is in its window (an event for it was admitted less than the window ago). */
  isCooling(contentId: number, nowMs: number): boolean {
    const last = this.#lastAdmitted.get(contentId);
    return last !== undefined && nowMs - last < this.#windowMs;
  }

  /** Items currently cooling down. */
  get size(): number {
    return this.#lastAdmitted.size;
  }

  #prune(nowMs: number): void {
    for (const [contentId, at] of this.#lastAdmitted) {
      if (nowMs - at >= this.#windowMs) this.#lastAdmitted.delete(contentId);
    }
  }
}
