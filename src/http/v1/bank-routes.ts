import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EngineError } from '../../core/index.js';
import { extraVideoViewNames, optionalVideoSignalNames } from '../../signals/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { definedOnly } from './defined-only.js';
import { bankJson } from './json.js';
import { bankNameSchema, bankResponseSchema } from './schemas.js';

const bankSettings = {
  description: z.string().max(2000).optional(),
  enabledRatio: z.number().min(0).max(1).describe('share of lookups that consult the bank').optional(),
  pdqThreshold: z.number().int().min(0).max(128).describe('largest PDQ distance that matches (default 31)').optional(),
  negative: z.boolean().describe('a match here suppresses matches of the same query in other banks').optional(),
  videoViews: z
    .array(z.enum(extraVideoViewNames))
    .max(extraVideoViewNames.length * 2)
    .describe(
      'extra views of the videos added to the bank as media, held in their vpdq_dense (corners: the four corners of the picture, 45 % of each side, for scaled-down streams under an overlay; costs 85–280 % more banked frames); [] for none (the default). Applies to videos added afterwards',
    )
    .optional(),
  // Names are checked by the bank service alone (`checkVideoSignals`: BANK_INVALID_SETTINGS).
  videoSignals: z
    .array(z.string())
    .describe(
      `signals beyond the usual ones computed for the videos added to the bank as media, any of: ${optionalVideoSignalNames.join(', ')} (tmk_pdqf: TMK+PDQF of the whole video, for re-uploads sped up, slowed down or shifted; one more ffmpeg pass per video and 351 KB stored); [] for none (the default). Another name is BANK_INVALID_SETTINGS and changes nothing. Applies to videos added afterwards`,
    )
    .optional(),
};

const newBankSchema = z.strictObject({ name: bankNameSchema, ...bankSettings });
const bankParams = z.object({ name: z.string() });
const bankChangeSchema = z.strictObject({ name: bankNameSchema.optional(), ...bankSettings });

/** `/v1/banks`: create, list, show, change and delete banks. */
export function registerBankRoutes(app: FastifyInstance, { banks }: HttpDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['banks'];
  api.get(
    '/v1/banks',
    {
      config: { scope: 'read' },
      schema: { tags, summary: 'List banks', response: { 200: z.object({ banks: z.array(bankResponseSchema) }) } },
    },
    async () => ({ banks: (await banks.listBanks()).map(bankJson) }),
  );

  api.post(
    '/v1/banks',
    {
      config: { scope: 'write' },
      schema: { tags, summary: 'Create a bank', body: newBankSchema, response: { 201: bankResponseSchema } },
    },
    async (request, reply) => reply.code(201).send(bankJson(await banks.createBank(definedOnly(request.body)))),
  );

  api.get(
    '/v1/banks/:name',
    {
      config: { scope: 'read' },
      schema: { tags, summary: 'Show a bank', params: bankParams, response: { 200: bankResponseSchema } },
    },
    async (request) => bankJson(await banks.getBank(request.params.name)),
  );

  api.patch(
    '/v1/banks/:name',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Change a bank (rename, ratio, threshold, negative, video views)',
        params: bankParams,
        body: bankChangeSchema,
        response: { 200: bankResponseSchema },
      },
    },
    async (request) => bankJson(await banks.updateBank(request.params.name, definedOnly(request.body))),
  );

  api.delete(
    '/v1/banks/:name',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Delete a bank and its content (404 when there is none)',
        params: bankParams,
        response: {
          200: z.object({
            deleted: z.literal(true),
            contentRemoved: z.number().int().describe('how many bank items went with it'),
          }),
        },
      },
    },
    async (request) => {
      const outcome = await banks.deleteBank(request.params.name);
      if (!outcome.deleted) throw new EngineError('BANK_NOT_FOUND', `bank '${request.params.name}' not found`);
      return { deleted: true as const, contentRemoved: outcome.contentRemoved };
    },
  );
}
