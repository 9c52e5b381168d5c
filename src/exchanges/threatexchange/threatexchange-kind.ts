import type { ExchangeClientOptions } from '../client-options.js';
import { checkFields } from '../exchange-config.js';
import type { ExchangeKind } from '../exchange-kind.js';
import { clientConfig, clientCredentials } from '../upstream-kind.js';
import {
  type ThreatexchangeConfig,
  type ThreatexchangeCredentials,
  threatexchangeConfigSchema,
  threatexchangeCredentialsSchema,
} from './config.js';
import { createThreatexchangeClient } from './threatexchange-client.js';

/** The Graph API base pytx uses (TE#1647); `endpoint` replaces it. */
const defaultEndpoint = 'https://graph.facebook.com/v21.0';

function settingsOf(config: Readonly<Record<string, unknown>>): ThreatexchangeConfig {
  return clientConfig(
    threatexchangeConfigSchema,
    { baseUrl: config.endpoint ?? defaultEndpoint, privacyGroup: config.privacy_group, pageSize: config.page_size },
    'the ThreatExchange exchange configuration',
  );
}

function credentialsOf(
  stored: Readonly<Record<string, unknown>> | undefined,
  code?: 'EXCHANGE_INVALID',
): ThreatexchangeCredentials {
  return clientCredentials(
    threatexchangeCredentialsSchema,
    stored,
    (given) => ({ apiToken: given.api_token }),
    'ThreatExchange',
    code,
  );
}

/**
 * `threatexchange` (HMA: `fb_threatexchange`): a ThreatExchange privacy group over the Graph API.
 * HMA's `privacy_group` (a number) and `api_token` credential; Prevail adds `endpoint` (pytx's
 * `endpoint_override`) and `page_size`.
 * `options` are the client's HTTP deadlines and retries (and test seams).
 */
export function threatexchangeKind(options: ExchangeClientOptions = {}): ExchangeKind {
  const kind: ExchangeKind = {
    kind: 'threatexchange',
    hmaName: 'fb_threatexchange',
    takesFeedback: true,
    description:
      'A ThreatExchange privacy group (Graph API): threat updates, should_delete removes, reactions as feedback',
    configFields: [
      { name: 'privacy_group', type: 'number', required: true, default: null, help: 'The privacy group id' },
      {
        name: 'endpoint',
        type: 'string',
        required: false,
        default: defaultEndpoint,
        help: 'The Graph API base with its version',
      },
      { name: 'page_size', type: 'number', required: false, default: 100, help: 'Updates per page (1 to 1,000)' },
    ],
    credentialFields: [
      {
        name: 'api_token',
        type: 'string',
        required: true,
        default: null,
        help: 'The app access token <app id>|<secret>',
      },
    ],
    parseConfig(config) {
      const checked = checkFields('threatexchange exchange config', kind.configFields, config);
      settingsOf(checked);
      return checked;
    },
    checkCredentials(credentials) {
      credentialsOf(credentials, 'EXCHANGE_INVALID');
    },
    createClient(config, credentials) {
      return createThreatexchangeClient(settingsOf(config), credentialsOf(credentials), options);
    },
  };
  return kind;
}
