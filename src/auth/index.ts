/**
 * Auth: API keys (a random secret shown once, only its SHA-256 stored) and their nested scopes.
 * The module owns the key model and the `ApiKeyRepository` contract that `storage/` implements;
 * the HTTP server and the CLI create and check keys through it.
 */
export type { ApiKeyRecord, ApiKeyRepository, ApiScope } from './api-key-repository.js';
export { apiKeyDigest, apiScopes, createApiKey, hasScope } from './api-keys.js';
