import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EngineError, parseJsonWithin } from '../../core/index.js';
import { type MediaHashes, mediaSignalNames } from '../../hasher/index.js';
import type { Match, MatchQuery } from '../../matching/index.js';
import { signalTypeByName } from '../../signals/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { withHashingPlace } from '../hashing-place.js';
import { queryBoolean } from '../query-values.js';
import { outcomeJson } from './json.js';
import { readMedia } from './read-media.js';

/** The query options of `/v1/hash` and `/v1/match`. */
const matchOptionsSchema = z.object({
  banks: z.string().describe('comma-separated bank names to consult (default all)').optional(),
  dihedral: queryBoolean().describe('also look up the 7 rotated and flipped PDQ variants').optional(),
});

type MatchQueryString = z.output<typeof matchOptionsSchema>;

/**
 * `/v1/hash` and `/v1/match`. A match returns the hashes it computed together with the matches
 * (HMA #1827: split deployments could not get both in one call), each match with its bank item's
 * provenance (HMA #1681).
 */
export function registerHashMatchRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { matcher, config, hasher } = dependencies;
  const tags = ['matching'];

  const hashUpload = async (
    request: Parameters<typeof readMedia>[0],
    dihedral: boolean,
  ): Promise<{ hashes: MediaHashes; fields: Record<string, string> }> => {
    return withHashingPlace(hasher, async (hash) => {
      const { bytes, fields } = await readMedia(request, config.fetchPolicy);
      return { hashes: await hash(bytes, { signals: mediaSignalNames, dihedral, decode: config.decode }), fields };
    });
  };
  const hashRequest = async (request: Parameters<typeof readMedia>[0], dihedral: boolean): Promise<MediaHashes> =>
    (await hashUpload(request, dihedral)).hashes;

  /**
   * When the caller says whose media this is (`entities`, e.g. {"user": "u1"}) and the signals
   * engine runs, every lookup with matches becomes a `media.matched` event, so rules see the
   * match together with the same accounts' sessions, chats and payments.
   */
  const emitMatched = async (entities: unknown, signals: Record<string, unknown>, matches: readonly Match[]) => {
    const engine = dependencies.engine;
    if (engine === undefined || matches.length === 0 || entities === undefined) return undefined;
    const [result] = await engine.engine.ingest(
      [
        {
          id: `match-${randomUUID()}`,
          type: 'media.matched',
          time: new Date().toISOString(),
          entities,
          data: {
            matches: matches.map((match) => ({
              bank: match.bank,
              contentId: match.contentId,
              signalType: match.signalType,
              distance: match.distance,
            })),
            signals,
          },
        },
      ],
      { wait: true },
    );
    return result;
  };

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
    async (request) => hashRequest(request, request.query.dihedral === true),
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
      const body = request.isMultipart() ? undefined : request.body;
      const bankList =
        body?.banks ??
        request.query.banks
          ?.split(',')
          .map((name) => name.trim())
          .filter(Boolean);
      let query: MatchQuery;
      let signals: Record<string, unknown>;
      let entities: unknown = body?.entities;
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
        const { hashes, fields } = await hashUpload(request, request.query.dihedral === true);
        if (fields.entities !== undefined) {
          try {
            entities = parseJsonWithin(fields.entities);
          } catch {
            throw new EngineError('REQUEST_INVALID', 'the entities field must be a JSON object such as {"user": "u1"}');
          }
        }
        query = {
          signals: { pdq: hashes.pdq, md5: hashes.md5, sha256: hashes.sha256 },
          ...(hashes.quality !== undefined ? { pdqQuality: hashes.quality } : {}),
          ...(hashes.dihedral !== undefined ? { pdqVariants: hashes.dihedral } : {}),
        };
        signals = { ...hashes };
      }
      if (bankList !== undefined) await dependencies.banks.requireBanks(bankList);
      const outcome = await matcher.match(query, bankList !== undefined ? { banks: bankList } : {});
      const event = await emitMatched(
        entities,
        { pdq: signals.pdq, md5: signals.md5, sha256: signals.sha256 },
        outcome.matches,
      );
      return { signals, ...outcomeJson(outcome), ...(event !== undefined ? { event } : {}) };
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
