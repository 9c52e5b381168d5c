import type { RouteOptions } from 'fastify';
import { sessionCookieName } from './console/session-cookie.js';
import { errorResponseSchema } from './error-response.js';

/** The OpenAPI security schemes: an API key as a bearer token, or the console's session cookie. */
export const securitySchemes = {
  bearer: { type: 'http', scheme: 'bearer', description: 'An API key: "Authorization: Bearer <key>"' },
  consoleSession: {
    type: 'apiKey',
    in: 'cookie',
    name: sessionCookieName,
    description: 'The review console session (POST /console/api/session); writes also need its x-csrf-token',
  },
} as const;

/** True for the routes whose errors are the `/v1` error envelope and that `/openapi.json` describes in full. */
function isDescribedApiPath(url: string): boolean {
  return url.startsWith('/v1/') || url.startsWith('/console/api/');
}

/**
 * Completes a `/v1` or `/console/api` route's OpenAPI entry from what the server itself does, so
 * no route restates it: its 4xx and 5xx answers are the one error envelope (`errorResponseSchema`,
 * which the error handler sends), and its security requirement is the one the auth hooks apply —
 * an API key with the route's `scope` (also stated as `x-prevail-scope`), or the console session
 * (`x-prevail-permission` when it needs one), or none for public routes. Request and success
 * schemas stay with each route; `openapi-coverage.test.ts` fails when one is missing.
 *
 * Runs from an `onRoute` hook, before Fastify compiles the route's serialisers, so the error
 * replies are serialised (and checked) with the same schema the document shows.
 */
export function describeOperation(route: RouteOptions): void {
  if (!isDescribedApiPath(route.url)) return;
  const schema = route.schema ?? {};
  if (schema.hide === true) return;
  const response = { ...(schema.response as Record<string, unknown> | undefined) };
  response['4xx'] ??= errorResponseSchema;
  response['5xx'] ??= errorResponseSchema;
  const settings = route.config ?? {};
  const scope = settings.scope ?? 'admin';
  const consoleRoute = settings.console;
  let security: { [scheme: string]: string[] }[];
  let access: Record<string, string>;
  if (consoleRoute !== undefined) {
    security = consoleRoute.anonymous === true ? [] : [{ consoleSession: [] }];
    access = consoleRoute.permission !== undefined ? { 'x-prevail-permission': consoleRoute.permission } : {};
  } else if (scope === 'public') {
    security = [];
    access = {};
  } else {
    security = [{ bearer: [] }];
    access = { 'x-prevail-scope': scope };
  }
  route.schema = { ...schema, response, security, ...access };
}
