/** The StopNCII Hash Exchange API client (`createStopnciiClient`), its schemas and checkpoint. */
export type { StopnciiCheckpoint } from './checkpoint.js';
export {
  type StopnciiConfig,
  type StopnciiCredentials,
  stopnciiConfigSchema,
  stopnciiCredentialsSchema,
} from './config.js';
export { createStopnciiClient } from './stopncii-client.js';
export { stopnciiKind } from './stopncii-kind.js';
