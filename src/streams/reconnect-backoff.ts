import { EngineError } from '../core/index.js';

/**
 * When a live source drops or stalls, how the watcher tries again: exponential backoff from
 * `initialDelayMs`, doubling up to `maxDelayMs`, each delay drawn with "full jitter" between half
 * and all of it (so many streams dropped by one media server restart do not reconnect in step);
 * after `healthyAfterMs` of frames the delay and the attempt count start over; after
 * `maxReconnects` attempts in a row without a healthy stretch the watcher gives up.
 */
export interface ReconnectPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly healthyAfterMs: number;
  /** Consecutive attempts before giving up; `Infinity` never gives up. */
  readonly maxReconnects: number;
}

/** 1 s doubling to 30 s, reset after a healthy minute, give up after 10 attempts in a row. */
export const defaultReconnectPolicy: ReconnectPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  healthyAfterMs: 60_000,
  maxReconnects: 10,
};

/** Checks a policy; fills the gaps from the default. @throws EngineError `CONFIG_INVALID`. */
export function reconnectPolicy(overrides: Partial<ReconnectPolicy> = {}): ReconnectPolicy {
  const policy = { ...defaultReconnectPolicy, ...definedOnly(overrides) };
  for (const key of ['initialDelayMs', 'maxDelayMs', 'healthyAfterMs'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) {
      throw new EngineError('CONFIG_INVALID', `reconnect ${key} must be a number ≥ 0, got ${policy[key]}`);
    }
  }
  if (policy.maxDelayMs < policy.initialDelayMs) {
    throw new EngineError('CONFIG_INVALID', 'reconnect maxDelayMs must be at least initialDelayMs');
  }
  if (
    !(policy.maxReconnects >= 0) ||
    (Number.isFinite(policy.maxReconnects) && !Number.isInteger(policy.maxReconnects))
  ) {
    throw new EngineError('CONFIG_INVALID', `maxReconnects must be a whole number ≥ 0, got ${policy.maxReconnects}`);
  }
  return policy;
}

/**
 * The backoff state of one watcher. Invariant: `attempts` counts reconnects since the last healthy
 * stretch; `nextDelay()` never exceeds `maxDelayMs` and never goes below half the undithered delay.
 *
 * @example
 * const backoff = new ReconnectBackoff(defaultReconnectPolicy);
 * if (backoff.exhausted) giveUp(); else await sleep(backoff.nextDelay());
 */
export class ReconnectBackoff {
  readonly #policy: ReconnectPolicy;
  readonly #random: () => number;
  #attempts = 0;

  constructor(policy: ReconnectPolicy, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /** Reconnect attempts since the last healthy stretch. */
  get attempts(): number {
    return this.#attempts;
  }

  /** True when no attempt is left. */
  get exhausted(): boolean {
    return this.#attempts >= this.#policy.maxReconnects;
  }

  /** Counts one more attempt and returns how long to wait before it, in milliseconds. */
  nextDelay(): number {
    const base = Math.min(this.#policy.maxDelayMs, this.#policy.initialDelayMs * 2 ** this.#attempts);
    this.#attempts += 1;
    return Math.round(base / 2 + (base / 2) * this.#random());
  }

  /** Tells the backoff the source has been healthy since `connectedAtMs`; resets it after the healthy period. */
  healthySince(connectedAtMs: number, nowMs: number): void {
    if (nowMs - connectedAtMs >= this.#policy.healthyAfterMs) this.#attempts = 0;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
