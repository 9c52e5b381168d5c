import type { FastifyInstance } from 'fastify';
import type { HttpDependencies } from '../dependencies.js';
import { registerBankRoutes } from './bank-routes.js';
import { registerConfigurationRoutes } from './configuration-routes.js';
import { registerContentRoutes } from './content-routes.js';
import { registerExchangeRoutes } from './exchange-routes.js';
import { registerHashingRoutes } from './hashing-routes.js';
import { registerMatchingRoutes } from './matching-routes.js';

/**
 * Registers the HMA 1.1.7-compatible API: the hasher (`/h`), matcher (`/m`) and curator (`/c`)
 * routes that Coop, matrix policyserv, the fetlife gem and HMA's own UI call, with HMA's paths,
 * shapes, status codes and error texts (the contract is written up in the shared note
 * `hma-clients.md`). Every route is marked `hma: true`, so errors are `{"message": …}` and access
 * follows `HttpConfig.hmaAccess`; reads need the `read` scope, changes to banks and content
 * `write`.
 *
 * The status routes (`/status`, `/status/live`, `/site-map`) are registered by
 * `registerStatusRoutes`.
 */
export function registerHmaRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  registerHashingRoutes(app, dependencies);
  registerMatchingRoutes(app, dependencies);
  registerBankRoutes(app, dependencies);
  registerContentRoutes(app, dependencies);
  registerConfigurationRoutes(app, dependencies);
  registerExchangeRoutes(app, dependencies);
}
