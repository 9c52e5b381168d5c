/**
 * The NCMEC Hash Sharing API client (`createNcmecClient`), its configuration and credential
 * schemas, and the checkpoint it writes (HMA's field names).
 */
export type { NcmecCheckpoint } from './checkpoint.js';
export { type NcmecConfig, type NcmecCredentials, ncmecConfigSchema, ncmecCredentialsSchema } from './config.js';
export { createNcmecClient, ncmecCursorLifetimeSeconds } from './ncmec-client.js';
export { ncmecKind } from './ncmec-kind.js';
