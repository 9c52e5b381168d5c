import type { FastifyInstance } from 'fastify';
import type { HttpDependencies } from '../dependencies.js';
import './console-route.js';
import { registerConsoleStaticRoutes } from './static-routes.js';

/**
 * The review console: its JSON API under `/console/api` (session cookie + CSRF token, permissions
 * from `people/`) and the built single-page app under `/console`.
 */
export function registerConsoleRoutes(app: FastifyInstance, _dependencies: HttpDependencies): void {
  registerConsoleStaticRoutes(app);
}
