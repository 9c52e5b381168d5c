import type { FastifyInstance } from 'fastify';
import type { HttpDependencies } from '../dependencies.js';
import { registerActionRoutes } from './action-routes.js';
import { registerBankRoutes } from './bank-routes.js';
import { registerContentRoutes } from './content-routes.js';
import { registerDeadLetterRoutes } from './dead-letter-routes.js';
import { registerEngineRoutes } from './engine-routes.js';
import { registerExchangeFeedRoutes } from './exchange-feed-routes.js';
import { registerExchangeFeedbackRoutes } from './exchange-feedback-routes.js';
import { registerHashMatchRoutes } from './hash-match-routes.js';
import { registerKeyRoutes } from './key-routes.js';
import { registerPaymentRoutes } from './payment-routes.js';
import { registerStreamRoutes } from './stream-routes.js';

/** Prevail's own versioned API under `/v1` (every route needs an API key with a scope). */
export function registerV1Routes(app: FastifyInstance, dependencies: HttpDependencies): void {
  registerBankRoutes(app, dependencies);
  registerContentRoutes(app, dependencies);
  registerHashMatchRoutes(app, dependencies);
  registerKeyRoutes(app, dependencies);
  registerEngineRoutes(app, dependencies);
  registerDeadLetterRoutes(app, dependencies);
  registerPaymentRoutes(app, dependencies);
  registerStreamRoutes(app, dependencies);
  registerExchangeFeedRoutes(app, dependencies);
  registerExchangeFeedbackRoutes(app, dependencies);
  registerActionRoutes(app, dependencies);
}
