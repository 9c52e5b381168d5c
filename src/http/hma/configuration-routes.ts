import type { FastifyInstance } from 'fastify';
import type { HttpDependencies } from '../dependencies.js';
import { hmaRoute } from './hma-route.js';
import { indexStatusOf, statusSignals, unixSecondsOrNever } from './index-status.js';
import { hmaContentTypes } from './media-hashing.js';
import { queryOf } from './query-params.js';
import { hmaConfiguredSignals } from './signal-names.js';

/**
 * The configuration reads of HMA 1.1.7's curator (`/c/signal_type`, `/c/signal_type/index`,
 * `/c/content_type`), answered for the fixed set Prevail serves on these routes: signal types
 * `pdq` and `video_md5` at ratio 1.0, content types `photo` and `video`.
 *
 * Not implemented: `PUT /c/signal_type/<name>` (per-signal-type rollout ratios; no known client
 * calls it) answers 404.
 */
export function registerConfigurationRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { matcher, banks } = dependencies;

  // GET /c/signal_type → [{"enabled_ratio": 1.0, "name": "pdq"}, {"enabled_ratio": 1.0, "name": "video_md5"}].
  hmaRoute(app, {
    method: 'GET',
    url: '/c/signal_type',
    scope: 'read',
    summary: 'Signal types and their enabled ratios (HMA GET /c/signal_type)',
    handler: async () => hmaConfiguredSignals.map((signal) => ({ enabled_ratio: 1, name: signal.hma })),
  });

  // GET /c/content_type → [{"enabled": true, "name": "photo"}, {"enabled": true, "name": "video"}].
  hmaRoute(app, {
    method: 'GET',
    url: '/c/content_type',
    scope: 'read',
    summary: 'Content types (HMA GET /c/content_type)',
    handler: async () => hmaContentTypes.map((name) => ({ enabled: true, name })),
  });

  // GET /c/signal_type/index[?signal_type=] → {"pdq": {"db_size", "index_built_to",
  // "index_out_of_date", "index_size", "newest_db_item"}}. The indexes follow every committed
  // change, so they are out of date only while loading; both timestamps are the last change
  // applied (-1 when there is none).
  hmaRoute(app, {
    method: 'GET',
    url: '/c/signal_type/index',
    scope: 'read',
    summary: 'Stored and indexed signal counts per type (HMA GET /c/signal_type/index)',
    handler: async (request) => {
      const result: Record<string, Record<string, unknown>> = {};
      for (const signal of statusSignals(queryOf(request).signal_type)) {
        const status = indexStatusOf(matcher, signal);
        const dbSize = await banks.repository.countSignals(signal.prevail);
        const builtTo =
          status?.ready === true && dbSize > 0 ? unixSecondsOrNever(status.updatedAt ?? status.loadedAt) : -1;
        result[signal.hma] = {
          db_size: dbSize,
          index_built_to: builtTo,
          index_out_of_date: status?.ready !== true,
          index_size: status?.ready === true ? status.size : 0,
          newest_db_item: builtTo,
        };
      }
      return result;
    },
  });
}
