/** HTTP transport: the Fastify server with the HMA-compatible routes and the `/v1` API. */
export { buildHttpServer, isHmaPath } from './app.js';
export type { HttpConfig, HttpDependencies } from './dependencies.js';
export { httpStatusOfCode } from './errors.js';
export { loopbackHostNames, serverHostNames } from './request-guard.js';
