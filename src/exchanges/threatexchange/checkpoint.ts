import type { ExchangeCheckpoint } from '../exchange-client.js';

/**
 * The ThreatExchange checkpoint: HMA's `update_time` (the largest `last_updated` seen, unix
 * seconds; `null` before the first item) and `last_fetch_time`, plus Prevail's `next` (the Graph
 * `paging.next` being followed, **without** its `access_token`) and when it was issued.
 */
export interface ThreatexchangeCheckpoint {
  readonly update_time: number | null;
  readonly last_fetch_time: number;
  readonly next: string | null;
  readonly next_issued_at: number | null;
}

/** pytx: deletion records are kept 90 days, so a checkpoint is stale after 85. */
export const threatexchangeStaleSeconds = 85 * 86_400;

/**
 * Reads a stored checkpoint leniently: `null` or stale (last fetch over 85 days ago, in the
 * future, or unreadable) starts from the beginning; `update_time` is clamped into `[0, now]`; a
 * `next` that is not a URL on `origin` is dropped (fetching resumes from `update_time`).
 */
export function readThreatexchangeCheckpoint(
  checkpoint: ExchangeCheckpoint | null,
  nowSeconds: number,
  origin: string,
): ThreatexchangeCheckpoint {
  const fresh: ThreatexchangeCheckpoint = {
    update_time: null,
    last_fetch_time: nowSeconds,
    next: null,
    next_issued_at: null,
  };
  if (checkpoint === null) return fresh;
  const last = checkpoint.last_fetch_time;
  if (
    typeof last !== 'number' ||
    !Number.isFinite(last) ||
    last > nowSeconds ||
    nowSeconds - last > threatexchangeStaleSeconds
  ) {
    return fresh;
  }
  const time = checkpoint.update_time;
  const updateTime =
    typeof time === 'number' && Number.isFinite(time) ? Math.min(Math.max(0, Math.floor(time)), nowSeconds) : null;
  const next = checkpoint.next;
  const issued = checkpoint.next_issued_at;
  const keepNext =
    typeof next === 'string' &&
    next.length <= 8192 &&
    sameOrigin(next, origin) &&
    typeof issued === 'number' &&
    Number.isFinite(issued) &&
    issued <= nowSeconds;
  return {
    update_time: updateTime,
    last_fetch_time: last,
    next: keepNext ? next : null,
    next_issued_at: keepNext ? issued : null,
  };
}

/** True when `url` is an absolute http(s) URL on `origin` (where the token may be sent). */
export function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}
