/** The ThreatExchange client (`createThreatexchangeClient`), its schemas and checkpoint. */
export type { ThreatexchangeCheckpoint } from './checkpoint.js';
export {
  type ThreatexchangeConfig,
  type ThreatexchangeCredentials,
  threatexchangeConfigSchema,
  threatexchangeCredentialsSchema,
} from './config.js';
export { createThreatexchangeClient } from './threatexchange-client.js';
export { threatexchangeKind } from './threatexchange-kind.js';
