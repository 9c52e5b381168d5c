import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { lookupSignalNames } from '../../hasher/index.js';
import { matchOutcomeJson } from '../../matching/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { ingestMatchEvent } from '../match-event.js';
import { queryBoolean } from '../query-values.js';
import { preserveMatchedUpload } from '../upload-evidence.js';
import { matchAnswerSchema, mediaHashesSchema } from './answer-schemas.js';
import { hashMediaRequest, readMatchRequest } from './match-request.js';
import { mediaFromUrlSchema } from './read-media.js';

/** The query options of `/v1/hash` and `/v1/match`. */
const matchOptionsSchema = z.object({
  banks: z.string().describe('comma-separated bank names to consult (default all)').optional(),
  dihedral: queryBoolean().describe('also look up the 7 rotated and flipped PDQ variants').optional(),
});

/** The JSON body of `/v1/match`: hashes to look up, or the URL of an image; and whose media it is. */
const matchBodySchema = z
  .object({
    signals: z
      .record(z.string(), z.string())
      .describe('signal type → value to look up, e.g. {"pdq": "<64 hex>"} (instead of media)')
      .optional(),
    url: mediaFromUrlSchema.shape.url.optional(),
    banks: z.array(z.string()).describe('only these banks (default: the banks query parameter, else all)').optional(),
    entities: z
      .record(z.string(), z.string())
      .describe('whose media this is, e.g. {"user": "u1"}: the match is sent to the signals engine for them')
      .optional(),
  })
  .nullish();

/**
 * `/v1/hash` and `/v1/match`. A match returns the hashes it computed together with the matches
 * (HMA #1827: split deployments could not get both in one call), each match with its bank item's
 * provenance (HMA #1681). With evidence preservation on, an uploaded file that matches is kept in
 * the vault (kind `upload`) before its `media.matched` event is built, which names it in
 * `data.media.evidenceId`; the answer carries the `evidenceId` too.
 */
export function registerHashMatchRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { matcher } = dependencies;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['matching'];

  api.post(
    '/v1/hash',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary:
          'Hash an image or a video (multipart file, or JSON {"url"}): PDQ and quality of an image, vPDQ of a video, MD5 and SHA-256 of both',
        description:
          'Send the media as a multipart/form-data upload (one file), or JSON {"url": "https://…"}. A video (told by its container\'s leading bytes) is hashed with vPDQ, one frame per second, as /v1/match looks it up; dihedral variants are PDQ\'s, for images.',
        querystring: matchOptionsSchema,
        body: mediaFromUrlSchema.nullish(),
        response: { 200: mediaHashesSchema },
      },
    },
    async (request) =>
      (
        await hashMediaRequest(request, dependencies, {
          signals: lookupSignalNames({ tmk: false }),
          dihedral: request.query.dihedral === true,
        })
      ).hashes,
  );

  api.post(
    '/v1/match',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary:
          'Match an image or a video (multipart file, JSON {"url"}) or hashes (JSON {"signals"}) against the banks',
        description:
          'Send the media as a multipart/form-data upload (one file; an optional "entities" field holds JSON such as {"user": "u1"}), or a JSON body. An image is looked up by PDQ, a video by vPDQ, and by TMK+PDQF (tmk_pdqf) too when any bank item holds one; both by MD5 and SHA-256. A tmk_pdqf value is looked up, never answered under signals.',
        querystring: matchOptionsSchema,
        body: matchBodySchema,
        response: { 200: matchAnswerSchema },
      },
    },
    async (request) => {
      const asked = await readMatchRequest(
        request,
        { query: request.query, body: request.body ?? undefined },
        dependencies,
      );
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

  api.get(
    '/v1/index/status',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Index sizes and readiness',
        response: {
          200: z.object({
            ready: z.boolean().describe('every index has loaded'),
            indexes: z.array(
              z.object({
                signalType: z.string(),
                ready: z.boolean(),
                size: z.number().int(),
                loadedAt: z.string().nullable().describe('when loading finished, or null while loading'),
                updatedAt: z.string().nullable().describe('the last change applied, or null'),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      ready: matcher.ready,
      indexes: matcher.status(),
    }),
  );

  api.get(
    '/v1/flood-reports',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Bank items recently quarantined by flood protection',
        response: {
          200: z.object({
            reports: z
              .array(
                z.object({
                  contentId: z.number().int(),
                  bank: z.string(),
                  matchesInWindow: z.number().int(),
                  windowMs: z.number().int(),
                  quarantinedAt: z.string(),
                }),
              )
              .readonly(),
          }),
        },
      },
    },
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
