import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { HttpDependencies } from '../dependencies.js';
import './console-route.js';
import { registerOidcRoutes } from './oidc-routes.js';
import { registerPeopleRoutes } from './people-routes.js';
import { registerQueueRoutes } from './queue-routes.js';
import { registerReviewRoutes } from './review-routes.js';
import { registerSessionHook } from './session-hook.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerConsoleStaticRoutes } from './static-routes.js';
import { registerWellnessRoutes } from './wellness-routes.js';

/**
 * The review console: its JSON API under `/console/api` (session cookie + CSRF token, permissions
 * from `people/`) and the built single-page app under `/console`. The session hook
 * (`session-hook.ts`) guards every route whose config has `console`.
 */
export function registerConsoleRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  registerReviewRoutes(app, dependencies);
  app.register(fastifyCookie);
  registerSessionHook(app, dependencies);
  registerSessionRoutes(app, dependencies);
  registerPeopleRoutes(app, dependencies);
  registerOidcRoutes(app, dependencies);
  registerQueueRoutes(app, dependencies);
  registerWellnessRoutes(app, dependencies);
  registerConsoleStaticRoutes(app);
}
