import { EngineError } from '../../core/index.js';
import { type ExchangeClientOptions, parseExchangeSettings, trimBaseUrl } from '../client-options.js';
import type {
  ExchangeCallOptions,
  ExchangeCheckpoint,
  ExchangeClient,
  ExchangeDelta,
  ExchangeFeedback,
  ExchangePage,
} from '../exchange-client.js';
import { readUpstreamPage } from '../upstream-page.js';
import { upstreamStatusOf } from '../upstream-read.js';
import { type NcmecCheckpoint, readNcmecCheckpoint } from './checkpoint.js';
import { type NcmecConfig, type NcmecCredentials, ncmecConfigSchema, ncmecCredentialsSchema } from './config.js';
import { ncmecEntryDelta } from './entry-delta.js';
import { sendNcmecFeedback } from './feedback.js';
import { type NcmecQueryResult, parseQueryResult } from './query-result.js';

/** A cursor older than this is not followed (pytx's 12 h; NCMEC advises against keeping cursors). */
export const ncmecCursorLifetimeSeconds = 12 * 3600;

/** The moving edge kept clear of: a window ends this many seconds before now (pytx: 5 s). */
const edgeSeconds = 5;

/**
 * A client of NCMEC's Hash Sharing API (v2: XML, HTTP Basic).
 *
 * Fetching (python-threatexchange's algorithm, with its bugs fixed):
 * - windows `[get_entries_max_ts, to]` with `to ≤ now − 5 s`, formatted in **UTC**
 *   (`YYYY-MM-DDTHH:MM:SSZ`; pytx formats local time and appends `Z`);
 * - a window's first page estimating more than `maxWindowEntries` entries is discarded and the
 *   window shrunk to a quarter (down to 1 s); each exhausted window doubles the next one's length;
 * - pages follow the server's relative `next`, appended to the base URL; the checkpoint keeps the
 *   window's start as progress until the window is exhausted (entries are not in timestamp order,
 *   so nothing inside a window is a safe resume point);
 * - a cursor is followed only for its own window and only within 12 hours of being issued; an
 *   older one, or one the server refuses with a 4xx, restarts the window from its start (a page
 *   with no deltas), so nothing is lost — the window is read again and keyed deltas make the
 *   repeats harmless;
 * - keys `<member id>-<entry id>`; tombstones delete; `onlyMemberIds` filters members.
 *
 * Feedback: votes (`PUT …/feedback`), sent once, never retried on a status.
 */
export function createNcmecClient(
  config: NcmecConfig,
  credentials: NcmecCredentials,
  options: ExchangeClientOptions = {},
): ExchangeClient {
  const settings = parseExchangeSettings(ncmecConfigSchema, config, 'the NCMEC exchange configuration');
  const secret = parseExchangeSettings(ncmecCredentialsSchema, credentials, 'the NCMEC credentials');
  const base = trimBaseUrl(settings.baseUrl);
  const headers = {
    authorization: `Basic ${Buffer.from(`${secret.user}:${secret.password}`, 'utf8').toString('base64')}`,
    accept: 'application/xml',
  };
  const onlyMembers =
    settings.onlyMemberIds !== undefined && settings.onlyMemberIds.length > 0
      ? new Set(settings.onlyMemberIds.map(String))
      : undefined;
  const now = options.now ?? Date.now;

  const read = (path: string, signal: AbortSignal | undefined): Promise<NcmecQueryResult> =>
    readUpstreamPage(`${base}${path}`, { ...options, headers, signal }, parseQueryResult);

  const toPage = (result: NcmecQueryResult, checkpoint: NcmecCheckpoint, more: boolean): ExchangePage => {
    const deltas: ExchangeDelta[] = [];
    let skipped = 0;
    for (const entry of result.entries) {
      const delta = ncmecEntryDelta(entry);
      if (delta === undefined) skipped++;
      else if (onlyMembers === undefined || onlyMembers.has(delta.key.slice(0, delta.key.indexOf('-'))))
        deltas.push(delta);
    }
    return {
      deltas,
      checkpoint: checkpoint as unknown as ExchangeCheckpoint,
      more,
      ...(skipped > 0 ? { skipped } : {}),
    };
  };

  return {
    kind: 'ncmec',

    async fetchPage(stored: ExchangeCheckpoint | null, call: ExchangeCallOptions = {}): Promise<ExchangePage> {
      const nowSeconds = Math.floor(now() / 1000);
      const edge = nowSeconds - edgeSeconds;
      const checkpoint = readNcmecCheckpoint(stored, edge);
      const start = checkpoint.get_entries_max_ts;
      const paging = checkpoint.paging_info;
      let windowSeconds = checkpoint.window_seconds;

      if (paging !== null && nowSeconds - paging.paging_url_ts <= ncmecCursorLifetimeSeconds) {
        let result: NcmecQueryResult;
        try {
          result = await read(paging.paging_url, call.signal);
        } catch (error) {
          const status = upstreamStatusOf(error);
          if (status === undefined || status < 400 || status >= 500) throw error;
          // The server refused the cursor (expired, or no longer its window): restart the window.
          return toPage({ entries: [], next: null, estimatedWindowEntries: 0 }, restart(checkpoint), true);
        }
        return windowPage(result, start, paging.paging_end_ts, windowSeconds, nowSeconds, edge);
      }

      let end = windowSeconds === undefined ? edge : Math.min(edge, start + windowSeconds);
      if (end <= start) {
        return toPage({ entries: [], next: null, estimatedWindowEntries: 0 }, restart(checkpoint), false);
      }
      // Shrinking quarters the window each time: at most ~30 probes from any span down to 1 s.
      for (let probe = 0; probe < 64; probe++) {
        const result = await read(`/v2/entries?from=${utcTime(start)}&to=${utcTime(end)}`, call.signal);
        const duration = end - start;
        if (result.next !== null && duration > 1 && result.estimatedWindowEntries > settings.maxWindowEntries) {
          windowSeconds = Math.max(1, Math.floor(duration / 4));
          end = start + windowSeconds;
          continue;
        }
        return windowPage(result, start, end, windowSeconds, nowSeconds, edge);
      }
      throw new EngineError('INTERNAL', 'the NCMEC window could not be shrunk');
    },

    sendFeedback(feedback: ExchangeFeedback, call: ExchangeCallOptions = {}): Promise<void> {
      return sendNcmecFeedback(base, headers, feedback, { ...options, signal: call.signal });
    },
  };

  function windowPage(
    result: NcmecQueryResult,
    start: number,
    end: number,
    windowSeconds: number | undefined,
    nowSeconds: number,
    edge: number,
  ): ExchangePage {
    if (result.next !== null) {
      const checkpoint: NcmecCheckpoint = {
        get_entries_max_ts: start,
        paging_info: { paging_url: result.next, paging_end_ts: end, paging_url_ts: nowSeconds },
        ...(windowSeconds === undefined ? {} : { window_seconds: windowSeconds }),
      };
      return toPage(result, checkpoint, true);
    }
    const grown = windowSeconds === undefined ? undefined : Math.min(windowSeconds * 2, 10 * 365 * 86_400);
    const checkpoint: NcmecCheckpoint = {
      get_entries_max_ts: end,
      paging_info: null,
      ...(grown === undefined ? {} : { window_seconds: grown }),
    };
    return toPage(result, checkpoint, end < edge);
  }
}

function restart(checkpoint: NcmecCheckpoint): NcmecCheckpoint {
  return {
    get_entries_max_ts: checkpoint.get_entries_max_ts,
    paging_info: null,
    ...(checkpoint.window_seconds === undefined ? {} : { window_seconds: checkpoint.window_seconds }),
  };
}

/** Unix seconds as NCMEC's `YYYY-MM-DDTHH:MM:SSZ`, always in UTC whatever the host's zone. */
export function utcTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
