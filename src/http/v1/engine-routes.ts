import type { FastifyInstance } from 'fastify';
import { type CaseChange, type CaseStatus, caseDecisions, casePriorities, caseStatuses } from '../../cases/index.js';
import { EngineError } from '../../core/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { reasonSchema, requireReason } from './reason.js';

const maxEventsPerRequest = 10_000;

/**
 * The signals engine over HTTP: event ingestion (asynchronous, or synchronous with
 * `?wait=verdict`), cases and entities (through the cases service: every read of case material
 * and every change is audited once, with the reason the caller gives), rule statistics and reload.
 */
export function registerEngineRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { engine, engineStore: store, audit, cases } = dependencies;
  if (engine === undefined || store === undefined || audit === undefined || cases === undefined) return;
  const tags = ['engine'];

  app.post<{ Querystring: { wait?: 'verdict' }; Body: unknown }>(
    '/v1/events',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Ingest one event or a batch (idempotent by event id); ?wait=verdict returns verdicts synchronously',
        querystring: {
          type: 'object',
          properties: { wait: { type: 'string', enum: ['verdict'] } },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const body = request.body;
      const events = Array.isArray(body) ? body : body !== null && typeof body === 'object' ? [body] : undefined;
      if (events === undefined) throw new EngineError('REQUEST_INVALID', 'send one event object or an array of events');
      if (events.length > maxEventsPerRequest)
        throw new EngineError('REQUEST_TOO_LARGE', `at most ${maxEventsPerRequest} events per request`);
      const results = await engine.engine.ingest(events, { wait: request.query.wait === 'verdict' });
      // One event sent on its own and refused: the request failed (a batch reports each event).
      const [only] = results;
      if (!Array.isArray(body) && only?.status === 'rejected') {
        throw new EngineError(
          'EVENT_INVALID',
          only.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '),
        );
      }
      return {
        accepted: results.filter((result) => result.status === 'accepted').length,
        duplicates: results.filter((result) => result.status === 'duplicate').length,
        rejected: results.filter((result) => result.status === 'rejected').length,
        results,
      };
    },
  );

  app.get<{ Querystring: { status?: CaseStatus; subject?: string; limit?: number; reason: string } }>(
    '/v1/cases',
    {
      config: { scope: 'read' },
      preValidation: requireReason('query'),
      schema: {
        tags,
        summary: 'List cases, newest first (audited: give ?reason=)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: {
            status: { type: 'string', enum: [...caseStatuses] },
            subject: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
            reason: reasonSchema,
          },
        },
      },
    },
    async (request) => {
      const { reason, ...filter } = request.query;
      return { cases: await cases.list(filter, { actor: request.actor, reason }) };
    },
  );

  app.get<{ Params: { id: number }; Querystring: { reason: string } }>(
    '/v1/cases/:id',
    {
      config: { scope: 'read' },
      preValidation: requireReason('query'),
      schema: {
        tags,
        summary: 'Show a case with its timeline, linked entities and rule hits (audited: give ?reason=)',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        querystring: {
          type: 'object',
          required: ['reason'],
          properties: { reason: reasonSchema },
        },
      },
    },
    async (request) => cases.show(request.params.id, { actor: request.actor, reason: request.query.reason }),
  );

  app.patch<{ Params: { id: number }; Body: CaseChange & { reason: string } }>(
    '/v1/cases/:id',
    {
      config: { scope: 'write' },
      preValidation: requireReason('body'),
      schema: {
        tags,
        summary:
          'Change a case: status (within the lifecycle), assignee, decision (confirmed / dismissed), priority, legal hold (audited)',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          minProperties: 2,
          properties: {
            status: { type: 'string', enum: [...caseStatuses] },
            assignee: { type: ['string', 'null'], maxLength: 200 },
            decision: { type: 'string', enum: [...caseDecisions] },
            priority: { type: 'string', enum: [...casePriorities] },
            legalHold: { type: 'boolean' },
            reason: reasonSchema,
          },
        },
      },
    },
    async (request) => {
      const { reason, ...change } = request.body;
      return { case: await cases.update(request.params.id, change, { actor: request.actor, reason }) };
    },
  );

  const entityParams = {
    type: 'object',
    required: ['type', 'id'],
    properties: {
      type: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
      id: { type: 'string', minLength: 1, maxLength: 200 },
    },
  } as const;

  app.get<{ Params: { type: string; id: string }; Querystring: { reason: string } }>(
    '/v1/entities/:type/:id',
    {
      config: { scope: 'read' },
      preValidation: requireReason('query'),
      schema: {
        tags,
        summary: 'An entity: its labels, features, newest case and links, two hops out (audited: give ?reason=)',
        params: entityParams,
        querystring: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: reasonSchema },
        },
      },
    },
    async (request) => {
      const { type } = request.params;
      const key = `${type}:${request.params.id}`;
      const view = await cases.entity(key, { actor: request.actor, reason: request.query.reason });
      const now = Date.now();
      const features: Record<string, number | null> = {};
      for (const spec of engine.config.features) {
        if (spec.entityType === type) features[spec.name] = engine.engine.features.value(spec.name, key, now);
      }
      return { entity: key, labels: engine.engine.labelsOf(key), features, ...view };
    },
  );

  app.post<{
    Params: { type: string; id: string };
    Body: { label: string; action: 'add' | 'remove'; expiresAt?: string; reason: string };
  }>(
    '/v1/entities/:type/:id/labels',
    {
      config: { scope: 'write' },
      preValidation: requireReason('body'),
      schema: {
        tags,
        summary: 'Add or remove a label on an entity (a person setting it; audited)',
        params: entityParams,
        body: {
          type: 'object',
          required: ['label', 'action', 'reason'],
          additionalProperties: false,
          properties: {
            label: { type: 'string' },
            action: { type: 'string', enum: ['add', 'remove'] },
            expiresAt: { type: 'string', format: 'date-time' },
            reason: reasonSchema,
          },
        },
      },
    },
    async (request) => {
      const { label, action, expiresAt, reason } = request.body;
      const key = `${request.params.type}:${request.params.id}`;
      await engine.engine.setLabel({
        entity: key,
        label,
        action,
        expiresAt: expiresAt ?? null,
        actor: request.actor,
        reason,
      });
      await audit.record({
        actor: request.actor,
        action: `label.${action}`,
        subject: key,
        reason,
        detail: { label, expiresAt },
      });
      return { entity: key, labels: engine.engine.labelsOf(key) };
    },
  );

  app.get(
    '/v1/rules/stats',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary:
          "Each rule's hits and its precision against decided cases; the rules disabled for going over the cost budget",
      },
    },
    async () => ({
      rules: (await store.ruleHitStats()).map((row) => ({
        ...row,
        precision: row.confirmed + row.dismissed === 0 ? null : row.confirmed / (row.confirmed + row.dismissed),
      })),
      disabled: engine.rules?.current.disabled ?? [],
    }),
  );

  app.post(
    '/v1/rules/reload',
    { config: { scope: 'admin' }, schema: { tags, summary: 'Reload the rules; a bad set keeps the old one running' } },
    async (request) => {
      if (engine.rules === undefined)
        throw new EngineError('CONFIG_INVALID', 'this server runs without a rules directory');
      const outcome = await engine.rules.reload();
      await audit.record({
        actor: request.actor,
        action: 'rules.reload',
        subject: 'rules',
        reason: outcome.ok ? 'reloaded' : 'refused',
        detail: outcome.ok ? {} : { diagnostics: outcome.diagnostics },
      });
      return outcome.ok
        ? { reloaded: true, rules: outcome.ruleSet.rules.length }
        : { reloaded: false, diagnostics: outcome.diagnostics };
    },
  );
}
