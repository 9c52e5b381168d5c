import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EngineError } from '../../core/index.js';
import type { OidcPending, OidcSignOn } from '../../people/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { consoleRoute } from './console-route.js';
import { readCookie, secureCookies, setSessionCookie } from './session-cookie.js';

const pendingCookie = 'prevail_oidc';
const pendingPath = '/console/api/auth/oidc';
/** How long a started single sign-on may take before its state is forgotten. */
const pendingSeconds = 600;

function readPending(request: FastifyRequest): OidcPending | undefined {
  const value = readCookie(request, pendingCookie);
  const match = value === undefined ? null : /^([A-Za-z0-9_-]{16,128})\.([A-Za-z0-9_-]{43,128})$/.exec(value);
  return match === null ? undefined : { state: match[1] as string, codeVerifier: match[2] as string };
}

function signOnOf(oidc: OidcSignOn | undefined, request: FastifyRequest): OidcSignOn {
  if (oidc === undefined)
    throw new EngineError(
      'ROUTE_NOT_FOUND',
      `no route for ${request.method} ${request.url.split('?')[0]} (single sign-on is not configured)`,
    );
  return oidc;
}

/**
 * How one signs in (`GET /console/api/auth/methods` → `{password, oidc}`, no session needed: the
 * login page offers single sign-on only when it is configured), and optional single sign-on
 * (`PREVAIL_OIDC_*`): `start` redirects to the identity provider with
 * PKCE and state, kept in a short-lived HttpOnly cookie (SameSite=Lax: the provider's redirect
 * back is a cross-site navigation, which a Strict cookie would not survive); `callback` checks
 * them, maps the ID token to an existing, enabled person (never creating one) and starts a
 * session as a password sign-in does, then redirects to `/console/`. Without the settings both
 * answer 404 `ROUTE_NOT_FOUND`.
 */
export function registerOidcRoutes(app: FastifyInstance, { oidc, people }: HttpDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['console'];
  api.get(
    '/console/api/auth/methods',
    {
      config: consoleRoute({ anonymous: true }),
      schema: {
        tags,
        summary: 'How one may sign in: password, and single sign-on when it is configured',
        response: { 200: z.object({ password: z.boolean(), oidc: z.boolean() }) },
      },
    },
    async () => ({ password: people !== undefined, oidc: oidc !== undefined }),
  );
  api.get(
    '/console/api/auth/oidc/start',
    {
      config: consoleRoute({ anonymous: true }),
      schema: {
        tags,
        summary: 'Start single sign-on (redirect)',
        response: { 302: z.undefined().describe("to the identity provider's sign-in page (Location)") },
      },
    },
    async (request, reply: FastifyReply) => {
      const signOn = signOnOf(oidc, request);
      const { url, pending } = await signOn.start();
      reply.setCookie(pendingCookie, `${pending.state}.${pending.codeVerifier}`, {
        httpOnly: true,
        sameSite: 'lax',
        path: pendingPath,
        secure: secureCookies(request),
        maxAge: pendingSeconds,
      });
      reply.header('cache-control', 'no-store');
      return reply.redirect(url.href, 302);
    },
  );
  api.get(
    '/console/api/auth/oidc/callback',
    {
      config: consoleRoute({ anonymous: true }),
      schema: {
        tags,
        summary: "Single sign-on's return from the identity provider",
        response: { 302: z.undefined().describe('signed in: to /console/ (Location)') },
      },
    },
    async (request, reply: FastifyReply) => {
      const signOn = signOnOf(oidc, request);
      if (people === undefined) throw new EngineError('ROUTE_NOT_FOUND', 'this server has no console sign-in');
      const pending = readPending(request);
      reply.clearCookie(pendingCookie, { path: pendingPath, httpOnly: true, sameSite: 'lax' });
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      const login = await signOn.finish(query, pending);
      const started = await people.signInVerified(login);
      setSessionCookie(request, reply, started.token, started.expiresAt);
      reply.header('cache-control', 'no-store');
      return reply.redirect('/console/', 302);
    },
  );
}
