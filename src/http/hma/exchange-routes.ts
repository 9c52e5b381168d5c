import type { FastifyInstance } from 'fastify';
import { EngineError } from '../../core/index.js';
import type { ExchangeKind } from '../../exchanges/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { hmaRoute } from './hma-route.js';
import { asJsonObject } from './json-body.js';
import { stringParam } from './route-params.js';

/** Unix seconds of an ISO time, or null. */
function seconds(iso: string | null): number | null {
  return iso === null ? null : Math.floor(Date.parse(iso) / 1000);
}

function schemaOf(fields: ExchangeKind['configFields']) {
  return {
    fields: fields.map((field) => ({
      name: field.name,
      type: field.type,
      required: field.required,
      default: field.default ?? null,
      help: field.help,
      choices: field.choices ?? null,
    })),
  };
}

/**
 * The exchange routes of HMA 1.1.7 (`/c/exchanges…`, `/c/exchange/<name>…`) over the exchange
 * service, with HMA's paths, keys (the misspelt `supports_authentification` included), status
 * codes and messages. APIs are the installed exchange kinds under their HMA names (`local_file`,
 * `url`, `prevail`, and whatever else the composition root installs); credentials set here are
 * the kind's default credentials, sealed at rest and never returned. Differences from HMA are
 * listed in `docs/http-api.md`.
 */
export function registerExchangeRoutes(app: FastifyInstance, { exchanges }: HttpDependencies): void {
  const kindOf = (api: string) => (exchanges === undefined ? undefined : exchanges.kinds.find(api));
  const hmaName = (kind: ExchangeKind) => kind.hmaName ?? kind.kind;

  hmaRoute(app, {
    method: 'GET',
    url: '/c/exchanges/apis',
    scope: 'read',
    summary: 'Installed exchange APIs (HMA GET /c/exchanges/apis)',
    handler: async () => (exchanges === undefined ? [] : exchanges.kinds.list().map(hmaName)),
  });

  hmaRoute(app, {
    method: 'GET',
    url: '/c/exchanges',
    scope: 'read',
    summary: 'Configured exchanges (HMA GET /c/exchanges)',
    handler: async () => (exchanges === undefined ? [] : (await exchanges.list()).map((exchange) => exchange.name)),
  });

  for (const method of ['GET', 'POST'] as const) {
    hmaRoute(app, {
      method,
      url: '/c/exchanges/api/:api_name',
      scope: method === 'GET' ? 'read' : 'write',
      summary: `Exchange API credentials status${method === 'POST' ? ' (sets or clears them)' : ''} (HMA ${method} /c/exchanges/api/<api>)`,
      handler: async (request, reply) => {
        const api = stringParam(request.params, 'api_name');
        const kind = kindOf(api);
        if (exchanges === undefined || kind === undefined) {
          return reply.code(400).send({ message: `no such Exchange API '${api}'` });
        }
        if (method === 'POST') {
          const body = asJsonObject(request.body);
          if (body === undefined)
            return reply.code(400).send({ message: 'this endpoint expects a json object payload' });
          const credentials = body.credential_json;
          if (credentials !== undefined && credentials !== null) {
            const empty =
              typeof credentials === 'object' && !Array.isArray(credentials) && Object.keys(credentials).length === 0;
            await exchanges.setCredentials({ kind: kind.kind }, empty ? null : credentials);
          }
        }
        return {
          supports_authentification: kind.credentialFields !== null,
          has_set_authentification: await exchanges.hasCredentials({ kind: kind.kind }),
        };
      },
    });
  }

  hmaRoute(app, {
    method: 'GET',
    url: '/c/exchanges/api/:api_name/schema',
    scope: 'read',
    summary: 'Exchange API configuration schema (HMA GET /c/exchanges/api/<api>/schema)',
    handler: async (request, reply) => {
      const api = stringParam(request.params, 'api_name');
      const kind = kindOf(api);
      if (kind === undefined) return reply.code(404).send({ message: `Exchange API '${api}' not found` });
      return {
        config_schema: schemaOf(kind.configFields),
        credentials_schema: kind.credentialFields === null ? null : schemaOf(kind.credentialFields),
      };
    },
  });

  // POST /c/exchanges {bank, api, api_json}: HMA's checks in order, then the kind's own.
  hmaRoute(app, {
    method: 'POST',
    url: '/c/exchanges',
    scope: 'write',
    summary: 'Create an exchange and its bank (HMA POST /c/exchanges)',
    handler: async (request, reply) => {
      const body = asJsonObject(request.body) ?? {};
      const refuse = (message: string) => reply.code(400).send({ message });
      if (body.bank === undefined || body.bank === null) return refuse('bank is required');
      if (typeof body.bank !== 'string' || !/^[A-Z0-9_]+$/.test(body.bank)) {
        return refuse('Field `bank` must match /^[A-Z0-9_]+$/');
      }
      if (body.api === undefined || body.api === null) return refuse('Field `api_type` is required');
      const kind = typeof body.api === 'string' ? kindOf(body.api) : undefined;
      if (exchanges === undefined || kind === undefined) return refuse(`No such exchange type '${String(body.api)}'`);
      await exchanges.add({ name: body.bank, kind: kind.kind, config: body.api_json ?? {} });
      return reply.code(201).send({ message: 'Created successfully' });
    },
  });

  const notFound = (name: string) => new EngineError('EXCHANGE_NOT_FOUND', `Exchange '${name}' not found`);

  hmaRoute(app, {
    method: 'GET',
    url: '/c/exchange/:exchange_name',
    scope: 'read',
    summary: 'Exchange configuration (HMA GET /c/exchange/<name>)',
    handler: async (request) => {
      const name = stringParam(request.params, 'exchange_name');
      const exchange = await exchanges?.find(name);
      if (exchanges === undefined || exchange === undefined) throw notFound(name);
      const kind = exchanges.kinds.find(exchange.kind);
      return {
        name: exchange.name,
        api: kind === undefined ? exchange.kind : hmaName(kind),
        enabled: exchange.enabled,
        ...exchange.config,
      };
    },
  });

  hmaRoute(app, {
    method: 'GET',
    url: '/c/exchange/:exchange_name/status',
    scope: 'read',
    summary: 'Exchange fetch status (HMA GET /c/exchange/<name>/status)',
    handler: async (request) => {
      const name = stringParam(request.params, 'exchange_name');
      const exchange = await exchanges?.find(name);
      if (exchanges === undefined || exchange === undefined) throw notFound(name);
      const status = await exchanges.status(name);
      return {
        checkpoint_ts: status.progressTimestamp,
        fetched_items: status.fetchedItems,
        last_fetch_complete_ts: seconds(status.fetchEndedAt),
        last_fetch_succeeded: status.lastSucceeded ?? false,
        running_fetch_start_ts: status.leaseOwner === null ? null : seconds(status.fetchStartedAt),
        up_to_date: status.upToDate,
      };
    },
  });

  hmaRoute(app, {
    method: 'PUT',
    url: '/c/exchange/:exchange_name',
    scope: 'write',
    summary: 'Enable or disable fetching an exchange (HMA PUT /c/exchange/<name>)',
    handler: async (request, reply) => {
      const name = stringParam(request.params, 'exchange_name');
      if (exchanges === undefined || (await exchanges.find(name)) === undefined) throw notFound(name);
      const body = asJsonObject(request.body);
      if (body === undefined) return reply.code(400).send({ message: 'this endpoint expects a json object payload' });
      if (body.enabled !== undefined && typeof body.enabled !== 'boolean') {
        throw new EngineError('EXCHANGE_INVALID', 'enabled must be true or false');
      }
      const updated = await exchanges.update(name, body.enabled === undefined ? {} : { enabled: body.enabled });
      return { name: updated.name, enabled: updated.enabled };
    },
  });

  // DELETE /c/exchange/<name>: HMA answers 200 for a name it does not know.
  hmaRoute(app, {
    method: 'DELETE',
    url: '/c/exchange/:exchange_name',
    scope: 'write',
    summary: 'Delete an exchange, its bank and its content (HMA DELETE /c/exchange/<name>)',
    handler: async (request) => {
      await exchanges?.remove(stringParam(request.params, 'exchange_name'));
      return { message: 'Exchange deleted' };
    },
  });
}
