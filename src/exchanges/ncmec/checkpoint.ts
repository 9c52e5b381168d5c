import type { ExchangeCheckpoint } from '../exchange-client.js';

/**
 * The NCMEC checkpoint, in HMA's field names so a checkpoint moves between HMA and Prevail:
 * `get_entries_max_ts` (unix seconds: everything up to it is fetched), `paging_info` (the cursor of
 * the window being paged: its relative URL, the window's end, when it was issued). Prevail adds
 * `window_seconds`, the adaptive window length (absent: up to now).
 */
export interface NcmecCheckpoint {
  readonly get_entries_max_ts: number;
  readonly paging_info: NcmecPagingInfo | null;
  readonly window_seconds?: number | undefined;
}

export interface NcmecPagingInfo {
  readonly paging_url: string;
  readonly paging_end_ts: number;
  readonly paging_url_ts: number;
}

/**
 * Reads a stored checkpoint leniently, **clamping** rather than refusing: a progress time that is
 * not a number or negative reads as 0 (fetch everything), one after `nowSeconds` as `nowSeconds`
 * (a clock that ran ahead, or an absurd value, must not stall fetching forever); paging info that
 * is incomplete, inconsistent or not a same-server path is dropped (the window restarts from the
 * progress time, losing nothing).
 */
export function readNcmecCheckpoint(checkpoint: ExchangeCheckpoint | null, nowSeconds: number): NcmecCheckpoint {
  if (checkpoint === null) return { get_entries_max_ts: 0, paging_info: null };
  const start = clampSeconds(checkpoint.get_entries_max_ts, nowSeconds);
  const window = checkpoint.window_seconds;
  const windowSeconds = typeof window === 'number' && Number.isSafeInteger(window) && window >= 1 ? window : undefined;
  const paging = checkpoint.paging_info as Partial<Record<keyof NcmecPagingInfo, unknown>> | null | undefined;
  let pagingInfo: NcmecPagingInfo | null = null;
  if (
    paging !== null &&
    typeof paging === 'object' &&
    typeof paging.paging_url === 'string' &&
    /^\/(?!\/)[^\s\\]*$/.test(paging.paging_url) &&
    paging.paging_url.length <= 4096 &&
    typeof paging.paging_end_ts === 'number' &&
    typeof paging.paging_url_ts === 'number' &&
    Number.isSafeInteger(paging.paging_end_ts) &&
    Number.isSafeInteger(paging.paging_url_ts) &&
    paging.paging_end_ts > start &&
    paging.paging_end_ts <= nowSeconds
  ) {
    pagingInfo = {
      paging_url: paging.paging_url,
      paging_end_ts: paging.paging_end_ts,
      paging_url_ts: paging.paging_url_ts,
    };
  }
  return { get_entries_max_ts: start, paging_info: pagingInfo, window_seconds: windowSeconds };
}

function clampSeconds(value: unknown, nowSeconds: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return 0;
  return Math.min(Math.floor(value), nowSeconds);
}
