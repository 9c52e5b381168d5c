import type { FastifyInstance } from 'fastify';
import { EngineError } from '../../core/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { bankJson, schemas } from './json.js';

interface BankBody {
  name?: string;
  description?: string;
  enabledRatio?: number;
  pdqThreshold?: number;
  negative?: boolean;
}

const bankSettings = {
  description: { type: 'string', maxLength: 2000 },
  enabledRatio: { type: 'number', minimum: 0, maximum: 1, description: 'share of lookups that consult the bank' },
  pdqThreshold: {
    type: 'integer',
    minimum: 0,
    maximum: 128,
    description: 'largest PDQ distance that matches (default 31)',
  },
  negative: { type: 'boolean', description: 'a match here suppresses matches of the same query in other banks' },
} as const;

/** `/v1/banks`: create, list, show, change and delete banks. */
export function registerBankRoutes(app: FastifyInstance, { banks }: HttpDependencies): void {
  const tags = ['banks'];
  app.get('/v1/banks', { config: { scope: 'read' }, schema: { tags, summary: 'List banks' } }, async () => ({
    banks: (await banks.listBanks()).map(bankJson),
  }));

  app.post<{ Body: BankBody & { name: string } }>(
    '/v1/banks',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Create a bank',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: schemas.bankName, ...bankSettings },
        },
        response: { 201: schemas.bank },
      },
    },
    async (request, reply) => reply.code(201).send(bankJson(await banks.createBank(definedOnly(request.body)))),
  );

  app.get<{ Params: { name: string } }>(
    '/v1/banks/:name',
    { config: { scope: 'read' }, schema: { tags, summary: 'Show a bank', response: { 200: schemas.bank } } },
    async (request) => bankJson(await banks.getBank(request.params.name)),
  );

  app.patch<{ Params: { name: string }; Body: BankBody }>(
    '/v1/banks/:name',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Change a bank (rename, ratio, threshold, negative)',
        body: { type: 'object', additionalProperties: false, properties: { name: schemas.bankName, ...bankSettings } },
        response: { 200: schemas.bank },
      },
    },
    async (request) => bankJson(await banks.updateBank(request.params.name, definedOnly(request.body ?? {}))),
  );

  app.delete<{ Params: { name: string } }>(
    '/v1/banks/:name',
    { config: { scope: 'write' }, schema: { tags, summary: 'Delete a bank and its content (404 when there is none)' } },
    async (request) => {
      const outcome = await banks.deleteBank(request.params.name);
      if (!outcome.deleted) throw new EngineError('BANK_NOT_FOUND', `bank '${request.params.name}' not found`);
      return outcome;
    },
  );
}

/** Drops keys whose value is undefined (exactOptionalPropertyTypes). */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
