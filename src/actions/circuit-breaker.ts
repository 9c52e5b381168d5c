/** A breaker's state: `closed` (sending), `open` (not sending until `openUntil`), `half_open` (one probe). */
export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * One endpoint's circuit breaker: after `threshold` consecutive failures it opens for
 * `cooldownMs`, and the dispatcher sends nothing to that endpoint (its rows wait, their retry
 * budget untouched); then one probe goes through (half-open): success closes the breaker,
 * failure opens it again for another cooldown. In memory: a restart starts closed.
 */
export class CircuitBreaker {
  #failures = 0;
  #openUntil = 0;
  #probing = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
  ) {}

  state(nowMs: number): BreakerState {
    if (this.#failures < this.threshold) return 'closed';
    return nowMs < this.#openUntil ? 'open' : 'half_open';
  }

  /** How many requests may start now: `free` when closed, one probe when half-open, none when open. */
  allowance(nowMs: number, free: number): number {
    const state = this.state(nowMs);
    if (state === 'closed') return free;
    if (state === 'open' || this.#probing) return 0;
    return Math.min(1, free);
  }

  /** Marks the start of a half-open probe (no other request starts until it ends). */
  probing(nowMs: number): void {
    if (this.state(nowMs) === 'half_open') this.#probing = true;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#probing = false;
  }

  failed(nowMs: number): void {
    this.#failures++;
    this.#probing = false;
    if (this.#failures >= this.threshold) this.#openUntil = nowMs + this.cooldownMs;
  }
}
