import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EngineError } from '../../core/index.js';
import { mayWorkChildSafety, type PeopleService, type Person, permissionsOf } from '../../people/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { consoleRoute } from './console-route.js';
import { sessionSchema } from './people-schemas.js';
import { clearSessionCookie, readCookie, sessionCookieName, setSessionCookie } from './session-cookie.js';

/** The body of `POST` and `GET /console/api/session`: who is signed in and what they may do. */
export function sessionJson(person: Person, csrfToken: string) {
  return {
    person,
    csrfToken,
    permissions: permissionsOf(person),
    childSafety: mayWorkChildSafety(person),
  };
}

function requirePeople(people: PeopleService | undefined): PeopleService {
  if (people === undefined) throw new EngineError('ROUTE_NOT_FOUND', 'this server has no console sign-in');
  return people;
}

/**
 * `/console/api/session`: sign in with a login and password (`POST`, sets the `prevail_session`
 * cookie: HttpOnly, SameSite=Strict, Path=/console, Secure unless plain-HTTP loopback), who is
 * signed in (`GET`), sign out (`DELETE`). Five failed sign-ins in a row lock a login for 30
 * seconds (429 `AUTH_THROTTLED` with `Retry-After`); an unknown login and a wrong password get
 * the same 401 `AUTH_INVALID`.
 */
export function registerSessionRoutes(app: FastifyInstance, { people }: HttpDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['console'];
  api.post(
    '/console/api/session',
    {
      config: consoleRoute({ anonymous: true }),
      schema: {
        tags,
        summary: 'Sign in to the console (sets the session cookie; answers the CSRF token for writes)',
        body: z.strictObject({
          login: z.string().min(1).max(256),
          password: z.string().min(1).max(1024),
        }),
        response: { 200: sessionSchema },
      },
    },
    async (request, reply) => {
      const service = requirePeople(people);
      // A new sign-in replaces whatever session this browser had.
      await service.endSession(readCookie(request, sessionCookieName));
      const started = await service.signIn(request.body.login, request.body.password);
      setSessionCookie(request, reply, started.token, started.expiresAt);
      reply.header('cache-control', 'no-store');
      return sessionJson(started.person, started.csrfToken);
    },
  );
  api.get(
    '/console/api/session',
    {
      config: consoleRoute(),
      schema: {
        tags,
        summary: 'Who is signed in, their permissions and the CSRF token for writes',
        response: { 200: sessionSchema },
      },
    },
    async (request, reply) => {
      const person = request.person;
      const session = request.consoleSession;
      if (person === undefined || session === undefined) throw new EngineError('AUTH_REQUIRED', 'sign in first');
      reply.header('cache-control', 'no-store');
      return sessionJson(person, session.csrfToken);
    },
  );
  api.delete(
    '/console/api/session',
    {
      config: consoleRoute(),
      schema: {
        tags,
        summary: 'Sign out (ends the session, clears the cookie)',
        response: { 204: z.undefined().describe('signed out') },
      },
    },
    async (request, reply) => {
      await requirePeople(people).endSession(readCookie(request, sessionCookieName));
      clearSessionCookie(request, reply);
      return reply.code(204).send();
    },
  );
}
