/** How long delivery of one action is retried. */
export interface RetryPolicy {
  /** First backoff ceiling (ms); the ceiling doubles per attempt. */
  readonly baseMs: number;
  /** Largest backoff ceiling (ms). */
  readonly capMs: number;
  /** After this long since the action was created, a failed attempt is its last: the row goes dead. */
  readonly deadlineMs: number;
  /** At most this many attempts, whatever the time. */
  readonly maxAttempts: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  baseMs: 500,
  capMs: 60_000,
  deadlineMs: 15 * 60_000,
  maxAttempts: 12,
};

/**
 * When to try again after the `attempts`-th failure, or undefined when the retry budget is spent
 * (the time bound or the attempt bound). Exponential backoff with full jitter (AWS's name): a
 * uniform wait in [0, min(cap, base·2^(attempts-1))), so receivers coming back from an outage are
 * not hit by every sender at the same instant.
 */
export function nextAttemptMs(
  policy: RetryPolicy,
  attempts: number,
  createdAtMs: number,
  nowMs: number,
  random: () => number = Math.random,
): number | undefined {
  if (attempts >= policy.maxAttempts) return undefined;
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempts - 1, 30));
  const at = nowMs + Math.floor(random() * ceiling);
  return at - createdAtMs > policy.deadlineMs ? undefined : at;
}
