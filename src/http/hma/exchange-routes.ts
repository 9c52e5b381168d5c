import type { FastifyInstance } from 'fastify';
import { hmaRoute } from './hma-route.js';
import { asJsonObject } from './json-body.js';
import { stringParam } from './route-params.js';

/**
 * The exchange routes of HMA 1.1.7 (`/c/exchanges…`, `/c/exchange/<name>…`), answered as an HMA
 * with **no exchange APIs configured** would answer them. Exchanges (fetching hash lists from
 * NCMEC, StopNCII, ThreatExchange) are not implemented yet; these answers keep the clients that
 * probe them safe:
 * - Coop reads `GET /c/exchange/<bank>` → 404 as "this bank has no exchange", and
 *   `GET /c/exchanges/apis` → `[]` as "no exchange APIs", falling back to its built-in schemas;
 * - creating an exchange fails with HMA's 400 for an unknown API, which Coop and the fetlife gem
 *   report as an error instead of believing it exists.
 */
export function registerExchangeRoutes(app: FastifyInstance): void {
  hmaRoute(app, {
    method: 'GET',
    url: '/c/exchanges/apis',
    scope: 'read',
    summary: 'Exchange APIs available (none yet) (HMA GET /c/exchanges/apis)',
    handler: async () => [],
  });

  hmaRoute(app, {
    method: 'GET',
    url: '/c/exchanges',
    scope: 'read',
    summary: 'Configured exchanges (none yet) (HMA GET /c/exchanges)',
    handler: async () => [],
  });

  for (const method of ['GET', 'POST'] as const) {
    hmaRoute(app, {
      method,
      url: '/c/exchanges/api/:api_name',
      scope: method === 'GET' ? 'read' : 'write',
      summary: `Exchange API credentials status (HMA ${method} /c/exchanges/api/<api>)`,
      handler: async (request, reply) =>
        reply.code(400).send({ message: `no such Exchange API '${stringParam(request.params, 'api_name')}'` }),
    });
  }

  hmaRoute(app, {
    method: 'GET',
    url: '/c/exchanges/api/:api_name/schema',
    scope: 'read',
    summary: 'Exchange API configuration schema (HMA GET /c/exchanges/api/<api>/schema)',
    handler: async (request, reply) =>
      reply.code(404).send({ message: `Exchange API '${stringParam(request.params, 'api_name')}' not found` }),
  });

  // POST /c/exchanges {bank, api, api_json}: HMA's checks in order; with no API installed, every
  // well-formed request ends at `No such exchange type '<api>'`.
  hmaRoute(app, {
    method: 'POST',
    url: '/c/exchanges',
    scope: 'write',
    summary: 'Create an exchange (no exchange APIs yet) (HMA POST /c/exchanges)',
    handler: async (request, reply) => {
      const body = asJsonObject(request.body) ?? {};
      const refuse = (message: string) => reply.code(400).send({ message });
      if (body.bank === undefined || body.bank === null) return refuse('bank is required');
      if (typeof body.bank !== 'string' || !/^[A-Z0-9_]+$/.test(body.bank)) {
        return refuse('Field `bank` must match /^[A-Z0-9_]+$/');
      }
      if (body.api === undefined || body.api === null) return refuse('Field `api_type` is required');
      return refuse(`No such exchange type '${String(body.api)}'`);
    },
  });

  for (const [method, suffix] of [
    ['GET', ''],
    ['PUT', ''],
    ['GET', '/status'],
  ] as const) {
    hmaRoute(app, {
      method,
      url: `/c/exchange/:exchange_name${suffix}`,
      scope: method === 'GET' ? 'read' : 'write',
      summary: `Exchange ${suffix === '' ? 'configuration' : 'fetch status'} (HMA ${method} /c/exchange/<name>${suffix})`,
      handler: async (request, reply) =>
        reply.code(404).send({ message: `Exchange '${stringParam(request.params, 'exchange_name')}' not found` }),
    });
  }

  // DELETE /c/exchange/<name>: HMA answers 200 for a name it does not know.
  hmaRoute(app, {
    method: 'DELETE',
    url: '/c/exchange/:exchange_name',
    scope: 'write',
    summary: 'Delete an exchange (HMA DELETE /c/exchange/<name>)',
    handler: async () => ({ message: 'Exchange deleted' }),
  });
}
