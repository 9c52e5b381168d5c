/**
 * A per-login throttle against password guessing: after `maxFailures` failed sign-ins in a row
 * the login is locked for `lockMs` (any password, the right one included, is refused while
 * locked); a success clears the count. Unknown logins are counted the same way, so the throttle
 * does not tell which logins exist. Kept in memory (one process); at most `maxTracked` logins
 * are tracked, the oldest forgotten first, so a flood of made-up logins cannot grow it without
 * bound.
 */
export class LoginThrottle {
  readonly #maxFailures: number;
  readonly #lockMs: number;
  readonly #maxTracked: number;
  readonly #entries = new Map<string, { failures: number; lockedUntil: number }>();

  constructor(options: { maxFailures?: number; lockMs?: number; maxTracked?: number } = {}) {
    this.#maxFailures = options.maxFailures ?? 5;
    this.#lockMs = options.lockMs ?? 30_000;
    this.#maxTracked = options.maxTracked ?? 10_000;
  }

  /** Milliseconds until `login` may try again (0: it may now). */
  lockedFor(login: string, nowMs: number): number {
    const entry = this.#entries.get(login);
    if (entry === undefined) return 0;
    return Math.max(0, entry.lockedUntil - nowMs);
  }

  /** Counts a failure; locks the login on the `maxFailures`-th in a row. */
  failed(login: string, nowMs: number): void {
    const entry = this.#entries.get(login) ?? { failures: 0, lockedUntil: 0 };
    this.#entries.delete(login);
    entry.failures++;
    if (entry.failures >= this.#maxFailures) {
      entry.failures = 0;
      entry.lockedUntil = nowMs + this.#lockMs;
    }
    this.#entries.set(login, entry);
    while (this.#entries.size > this.#maxTracked) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** Clears the count after a successful sign-in. */
  succeeded(login: string): void {
    this.#entries.delete(login);
  }
}
