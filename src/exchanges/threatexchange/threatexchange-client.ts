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
import { readThreatexchangeCheckpoint, sameOrigin, type ThreatexchangeCheckpoint } from './checkpoint.js';
import {
  type ThreatexchangeConfig,
  type ThreatexchangeCredentials,
  threatexchangeConfigSchema,
  threatexchangeCredentialsSchema,
} from './config.js';
import { parseThreatUpdatesPage, type ThreatUpdatesPage, threatUpdateDelta } from './threat-update.js';

/** The fields pytx asks `threat_updates` for. */
const fields =
  'id,indicator,type,last_updated,should_delete,descriptors{reactions,my_reactions,owner{id},tags,status,added_on}';

/** A stored `paging.next` older than this is not followed; fetching resumes from `update_time`. */
const nextLifetimeSeconds = 12 * 3600;

/** Most descriptors one verdict reacts to (one POST each). */
const maxReactions = 10;

/**
 * A client of Meta's ThreatExchange (Graph API `/{privacy group}/threat_updates`).
 *
 * - The token goes in the query as Graph wants, but is never kept: the `paging.next` URL stored in
 *   the checkpoint has its `access_token` removed and is followed only on the configured origin.
 * - Updates come in `last_updated` order, so the checkpoint's `update_time` (the largest seen,
 *   clamped to now) is a safe resume point; `paging.next` is followed while present and within
 *   12 hours, a refused one (4xx) restarts from `update_time`. An empty `data` page means up to
 *   date (pytx asserts on it).
 * - A checkpoint not advanced for 85 days is stale: deletion records live 90 days, so the next
 *   fetch starts over.
 * - Graph refuses a bad token with HTTP 400 `OAuthException` (code 190): `EXCHANGE_AUTH_FAILED`.
 *   A privacy group without threat_updates answers 500, which ends as `EXCHANGE_UNAVAILABLE`.
 *
 * Feedback: a reaction on each descriptor the record's metadata lists (up to 10): `HELPFUL` for a
 * true positive, `NOT_HELPFUL` for a false one (`POST /{descriptor id}/`, the token in the form
 * body, not the URL); sent once.
 */
export function createThreatexchangeClient(
  config: ThreatexchangeConfig,
  credentials: ThreatexchangeCredentials,
  options: ExchangeClientOptions = {},
): ExchangeClient {
  const settings = parseExchangeSettings(threatexchangeConfigSchema, config, 'the ThreatExchange configuration');
  const { apiToken } = parseExchangeSettings(
    threatexchangeCredentialsSchema,
    credentials,
    'the ThreatExchange credentials',
  );
  const base = trimBaseUrl(settings.baseUrl);
  const origin = new URL(base).origin;
  const now = options.now ?? Date.now;
  const readOptions = { ...options, headers: { accept: 'application/json' }, isAuthFailure: isOAuthFailure };

  return {
    kind: 'threatexchange',

    async fetchPage(stored: ExchangeCheckpoint | null, call: ExchangeCallOptions = {}): Promise<ExchangePage> {
      const nowSeconds = Math.floor(now() / 1000);
      const checkpoint = readThreatexchangeCheckpoint(stored, nowSeconds, origin);
      const following =
        checkpoint.next !== null && nowSeconds - (checkpoint.next_issued_at ?? 0) <= nextLifetimeSeconds
          ? checkpoint.next
          : null;
      let url: URL;
      if (following !== null) {
        url = new URL(following);
      } else {
        url = new URL(`${base}/${settings.privacyGroup}/threat_updates/`);
        url.searchParams.set('limit', String(settings.pageSize));
        url.searchParams.set('fields', fields);
        if (checkpoint.update_time !== null) url.searchParams.set('start_time', String(checkpoint.update_time));
      }
      url.searchParams.set('access_token', apiToken);
      let page: ThreatUpdatesPage;
      try {
        page = await readUpstreamPage(url.href, { ...readOptions, signal: call.signal }, parseThreatUpdatesPage);
      } catch (error) {
        const status = upstreamStatusOf(error);
        if (following === null || status === undefined || status < 400 || status >= 500) throw error;
        return { deltas: [], checkpoint: asStored({ ...checkpoint, next: null, next_issued_at: null }), more: true };
      }
      const deltas: ExchangeDelta[] = [];
      let skipped = 0;
      let updateTime = checkpoint.update_time;
      for (const item of page.data) {
        const converted = threatUpdateDelta(item);
        if (converted === undefined) {
          skipped++;
          continue;
        }
        deltas.push(converted.delta);
        if (converted.lastUpdated !== undefined) {
          updateTime = Math.min(nowSeconds, Math.max(updateTime ?? 0, converted.lastUpdated));
        }
      }
      const nextUrl = page.data.length > 0 ? (page.paging?.next ?? null) : null;
      let next: string | null = null;
      if (nextUrl !== null && nextUrl !== '') {
        if (!sameOrigin(nextUrl, origin)) {
          throw new EngineError('EXCHANGE_PAGE_MALFORMED', 'ThreatExchange sent a next page on another origin');
        }
        const withoutToken = new URL(nextUrl);
        withoutToken.searchParams.delete('access_token');
        next = withoutToken.href;
      }
      const result: ThreatexchangeCheckpoint = {
        update_time: updateTime,
        last_fetch_time: nowSeconds,
        next,
        next_issued_at: next === null ? null : nowSeconds,
      };
      return { deltas, checkpoint: asStored(result), more: next !== null, ...(skipped > 0 ? { skipped } : {}) };
    },

    async sendFeedback(feedback: ExchangeFeedback, call: ExchangeCallOptions = {}): Promise<void> {
      const descriptors = (feedback.metadata?.descriptors ?? []) as unknown[];
      const ids = (Array.isArray(descriptors) ? descriptors : [])
        .map((descriptor) => (descriptor as { id?: unknown } | null)?.id)
        .filter((id): id is string => typeof id === 'string' && /^[0-9]{1,30}$/.test(id))
        .slice(0, maxReactions);
      if (ids.length === 0) {
        throw new EngineError('REQUEST_INVALID', 'ThreatExchange feedback needs the descriptor ids of the record');
      }
      const reaction = feedback.verdict === 'true_positive' ? 'HELPFUL' : 'NOT_HELPFUL';
      for (const id of ids) {
        await writeUpstream(`${base}/${id}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ access_token: apiToken, reactions: reaction }).toString(),
          timeoutMs: options.timeoutMs,
          signal: call.signal,
          fetch: options.fetch,
        });
      }
    },
  };
}

/** Graph's answer to a bad or expired token: HTTP 400 with `OAuthException` or error code 190. */
function isOAuthFailure(status: number, body: string): boolean {
  if (status !== 400) return false;
  try {
    const error = (JSON.parse(body) as { error?: { type?: unknown; code?: unknown } }).error;
    return error?.type === 'OAuthException' || error?.code === 190;
  } catch {
    return false;
  }
}

function asStored(checkpoint: ThreatexchangeCheckpoint): ExchangeCheckpoint {
  return checkpoint as unknown as ExchangeCheckpoint;
}
