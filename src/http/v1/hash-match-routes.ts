import type { FastifyInstance } from 'fastify';
import { matchOutcomeJson } from '../../matching/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { ingestMatchEvent } from '../match-event.js';
import { hashMediaRequest, readMatchRequest } from './match-request.js';

interface MatchQueryString {
  banks?: string;
  dihedral?: boolean;
}

/**
 * `/v1/hash` and `/v1/match`. A match returns the hashes it computed together with the matches
 * (HMA #1827: split deployments could not get both in one call), each match with its bank item's
 * provenance (HMA #1681).
 */
export function registerHashMatchRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { matcher } = dependencies;
  const tags = ['matching'];
  const options = {
    type: 'object',
    properties: {
      banks: { type: 'string', description: 'comma-separated bank names to consult (default all)' },
      dihedral: { type: 'boolean', description: 'also look up the 7 rotated and flipped PDQ variants' },
    },
  } as const;

  app.post<{ Querystring: MatchQueryString }>(
    '/v1/hash',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Hash an image (multipart file, or JSON {"url"}): PDQ, quality, MD5, SHA-256',
        querystring: options,
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
        querystring: options,
      },
    },
    async (request) => {
      const asked = await readMatchRequest(request, dependencies);
      if (asked.banks !== undefined) await dependencies.banks.requireBanks(asked.banks);
      const outcome = await matcher.match(asked.query, asked.banks !== undefined ? { banks: asked.banks } : {});
      const event = await ingestMatchEvent(
        dependencies.engine,
        { entities: asked.entities, matches: outcome.matches, signals: asked.eventSignals, source: { kind: 'api' } },
        { wait: true },
      );
      return { signals: asked.signals, ...matchOutcomeJson(outcome), ...(event !== undefined ? { event } : {}) };
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
