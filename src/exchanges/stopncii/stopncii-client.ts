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
import { writeUpstream } from '../upstream-write.js';
import { readStopnciiCheckpoint, type StopnciiCheckpoint } from './checkpoint.js';
import {
  type StopnciiConfig,
  type StopnciiCredentials,
  stopnciiConfigSchema,
  stopnciiCredentialsSchema,
} from './config.js';
import { parseFetchHashesPage, type StopnciiPage, stopnciiRecordDelta } from './hash-record.js';

/**
 * A client of StopNCII's Hash Exchange API (JSON behind Azure API Management).
 *
 * - Every call sends both keys: `Ocp-Apim-Subscription-Key` and the function's own
 *   `x-functions-key` (FetchHashes' or SubmitFeedback's).
 * - `GET {base}/FetchHashes?startTimestamp&pageSize[&nextPageToken]`: a sequence of pages from one
 *   `startTimestamp`, following `nextPageToken` while `hasMoreRecords`. Mid-sequence the checkpoint
 *   keeps the sequence's start as progress and the token; when the sequence ends, progress moves
 *   to the largest `nextSetTimestamp` seen — **clamped to the running maximum** (a decreasing
 *   `nextSetTimestamp`, as pytx's own fixture shows, never rewinds) and to now.
 * - A token older than `tokenLifetimeSeconds`, or one the server refuses with a 4xx, restarts the
 *   sequence from its start (a page with no deltas): tokens are "not valid over long periods".
 * - A checkpoint not advanced for 30 days is stale: the next fetch starts over (pytx's rule).
 * - Withdrawn or Deleted hashes arrive as tombstones; see {@link stopnciiRecordDelta}.
 *
 * Feedback: `POST {base}/SubmitFeedback` (`Blocked` for a true positive, `NotBlocked` for a false
 * one, the reason as a tag), only when a SubmitFeedback function key is configured; sent once.
 */
export function createStopnciiClient(
  config: StopnciiConfig,
  credentials: StopnciiCredentials,
  options: ExchangeClientOptions = {},
): ExchangeClient {
  const settings = parseExchangeSettings(stopnciiConfigSchema, config, 'the StopNCII exchange configuration');
  const keys = parseExchangeSettings(stopnciiCredentialsSchema, credentials, 'the StopNCII credentials');
  const base = trimBaseUrl(settings.baseUrl);
  const now = options.now ?? Date.now;
  const fetchHeaders = {
    'Ocp-Apim-Subscription-Key': keys.subscriptionKey,
    'x-functions-key': keys.fetchFunctionKey,
    accept: 'application/json',
  };

  const client: ExchangeClient = {
    kind: 'stopncii',

    async fetchPage(stored: ExchangeCheckpoint | null, call: ExchangeCallOptions = {}): Promise<ExchangePage> {
      const nowSeconds = Math.floor(now() / 1000);
      const checkpoint = readStopnciiCheckpoint(stored, nowSeconds);
      const usable =
        checkpoint.paging !== null && nowSeconds - checkpoint.paging.issued_at <= settings.tokenLifetimeSeconds
          ? checkpoint.paging
          : null;
      const query = new URLSearchParams({
        startTimestamp: String(checkpoint.update_time),
        pageSize: String(settings.pageSize),
      });
      if (usable !== null) query.set('nextPageToken', usable.token);
      let page: StopnciiPage;
      try {
        page = await readUpstreamPage(
          `${base}/FetchHashes?${query}`,
          { ...options, headers: fetchHeaders, signal: call.signal },
          parseFetchHashesPage,
        );
      } catch (error) {
        const status = upstreamStatusOf(error);
        if (usable === null || status === undefined || status < 400 || status >= 500) throw error;
        return { deltas: [], checkpoint: asStored({ ...checkpoint, paging: null }), more: true };
      }
      if (page.hasMoreRecords && (page.nextPageToken ?? '') === '') {
        throw new EngineError('EXCHANGE_PAGE_MALFORMED', 'StopNCII said it has more records but sent no nextPageToken');
      }
      const deltas: ExchangeDelta[] = [];
      let skipped = 0;
      for (const record of page.hashRecords) {
        const delta = stopnciiRecordDelta(record);
        if (delta === undefined) skipped++;
        else deltas.push(delta);
      }
      const seen = page.nextSetTimestamp ?? checkpoint.update_time;
      const maxNext = Math.min(
        nowSeconds,
        Math.max(
          usable?.max_next_set_timestamp ?? checkpoint.update_time,
          Number.isFinite(seen) ? Math.floor(seen) : 0,
        ),
      );
      const next: StopnciiCheckpoint = page.hasMoreRecords
        ? {
            update_time: checkpoint.update_time,
            last_fetch_time: nowSeconds,
            paging: {
              token: page.nextPageToken ?? '',
              start_timestamp: checkpoint.update_time,
              max_next_set_timestamp: maxNext,
              issued_at: nowSeconds,
            },
          }
        : { update_time: maxNext, last_fetch_time: nowSeconds, paging: null };
      return { deltas, checkpoint: asStored(next), more: page.hasMoreRecords, ...(skipped > 0 ? { skipped } : {}) };
    },
  };

  const feedbackKey = keys.feedbackFunctionKey;
  if (feedbackKey === undefined) return client;
  return {
    ...client,
    async sendFeedback(feedback: ExchangeFeedback, call: ExchangeCallOptions = {}): Promise<void> {
      const tags = feedback.reason === undefined ? [] : [feedback.reason.slice(0, 200)];
      const body = {
        count: 1,
        hashFeedbacks: [
          {
            hashValue: feedback.signal.value,
            feedbackValue: feedback.verdict === 'true_positive' ? 'Blocked' : 'NotBlocked',
            tags,
          },
        ],
      };
      await writeUpstream(`${base}/SubmitFeedback`, {
        method: 'POST',
        headers: {
          'Ocp-Apim-Subscription-Key': keys.subscriptionKey,
          'x-functions-key': feedbackKey,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        timeoutMs: options.timeoutMs,
        signal: call.signal,
        fetch: options.fetch,
      });
    },
  };
}

function asStored(checkpoint: StopnciiCheckpoint): ExchangeCheckpoint {
  return checkpoint as unknown as ExchangeCheckpoint;
}
