import type { ExchangeCheckpoint } from '../exchange-client.js';

/**
 * The StopNCII checkpoint: HMA's `update_time` (the `startTimestamp` of the next sequence, unix
 * seconds) and `last_fetch_time`, plus Prevail's `paging` while a sequence of pages is under way
 * (the token, the sequence's start, the largest `nextSetTimestamp` seen, when the token came).
 */
export interface StopnciiCheckpoint {
  readonly update_time: number;
  readonly last_fetch_time: number;
  readonly paging: StopnciiPaging | null;
}

export interface StopnciiPaging {
  readonly token: string;
  readonly start_timestamp: number;
  readonly max_next_set_timestamp: number;
  readonly issued_at: number;
}

/** pytx's first `startTimestamp`. */
export const stopnciiFirstTimestamp = 10;

/** A checkpoint not advanced for this long is refetched from the start (pytx: 30 days). */
export const stopnciiStaleSeconds = 30 * 86_400;

/**
 * Reads a stored checkpoint leniently: `null`, a stale one (last fetch over 30 days ago, or in the
 * future) or one without a usable `update_time` starts from the beginning; times are clamped into
 * `[first, now]`; paging that is incomplete or inconsistent is dropped (the sequence restarts from
 * `update_time`, losing nothing).
 */
export function readStopnciiCheckpoint(checkpoint: ExchangeCheckpoint | null, nowSeconds: number): StopnciiCheckpoint {
  const fresh: StopnciiCheckpoint = { update_time: stopnciiFirstTimestamp, last_fetch_time: nowSeconds, paging: null };
  if (checkpoint === null) return fresh;
  const last = checkpoint.last_fetch_time;
  if (
    typeof last !== 'number' ||
    !Number.isFinite(last) ||
    last > nowSeconds ||
    nowSeconds - last > stopnciiStaleSeconds
  ) {
    return fresh;
  }
  const updateTime = clamp(checkpoint.update_time, nowSeconds);
  if (updateTime === undefined) return fresh;
  const paging = checkpoint.paging as Partial<Record<keyof StopnciiPaging, unknown>> | null | undefined;
  let kept: StopnciiPaging | null = null;
  if (paging !== null && typeof paging === 'object' && typeof paging.token === 'string' && paging.token !== '') {
    const start = clamp(paging.start_timestamp, nowSeconds);
    const max = clamp(paging.max_next_set_timestamp, nowSeconds);
    const issued = clamp(paging.issued_at, nowSeconds);
    if (start === updateTime && max !== undefined && issued !== undefined && paging.token.length <= 8192) {
      kept = { token: paging.token, start_timestamp: start, max_next_set_timestamp: max, issued_at: issued };
    }
  }
  return { update_time: updateTime, last_fetch_time: last, paging: kept };
}

function clamp(value: unknown, nowSeconds: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Math.min(Math.max(Math.floor(value), stopnciiFirstTimestamp), nowSeconds);
}
