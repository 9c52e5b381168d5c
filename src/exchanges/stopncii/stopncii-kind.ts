import type { ExchangeClientOptions } from '../client-options.js';
import { checkFields } from '../exchange-config.js';
import type { ExchangeKind } from '../exchange-kind.js';
import { clientConfig, clientCredentials } from '../upstream-kind.js';
import {
  type StopnciiConfig,
  type StopnciiCredentials,
  stopnciiConfigSchema,
  stopnciiCredentialsSchema,
} from './config.js';
import { createStopnciiClient } from './stopncii-client.js';

/** StopNCII's public API base (pytx's); HMA's `base_url_override` credential or `base_url` replace it. */
const defaultBaseUrl = 'https://api.stopncii.org/v1';

function settingsOf(
  config: Readonly<Record<string, unknown>>,
  credentials: Readonly<Record<string, unknown>> | undefined,
): StopnciiConfig {
  return clientConfig(
    stopnciiConfigSchema,
    {
      baseUrl: credentials?.base_url_override ?? config.base_url ?? defaultBaseUrl,
      pageSize: config.page_size,
      tokenLifetimeSeconds: config.token_lifetime_seconds,
    },
    'the StopNCII exchange configuration',
  );
}

function credentialsOf(
  stored: Readonly<Record<string, unknown>> | undefined,
  code?: 'EXCHANGE_INVALID',
): StopnciiCredentials {
  return clientCredentials(
    stopnciiCredentialsSchema,
    stored,
    (given) => ({
      subscriptionKey: given.subscription_key,
      fetchFunctionKey: given.fetch_function_key,
      feedbackFunctionKey: given.feedback_function_key,
    }),
    'StopNCII',
    code,
  );
}

/**
 * `stopncii` (HMA: `stop_ncii`): StopNCII's Hash Exchange API. HMA's configuration has no field of
 * its own; credentials are HMA's `{"subscription_key", "fetch_function_key", "base_url_override"?}`
 * plus Prevail's optional `feedback_function_key` (SubmitFeedback's key: without it no feedback is
 * sent, as in HMA).
 * `options` are the client's HTTP deadlines and retries (and test seams).
 */
export function stopnciiKind(options: ExchangeClientOptions = {}): ExchangeKind {
  const kind: ExchangeKind = {
    kind: 'stopncii',
    hmaName: 'stop_ncii',
    takesFeedback: true,
    description: "StopNCII's Hash Exchange API (JSON, APIM keys): withdrawn and deleted hashes are removed",
    configFields: [
      {
        name: 'base_url',
        type: 'string',
        required: false,
        default: defaultBaseUrl,
        help: 'The API base (the credential base_url_override wins, as in HMA)',
      },
      { name: 'page_size', type: 'number', required: false, default: 800, help: 'Records per page (1 to 10,000)' },
      {
        name: 'token_lifetime_seconds',
        type: 'number',
        required: false,
        default: 3600,
        help: 'How long a nextPageToken is followed before the page is asked for again from its timestamp',
      },
    ],
    credentialFields: [
      { name: 'subscription_key', type: 'string', required: true, default: null, help: 'Ocp-Apim-Subscription-Key' },
      { name: 'fetch_function_key', type: 'string', required: true, default: null, help: "FetchHashes' function key" },
      {
        name: 'feedback_function_key',
        type: 'string',
        required: false,
        default: null,
        help: "SubmitFeedback's function key; without it no feedback is sent",
      },
      { name: 'base_url_override', type: 'string', required: false, default: null, help: 'Another API base' },
    ],
    parseConfig(config) {
      const checked = checkFields('stopncii exchange config', kind.configFields, config);
      settingsOf(checked, undefined);
      return checked;
    },
    checkCredentials(credentials) {
      credentialsOf(credentials, 'EXCHANGE_INVALID');
      settingsOf({}, credentials);
    },
    createClient(config, credentials) {
      return createStopnciiClient(settingsOf(config, credentials), credentialsOf(credentials), options);
    },
  };
  return kind;
}
