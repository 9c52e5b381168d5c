/**
 * Flood protection: a bank item that suddenly matches far more than it usually does is more
 * likely a bad hash (a blank frame, a logo, a meme template) than a wave of abuse. Acting on
 * every such match would take down innocent content at scale, so the item is quarantined: its
 * matches are still reported, marked as not actionable, and the quarantine is reported once so
 * that a person can look.
 *
 * Counting is per content id in fixed windows. The baseline is an exponentially weighted mean of
 * past windows' counts (a new item's baseline starts at zero, so the absolute `minimumMatches`
 * floor is what protects against new bad hashes).
 */
export interface FloodPolicy {
  /** Length of one counting window, in milliseconds (default one hour). */
  readonly windowMs: number;
  /** Matches within one window below which an item is never quarantined (default 100). */
  readonly minimumMatches: number;
  /** How many times its baseline an item must exceed (default 10). */
  readonly multiplier: number;
}

export const defaultFloodPolicy: FloodPolicy = { windowMs: 3_600_000, minimumMatches: 100, multiplier: 10 };

interface Counter {
  windowStart: number;
  count: number;
  baseline: number;
  flagged: boolean;
}

/** Weight of the newest window in the baseline mean. */
const baselineWeight = 0.2;

/** Items idle for this many windows are forgotten, bounding memory. */
const forgetAfterWindows = 24;

export class FloodGuard {
  readonly #policy: FloodPolicy;
  readonly #counters = new Map<number, Counter>();
  readonly #now: () => number;
  #lastSweep = 0;

  constructor(policy: FloodPolicy = defaultFloodPolicy, now: () => number = Date.now) {
    this.#policy = policy;
    this.#now = now;
  }

  get policy(): FloodPolicy {
    return this.#policy;
  }

  /**
   * Counts one match of `contentId`; returns true exactly once, when this match makes the item
   * cross the flood threshold (the caller quarantines and reports it).
   */
  record(contentId: number): boolean {
    const now = this.#now();
    this.#sweep(now);
    let counter = this.#counters.get(contentId);
    if (counter === undefined) {
      counter = { windowStart: now, count: 0, baseline: 0, flagged: false };
      this.#counters.set(contentId, counter);
    }
    this.#roll(counter, now);
    counter.count++;
    const limit = Math.max(this.#policy.minimumMatches, this.#policy.multiplier * counter.baseline);
    if (!counter.flagged && counter.count > limit) {
      counter.flagged = true;
      return true;
    }
    return false;
  }

  /** Matches counted for `contentId` in the current window. */
  countOf(contentId: number): number {
    return this.#counters.get(contentId)?.count ?? 0;
  }

  /** Forgets the flag of a released item so that it can be flagged again later. */
  release(contentId: number): void {
    this.#counters.delete(contentId);
  }

  #roll(counter: Counter, now: number): void {
    const elapsed = Math.floor((now - counter.windowStart) / this.#policy.windowMs);
    if (elapsed <= 0) return;
    // The finished window counts once; any further empty windows pull the baseline down.
    counter.baseline = (1 - baselineWeight) * counter.baseline + baselineWeight * counter.count;
    for (let i = 1; i < Math.min(elapsed, 50); i++) counter.baseline *= 1 - baselineWeight;
    counter.windowStart += elapsed * this.#policy.windowMs;
    counter.count = 0;
  }

  #sweep(now: number): void {
    const horizon = forgetAfterWindows * this.#policy.windowMs;
    if (now - this.#lastSweep < this.#policy.windowMs) return;
    this.#lastSweep = now;
    for (const [contentId, counter] of this.#counters) {
      if (now - counter.windowStart > horizon && !counter.flagged) this.#counters.delete(contentId);
    }
  }
}
