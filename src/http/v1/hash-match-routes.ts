import type { FastifyInstance } from 'fastify';
import { EngineError } from '../../core/index.js';
import { hashMedia, type MediaHashes, mediaSignalNames } from '../../hasher/index.js';
import type { MatchQuery } from '../../matching/index.js';
import { signalTypeByName } from '../../signals/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { outcomeJson } from './json.js';
import { readMedia } from './read-media.js';

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
  const { matcher, config } = dependencies;
  const tags = ['matching'];
  const options = {
    type: 'object',
    properties: {
      banks: { type: 'string', description: 'comma-separated bank names to consult (default all)' },
      dihedral: { type: 'boolean', description: 'also look up the 7 rotated and flipped PDQ variants' },
    },
  } as const;

  const hashRequest = async (request: Parameters<typeof readMedia>[0], dihedral: boolean): Promise<MediaHashes> => {
    const { bytes } = await readMedia(request, config.fetchPolicy);
    return hashMedia(bytes, { signals: mediaSignalNames, dihedral, decode: config.decode });
  };

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
    async (request) => hashRequest(request, request.query.dihedral === true),
  );

  app.post<{ Querystring: MatchQueryString; Body: { signals?: Record<string, string>; banks?: string[] } | undefined }>(
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
      const body = request.isMultipart() ? undefined : request.body;
      const bankList =
        body?.banks ??
        request.query.banks
          ?.split(',')
          .map((name) => name.trim())
          .filter(Boolean);
      let query: MatchQuery;
      let signals: Record<string, unknown>;
      if (body?.signals !== undefined) {
        if (typeof body.signals !== 'object' || body.signals === null) {
          throw new EngineError('REQUEST_INVALID', 'signals must be an object of signal type → value');
        }
        const parsed: Record<string, string> = {};
        for (const [type, value] of Object.entries(body.signals)) {
          parsed[type] = signalTypeByName(type).parse(String(value));
        }
        query = { signals: parsed };
        signals = parsed;
      } else {
        const hashes = await hashRequest(request, request.query.dihedral === true);
        query = {
          signals: { pdq: hashes.pdq, md5: hashes.md5, sha256: hashes.sha256 },
          ...(hashes.quality !== undefined ? { pdqQuality: hashes.quality } : {}),
          ...(hashes.dihedral !== undefined ? { pdqVariants: hashes.dihedral } : {}),
        };
        signals = { ...hashes };
      }
      const outcome = await matcher.match(query, bankList !== undefined ? { banks: bankList } : {});
      return { signals, ...outcomeJson(outcome) };
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
