import type { FastifyInstance } from 'fastify';
import { EngineError } from '../core/index.js';

/**
 * Refuses a query-string or path number that is not finite (`?limit=1e999`). Schema coercion
 * turns the text "1e999" into `Infinity`, which passes `type: integer` and its bounds and then
 * reached the database as a 500. Only values coerced to numbers are checked: a text parameter
 * that happens to read "1e999" stays text.
 */
export function refuseNonFiniteNumbers(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    for (const [part, values] of [
      ['query parameter', request.query],
      ['path parameter', request.params],
    ] as const) {
      if (typeof values !== 'object' || values === null) continue;
      for (const [name, value] of Object.entries(values)) {
        const items: unknown[] = Array.isArray(value) ? value : [value];
        if (items.some((item) => typeof item === 'number' && !Number.isFinite(item))) {
          throw new EngineError('REQUEST_INVALID', `${part} ${name} must be a finite number`);
        }
      }
    }
  });
}
