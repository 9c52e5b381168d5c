import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EngineError } from '../../core/index.js';
import { can, personActor } from '../../people/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { readCookie, sessionCookieName } from './session-cookie.js';

/** Methods that change state: on console routes they need the session's CSRF token. */
const stateChangingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The CSRF header console writes carry. */
export const csrfHeader = 'x-csrf-token';

function csrfMatches(request: FastifyRequest, expected: string): boolean {
  const sent = request.headers[csrfHeader];
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The console's session hook (`onRequest`, on every route whose config has `console`):
 *
 * - reads the session token from the `prevail_session` cookie and resolves it (sliding the idle
 *   clock); none, unknown or expired → 401 `AUTH_REQUIRED`;
 * - sets `request.person`, `request.actor` (`person:<login>`) and `request.consoleSession`;
 * - on `POST`/`PUT`/`PATCH`/`DELETE` requires `x-csrf-token` equal to the session's CSRF token
 *   (compared in constant time), else 403 `CSRF_REJECTED`;
 * - with `console.permission`, requires the person to have it (`can`), else 403 `AUTH_FORBIDDEN`.
 *
 * Routes marked `anonymous` (signing in, single sign-on) skip it; the server-wide cross-site
 * guard (`checkRequestSite`) still runs before it on every request.
 */
export function registerSessionHook(app: FastifyInstance, { people }: HttpDependencies): void {
  app.addHook('onRequest', async (request) => {
    const settings = request.routeOptions.config.console;
    if (settings === undefined || settings.anonymous === true) return;
    if (people === undefined) throw new EngineError('AUTH_REQUIRED', 'this server has no console sign-in configured');
    const session = await people.resolveSession(readCookie(request, sessionCookieName));
    if (session === undefined) throw new EngineError('AUTH_REQUIRED', 'sign in to the console first');
    request.person = session.person;
    request.actor = personActor(session.person);
    request.consoleSession = { csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    if (stateChangingMethods.has(request.method) && !csrfMatches(request, session.csrfToken)) {
      throw new EngineError('CSRF_REJECTED', `send the session's CSRF token in the ${csrfHeader} header`);
    }
    if (settings.permission !== undefined && !can(session.person, settings.permission)) {
      throw new EngineError('AUTH_FORBIDDEN', `this needs the ${settings.permission} permission`);
    }
  });
}
