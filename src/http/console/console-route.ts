import type { Permission, Person } from '../../people/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A console route (`/console/api/…`): authenticated by the session cookie, not an API key
     * (its `scope` is `public` for the API-key hook). `permission` is what the person needs;
     * `anonymous: true` marks the one route that runs without a session (logging in).
     * State-changing methods also need the session's CSRF token in `x-csrf-token`.
     */
    console?: { readonly permission?: Permission; readonly anonymous?: boolean };
  }
  interface FastifyRequest {
    /** The signed-in person on console routes (set by the console session hook); absent elsewhere. */
    person?: Person;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session's CSRF token and end, on console routes that need a session. */
    consoleSession?: { readonly csrfToken: string; readonly expiresAt: string };
  }
}

/**
 * The `config` of a console route: no API key (`scope: 'public'` for the API-key hook), the
 * session cookie instead, with `permission` when the route needs one; `anonymous` only for
 * signing in.
 *
 * @example api.get('/console/api/queues', { config: consoleRoute({ permission: 'queues.work' }) }, …)
 */
export function consoleRoute(options: { readonly permission?: Permission; readonly anonymous?: boolean } = {}): {
  scope: 'public';
  console: { readonly permission?: Permission; readonly anonymous?: boolean };
} {
  return { scope: 'public', console: options };
}
