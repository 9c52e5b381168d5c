import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { matchOutcomeJson } from '../../matching/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { ingestMatchEvent } from '../match-event.js';
import { queryBoolean } from '../query-values.js';
import { preserveMatchedUpload } from '../upload-evidence.js';
import { hashMediaRequest, readMatchRequest } from './match-request.js';

/** The query options of `/v1/hash` and `/v1/match`. */
const matchOptionsSchema = z.object({
  banks: z.string().describe('comma-separated bank names to consult (default all)').optional(),
  dihedral: queryBoolean().describe('also look up the 7 rotated and flipped PDQ variants').optional(),
});

type MatchQueryString = z.output<typeof matchOptionsSchema>;

/**
 * `/v1/hash` and `/v1/match`. A match returns the hashes it computed together with the matches
 * (HMA #1827: split deployments could not get both in one call), each match with its bank item's
 * provenance (HMA #1681). With evidence preservation on, an uploaded file that matches is kept in
 * the vault (kind `upload`) before its `media.matched` event is built, which names it in
 * `data.media.evidenceId`; the answer carries the `evidenceId` too.
 */
export function registerHashMatchRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { matcher } = dependencies;
  const tags = ['matching'];

  app.post<{ Querystring: MatchQueryString }>(
    '/v1/hash',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Hash an image (multipart file, or JSON {"url"}): PDQ, quality, MD5, SHA-256',
        querystring: matchOptionsSchema,
      },
    },
    async (request) => (await hashMediaRequest(request, dependencies, request.query.dihedral === true)).hashes,
  );

  app.post<{
    Querystring: MatchQueryString;
    Body:
      | { signals?: Record<string, string>; banks?: string[]; entities?: Record<string, string>; url?: string }
      | undefined;
  }>(
    '/v1/match',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Match an image (multipart file, JSON {"url"}) or hashes (JSON {"signals"}) against the banks',
        querystring: matchOptionsSchema,
      },
    },
    async (request) => {
      const asked = await readMatchRequest(request, dependencies);
      if (asked.banks !== undefined) await dependencies.banks.requireBanks(asked.banks);
      const outcome = await matcher.match(asked.query, asked.banks !== undefined ? { banks: asked.banks } : {});
      const kept =
        dependencies.evidence !== undefined && asked.upload !== undefined && outcome.matches.length > 0
          ? await preserveMatchedUpload(dependencies.evidence, asked.upload, {
              matches: outcome.matches,
              entities: asked.entities,
              route: 'api',
              actor: request.actor,
            })
          : undefined;
      const event = await ingestMatchEvent(
        dependencies.engine,
        {
          entities: asked.entities,
          matches: outcome.matches,
          signals: asked.eventSignals,
          source: { kind: 'api' },
          ...(kept !== undefined ? { media: kept } : mediaOfUrl(request.body?.url)),
        },
        { wait: true },
      );
      return {
        signals: asked.signals,
        ...matchOutcomeJson(outcome),
        ...(event !== undefined ? { event } : {}),
        ...(kept?.evidenceId !== undefined ? { evidenceId: kept.evidenceId } : {}),
      };
    },
  );

  app.get(
    '/v1/index/status',
    { config: { scope: 'read' }, schema: { tags, summary: 'Index sizes and readiness' } },
    async () => ({
      ready: matcher.ready,
      indexes: matcher.status(),
    }),
  );

  app.get(
    '/v1/flood-reports',
    { config: { scope: 'read' }, schema: { tags, summary: 'Bank items recently quarantined by flood protection' } },
    async () => ({ reports: dependencies.floodReports() }),
  );
}

/**
 * The `data.media` of a match looked up by URL: the URL itself (an http(s) URL of at most 2,048
 * characters, what the event type accepts), so the review console can show the case's media.
 */
function mediaOfUrl(url: unknown): { media?: { url: string } } {
  return typeof url === 'string' && url.length <= 2048 && /^https?:\/\//i.test(url) ? { media: { url } } : {};
}
