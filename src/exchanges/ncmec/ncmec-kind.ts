import type { ExchangeClientOptions } from '../client-options.js';
import { checkFields } from '../exchange-config.js';
import type { ExchangeKind } from '../exchange-kind.js';
import { clientConfig, clientCredentials } from '../upstream-kind.js';
import { type NcmecConfig, type NcmecCredentials, ncmecConfigSchema, ncmecCredentialsSchema } from './config.js';
import { createNcmecClient } from './ncmec-client.js';

/** HMA's `api_json` fields (`environment`, `only_esp_ids`) onto the client's settings. */
function settingsOf(config: Readonly<Record<string, unknown>>): NcmecConfig {
  return clientConfig(
    ncmecConfigSchema,
    {
      baseUrl: config.environment,
      onlyMemberIds: config.only_esp_ids,
      maxWindowEntries: config.max_window_entries,
    },
    'the NCMEC exchange configuration',
  );
}

function credentialsOf(
  stored: Readonly<Record<string, unknown>> | undefined,
  code?: 'EXCHANGE_INVALID',
): NcmecCredentials {
  return clientCredentials(
    ncmecCredentialsSchema,
    stored,
    (given) => ({ user: given.user, password: given.password }),
    'NCMEC',
    code,
  );
}

/**
 * `ncmec`: NCMEC's Hash Sharing API, with HMA's field names. `environment` is the base URL string
 * HMA stores (e.g. `https://report.cybertip.org/hashsharing` or its test twin
 * `https://exttest.cybertip.org/hashsharing`); `only_esp_ids` keeps only those members' entries;
 * credentials are HMA's `{"user", "password"}` (HTTP Basic).
 * `options` are the client's HTTP deadlines and retries (and test seams).
 */
export function ncmecKind(options: ExchangeClientOptions = {}): ExchangeKind {
  const kind: ExchangeKind = {
    kind: 'ncmec',
    takesFeedback: true,
    description:
      "NCMEC's Hash Sharing API (XML, HTTP Basic): incremental windows, tombstones delete, votes as feedback",
    configFields: [
      {
        name: 'environment',
        type: 'string',
        required: true,
        default: null,
        help: 'The environment base URL, e.g. https://report.cybertip.org/hashsharing (test: https://exttest.cybertip.org/hashsharing)',
      },
      {
        name: 'only_esp_ids',
        type: 'set_of_number',
        required: false,
        default: null,
        help: "Keep only these members' (ESP ids) entries; empty keeps all",
      },
      {
        name: 'max_window_entries',
        type: 'number',
        required: false,
        default: 100_000,
        help: 'A time window estimating more entries than this is shrunk (1,000 to 10,000,000)',
      },
    ],
    credentialFields: [
      { name: 'user', type: 'string', required: true, default: null, help: 'The Hash Sharing API user' },
      { name: 'password', type: 'string', required: true, default: null, help: 'Its password' },
    ],
    parseConfig(config) {
      const checked = checkFields('ncmec exchange config', kind.configFields, config);
      settingsOf(checked);
      return checked;
    },
    checkCredentials(credentials) {
      credentialsOf(credentials, 'EXCHANGE_INVALID');
    },
    createClient(config, credentials) {
      return createNcmecClient(settingsOf(config), credentialsOf(credentials), options);
    },
  };
  return kind;
}
