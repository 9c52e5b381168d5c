/**
 * How long a submission keeps trying after transient failures. Like Coop's NCMEC retries: at
 * most `maxAttempts` attempts (default 10), none later than `giveUpAfterMs` after the first
 * (default 30 days); the wait doubles from `firstDelayMs` (5 minutes) up to `maxDelayMs` (1 day).
 * With the defaults the tenth attempt starts about 43 hours after the first, well inside the
 * 30 days; the bound is what the law's "as soon as reasonably possible" leaves room for, and a
 * person sees the failure in the console long before.
 */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly giveUpAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 10,
  firstDelayMs: 5 * 60_000,
  maxDelayMs: 24 * 60 * 60_000,
  giveUpAfterMs: 30 * 24 * 60 * 60_000,
};

/**
 * When the next attempt is due after `attempts` attempts failed transiently, or undefined when
 * the policy says to give up (no attempt left, or the next would start after the deadline).
 */
export function nextAttemptAt(policy: RetryPolicy, attempts: number, createdAt: Date, now: Date): Date | undefined {
  if (attempts >= policy.maxAttempts) return undefined;
  const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempts - 1));
  const next = new Date(now.getTime() + delay);
  if (next.getTime() - createdAt.getTime() > policy.giveUpAfterMs) return undefined;
  return next;
}
