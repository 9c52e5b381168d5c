import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caseDecisions, casePriorities, caseStatuses } from '../../cases/index.js';
import { EngineService, nodeRulesReloadSchema, rulesReloadSchema } from '../../engine/index.js';
import { ruleModes } from '../../rules/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { queryInteger } from '../query-values.js';
import { caseAnswerSchema, caseFileAnswerSchema, ingestAnswerSchema, linkAnswerSchema } from './answer-schemas.js';
import { caseFileAnswer } from './case-file-answer.js';
import { definedOnly } from './defined-only.js';
import { reasonSchema, requireReason } from './reason.js';

const caseParams = z.object({ id: queryInteger(1) });
const reasonQuery = z.object({ reason: reasonSchema });
const entityParams = z.object({
  type: z.string().regex(/^[a-z][a-z0-9_]*$/),
  id: z.string().min(1).max(200),
});
const caseChangeSchema = z
  .strictObject({
    status: z.enum(caseStatuses).optional(),
    assignee: z.string().max(200).nullable().optional(),
    decision: z.enum(caseDecisions).optional(),
    priority: z.enum(casePriorities).optional(),
    legalHold: z.boolean().optional(),
    imminent: z.boolean().optional(),
    reason: reasonSchema,
  })
  .refine((body) => Object.keys(body).length >= 2, 'give at least one change besides the reason')
  .meta({ minProperties: 2 });
/**
 * The body of `POST /v1/events`: one event or an array of them. Each is checked by the engine
 * against its type (built-in or the policy's `event-types/`, known only at run time) and answered
 * per event (`rejected` with its problems), so the schema here only says what the envelope is.
 */
const eventSchema = z
  .record(z.string(), z.unknown())
  .describe(
    'an event: {"id", "type", "time", "entities": {role: id}, "data"}; its data is checked against its type (docs/signals-engine.md)',
  );
const eventsBodySchema = z.union([eventSchema, z.array(z.unknown()).describe('a batch of events')]);

const labelChangeSchema = z.strictObject({
  label: z.string(),
  action: z.enum(['add', 'remove']),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  reason: reasonSchema,
});

/**
 * The signals engine over HTTP: event ingestion (asynchronous, or synchronous with
 * `?wait=verdict`), cases and entities (through the cases service: every read of case material
 * and every change is audited once, with the reason the caller gives), rule statistics and reload.
 * Each handler only maps HTTP to the `EngineService` or the `CaseService`: the domain rules
 * (one event or a batch, labels and their audit, precision) live there.
 */
export function registerEngineRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { engine, engineStore: store, audit, cases } = dependencies;
  if (engine === undefined || store === undefined || audit === undefined || cases === undefined) return;
  const service = new EngineService(engine, store, audit);
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['engine'];

  api.post(
    '/v1/events',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Ingest one event or a batch (idempotent by event id); ?wait=verdict returns verdicts synchronously',
        querystring: z.strictObject({ wait: z.literal('verdict').optional() }),
        body: eventsBodySchema,
        response: { 200: ingestAnswerSchema },
      },
    },
    async (request) => service.ingest(request.body, { wait: request.query.wait === 'verdict' }),
  );

  api.get(
    '/v1/cases',
    {
      config: { scope: 'read' },
      preValidation: requireReason('query'),
      schema: {
        tags,
        summary: 'List cases, newest first (audited: give ?reason=)',
        querystring: z.strictObject({
          status: z.enum(caseStatuses).optional(),
          subject: z.string().optional(),
          limit: queryInteger(1, 1000).optional(),
          reason: reasonSchema,
        }),
        response: { 200: z.object({ cases: z.array(caseAnswerSchema) }) },
      },
    },
    async (request) => {
      const { reason, ...filter } = request.query;
      return { cases: await cases.list(definedOnly(filter), { actor: request.actor, reason }) };
    },
  );

  api.get(
    '/v1/cases/:id',
    {
      config: { scope: 'read' },
      preValidation: requireReason('query'),
      schema: {
        tags,
        summary:
          'Show a case with its timeline (message text withheld), linked entities and rule hits (audited: give ?reason=)',
        params: caseParams,
        querystring: reasonQuery,
        response: { 200: caseFileAnswerSchema },
      },
    },
    async (request) =>
      caseFileAnswer(await cases.show(request.params.id, { actor: request.actor, reason: request.query.reason })),
  );

  api.patch(
    '/v1/cases/:id',
    {
      config: { scope: 'write' },
      preValidation: requireReason('body'),
      schema: {
        tags,
        summary:
          'Change a case: status (within the lifecycle), assignee, decision (confirmed / dismissed), priority, legal hold, imminent harm (audited)',
        params: caseParams,
        body: caseChangeSchema,
        response: { 200: z.object({ case: caseAnswerSchema }) },
      },
    },
    async (request) => {
      const { reason, ...change } = request.body;
      return { case: await cases.update(request.params.id, definedOnly(change), { actor: request.actor, reason }) };
    },
  );

  api.get(
    '/v1/entities/:type/:id',
    {
      config: { scope: 'read' },
      preValidation: requireReason('query'),
      schema: {
        tags,
        summary: 'An entity: its labels, features, newest case and links, two hops out (audited: give ?reason=)',
        params: entityParams,
        querystring: z.strictObject({ reason: reasonSchema }),
        response: {
          200: z.object({
            entity: z.string().describe('type:id'),
            labels: z.array(z.string()).describe('the labels it carries now'),
            features: z.record(z.string(), z.number().nullable()).describe("its type's features, by name"),
            case: caseAnswerSchema.nullable().describe('its newest case, or null'),
            links: z.array(linkAnswerSchema),
            secondHop: z.array(linkAnswerSchema).describe("its neighbours' links"),
          }),
        },
      },
    },
    async (request) => {
      const key = `${request.params.type}:${request.params.id}`;
      const view = await cases.entity(key, { actor: request.actor, reason: request.query.reason });
      return { entity: key, ...service.entityFacts(key), ...view };
    },
  );

  api.post(
    '/v1/entities/:type/:id/labels',
    {
      config: { scope: 'write' },
      preValidation: requireReason('body'),
      schema: {
        tags,
        summary: 'Add or remove a label on an entity (a person setting it; audited)',
        params: entityParams,
        body: labelChangeSchema,
        response: {
          200: z.object({ entity: z.string(), labels: z.array(z.string()).describe('its labels after the change') }),
        },
      },
    },
    async (request) => {
      const { reason, ...change } = request.body;
      const entity = `${request.params.type}:${request.params.id}`;
      const labels = await service.changeLabel({ entity, ...definedOnly(change) }, { actor: request.actor, reason });
      return { entity, labels };
    },
  );

  api.get(
    '/v1/rules/stats',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary:
          "Each rule's hits and its precision against decided cases; the rules disabled for going over the cost budget",
        response: {
          200: z.object({
            rules: z.array(
              z.object({
                ruleId: z.string(),
                mode: z.enum(ruleModes),
                hits: z.number().int(),
                subjects: z.number().int(),
                confirmed: z.number().int(),
                dismissed: z.number().int(),
                precision: z
                  .number()
                  .nullable()
                  .describe('confirmed / (confirmed + dismissed); null before any decision'),
              }),
            ),
            disabled: z
              .array(
                z.object({
                  ruleId: z.string(),
                  reason: z.string().describe('what went over the cost budget'),
                  eventId: z.string(),
                  disabledAt: z.string(),
                }),
              )
              .readonly(),
          }),
        },
      },
    },
    async () => service.ruleStats(),
  );

  api.post(
    '/v1/rules/reload',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Reload the rules here and, in multi-node mode, on every node; a bad set keeps the old one running',
        'x-prevail-no-body': true,
        response: {
          200: z.intersection(
            rulesReloadSchema,
            z.object({
              nodes: z
                .array(nodeRulesReloadSchema)
                .readonly()
                .optional()
                .describe(
                  'in multi-node mode: what every other node (worker or API node) that answered within 2 s did; a node not listed did not answer in time',
                ),
            }),
          ),
        },
      },
    },
    async (request) => service.reloadRules(request.actor),
  );
}
