import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ContentRecord, largestShownSignalLength } from '../../banks/index.js';
import { EngineError } from '../../core/index.js';
import { signalsToBank } from '../../hasher/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { withHashingPlace } from '../hashing-place.js';
import { queryInteger } from '../query-values.js';
import { contentAnswerSchema, contentSignalsAnswerSchema, deletedAnswerSchema } from './answer-schemas.js';
import { definedOnly } from './defined-only.js';
import { contentJson, contentSignalsJson } from './json.js';
import { mediaFromUrlSchema, readMedia } from './read-media.js';
import { signalsSchema } from './schemas.js';

const provenance = {
  note: z.string().max(255).optional(),
  metadata: z.record(z.string(), z.unknown()).describe('operator JSON, kept verbatim').optional(),
  source: z.string().max(200).describe('where the item came from, e.g. ncmec').optional(),
  externalId: z.string().max(200).describe('its id at the source').optional(),
  category: z.string().max(200).describe("the source's category").optional(),
  contentUri: z.string().max(2000).optional(),
};

const bankParams = z.object({ name: z.string() });
const idParams = z.object({ id: queryInteger(1) });

const contentChangeSchema = z.strictObject({
  enabled: z.boolean().optional(),
  disableUntil: z.number().int().min(0).describe('Unix seconds; 0 disables indefinitely').optional(),
  note: z.string().max(255).nullable().optional(),
  quarantined: z.literal(false).describe('false releases a quarantined item').optional(),
});

/** `/v1/banks/:name/content`, `/v1/banks/:name/media` and `/v1/content/:id`. */
export function registerContentRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { banks, config, hasher } = dependencies;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['content'];
  const bankNameOf = async (content: ContentRecord) => (await banks.repository.getBankById(content.bankId))?.name ?? '';
  const withBank = async (content: ContentRecord) => contentJson(content, await bankNameOf(content));

  api.post(
    '/v1/banks/:name/content',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Add an item by its hashes',
        params: bankParams,
        body: z.strictObject({ signals: signalsSchema, ...provenance }),
        response: { 201: contentAnswerSchema },
      },
    },
    async (request, reply) => {
      const { signals, ...details } = request.body;
      const content = await banks.addContent(request.params.name, { signals, ...definedOnly(details) });
      return reply.code(201).send(contentJson(content, request.params.name));
    },
  );

  api.post(
    '/v1/banks/:name/media',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary:
          'Add an image or a video (multipart file, or JSON {"url"}); stores its PDQ (a video: vPDQ, dense vPDQ and the bank\'s videoSignals), MD5 and SHA-256, never the media',
        description:
          'Send the image as a multipart/form-data upload (one file; optional fields note, source, externalId, category), or JSON {"url": "https://…"} with those fields: the server fetches the URL under its fetch policy.',
        params: bankParams,
        body: mediaFromUrlSchema
          .extend({
            note: z.string().max(255).optional(),
            source: z.string().max(200).optional(),
            externalId: z.string().max(200).optional(),
            category: z.string().max(200).optional(),
          })
          .nullish(),
        response: { 201: contentAnswerSchema },
      },
    },
    async (request, reply) => {
      const { hashes, details } = await withHashingPlace(hasher, async (hash) => {
        const { bytes, fields } = await readMedia(request, config.fetchPolicy);
        const body = (request.isMultipart() ? fields : (request.body ?? {})) as Record<string, unknown>;
        const details: Record<string, string> = {};
        for (const key of ['note', 'source', 'externalId', 'category'] as const) {
          const value = body[key];
          if (typeof value === 'string') details[key] = value;
        }
        const bank = await banks.getBank(request.params.name);
        const options = { signals: signalsToBank(bank.videoSignals), dihedral: false, decode: config.decode };
        return {
          hashes: await hash(bytes, { ...options, videoViews: bank.videoViews }),
          details,
        };
      });
      const content = await banks.addHashedMedia(request.params.name, hashes, details);
      return reply.code(201).send(contentJson(content, request.params.name));
    },
  );

  api.get(
    '/v1/banks/:name/content',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: "List a bank's items in id order (page with ?after=<last id>)",
        params: bankParams,
        querystring: z.object({ after: queryInteger(0).optional(), limit: queryInteger(1, 1000).optional() }),
        response: {
          200: z.object({
            content: z.array(contentAnswerSchema),
            next: z.number().int().nullable().describe('pass as ?after= for the next page; null on the last'),
          }),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const page = await banks.listContent(request.params.name, {
        limit,
        ...(request.query.after !== undefined ? { afterId: request.query.after } : {}),
      });
      const last = page.at(-1);
      return {
        content: page.map((content) => contentJson(content, request.params.name)),
        next: page.length === limit && last !== undefined ? last.id : null,
      };
    },
  );

  api.get(
    '/v1/content/:id',
    {
      config: { scope: 'read' },
      schema: { tags, summary: 'Show an item', params: idParams, response: { 200: contentAnswerSchema } },
    },
    async (request) => withBank(await banks.getContent(request.params.id)),
  );

  api.get(
    '/v1/content/:id/signals',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: "An item's signals, every value in full (a video's tmk_pdqf is 351 KB)",
        description: `Answers about items (add, show, list, change) summarise values longer than ${largestShownSignalLength} characters under largeSignals; this gives them whole.`,
        params: idParams,
        response: { 200: contentSignalsAnswerSchema },
      },
    },
    async (request) => {
      const content = await banks.getContent(request.params.id);
      return contentSignalsJson(content, await bankNameOf(content));
    },
  );

  api.patch(
    '/v1/content/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Enable, disable (until a time), annotate, or release an item from quarantine',
        params: idParams,
        body: contentChangeSchema,
        response: { 200: contentAnswerSchema },
      },
    },
    async (request) => {
      const { enabled, disableUntil, note, quarantined } = request.body ?? {};
      if (enabled !== undefined && disableUntil !== undefined) {
        throw new EngineError('REQUEST_INVALID', 'give either enabled or disableUntil, not both');
      }
      const until = enabled === undefined ? disableUntil : enabled ? 1 : 0;
      let content = await banks.updateContent(request.params.id, {
        ...(until !== undefined ? { disableUntil: until } : {}),
        ...(note !== undefined ? { note } : {}),
      });
      if (quarantined === false) content = await banks.setQuarantine(request.params.id, null);
      return withBank(content);
    },
  );

  api.delete(
    '/v1/content/:id',
    {
      config: { scope: 'write' },
      schema: { tags, summary: 'Delete an item', params: idParams, response: { 200: deletedAnswerSchema } },
    },
    async (request) => {
      if (!(await banks.deleteContent(request.params.id))) {
        throw new EngineError('CONTENT_NOT_FOUND', `content '${request.params.id}' not found`);
      }
      return { deleted: true as const };
    },
  );
}
