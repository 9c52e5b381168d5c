import type { ApiScope } from '../auth/index.js';

declare module 'fastify' {
  /**
   * Per-route settings read by the server's hooks. Every route declares the scope it needs;
   * `public` routes (status, OpenAPI, docs) need none; `hma` marks the HMA-compatible routes,
   * whose errors are `{"message"}` and whose access follows `HttpConfig.hmaAccess`.
   */
  interface FastifyContextConfig {
    scope?: ApiScope | 'public';
    hma?: boolean;
  }
  interface FastifyRequest {
    /** Who is calling: the API key's name, or `anonymous` on open routes (for the audit log). */
    actor: string;
  }
}
