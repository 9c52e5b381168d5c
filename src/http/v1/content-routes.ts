import type { FastifyInstance } from 'fastify';
import type { ContentRecord } from '../../banks/index.js';
import { EngineError } from '../../core/index.js';
import { hashableSignalNames } from '../../hasher/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { withHashingPlace } from '../hashing-place.js';
import { contentJson, schemas } from './json.js';
import { readMedia } from './read-media.js';

interface ContentBody {
  signals: Record<string, string>;
  note?: string;
  metadata?: Record<string, unknown>;
  source?: string;
  externalId?: string;
  category?: string;
  contentUri?: string;
}

const provenance = {
  note: { type: 'string', maxLength: 255 },
  metadata: { type: 'object', description: 'operator JSON, kept verbatim' },
  source: { type: 'string', maxLength: 200, description: 'where the item came from, e.g. ncmec' },
  externalId: { type: 'string', maxLength: 200, description: 'its id at the source' },
  category: { type: 'string', maxLength: 200, description: "the source's category" },
  contentUri: { type: 'string', maxLength: 2000 },
} as const;

/** `/v1/banks/:name/content`, `/v1/banks/:name/media` and `/v1/content/:id`. */
export function registerContentRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { banks, config, hasher } = dependencies;
  const tags = ['content'];
  const withBank = async (content: ContentRecord) => {
    const bank = await banks.repository.getBankById(content.bankId);
    return contentJson(content, bank?.name ?? '');
  };

  app.post<{ Params: { name: string }; Body: ContentBody }>(
    '/v1/banks/:name/content',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Add an item by its hashes',
        body: {
          type: 'object',
          required: ['signals'],
          additionalProperties: false,
          properties: { signals: schemas.signals, ...provenance },
        },
      },
    },
    async (request, reply) => {
      const { signals, ...details } = request.body;
      const content = await banks.addContent(request.params.name, { signals, ...details });
      return reply.code(201).send(contentJson(content, request.params.name));
    },
  );

  app.post<{ Params: { name: string } }>(
    '/v1/banks/:name/media',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Add an image (multipart file, or JSON {"url"}); stores its PDQ, MD5 and SHA-256, never the image',
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
        await banks.getBank(request.params.name);
        return {
          hashes: await hash(bytes, { signals: hashableSignalNames, dihedral: false, decode: config.decode }),
          details,
        };
      });
      const content = await banks.addHashedMedia(request.params.name, hashes, details);
      return reply.code(201).send(contentJson(content, request.params.name));
    },
  );

  app.get<{ Params: { name: string }; Querystring: { after?: number; limit?: number } }>(
    '/v1/banks/:name/content',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: "List a bank's items in id order (page with ?after=<last id>)",
        querystring: {
          type: 'object',
          properties: { after: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
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

  const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;

  app.get<{ Params: { id: number } }>(
    '/v1/content/:id',
    { config: { scope: 'read' }, schema: { tags, summary: 'Show an item', params: idParams } },
    async (request) => withBank(await banks.getContent(request.params.id)),
  );

  app.patch<{
    Params: { id: number };
    Body: { disableUntil?: number; enabled?: boolean; note?: string | null; quarantined?: false };
  }>(
    '/v1/content/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Enable, disable (until a time), annotate, or release an item from quarantine',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean' },
            disableUntil: { type: 'integer', minimum: 0, description: 'Unix seconds; 0 disables indefinitely' },
            note: { type: ['string', 'null'], maxLength: 255 },
            quarantined: { type: 'boolean', enum: [false], description: 'false releases a quarantined item' },
          },
        },
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

  app.delete<{ Params: { id: number } }>(
    '/v1/content/:id',
    { config: { scope: 'write' }, schema: { tags, summary: 'Delete an item', params: idParams } },
    async (request) => {
      if (!(await banks.deleteContent(request.params.id))) {
        throw new EngineError('CONTENT_NOT_FOUND', `content '${request.params.id}' not found`);
      }
      return { deleted: true };
    },
  );
}
