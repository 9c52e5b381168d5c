import { Command } from 'commander';
import { createServices } from '../../app/index.js';
import { type ApiScope, apiScopes, createApiKey } from '../../auth/index.js';
import { EngineError } from '../../core/index.js';
import type { CliIo } from '../io.js';
import { commaList, positiveInteger } from '../options.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

function checkScopes(scopes: string[]): ApiScope[] {
  const unknown = scopes.filter((scope) => !(apiScopes as readonly string[]).includes(scope));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new EngineError('CONFIG_INVALID', `--scopes takes ${apiScopes.join(', ')}; got "${scopes.join(',')}"`);
  }
  return scopes as ApiScope[];
}

/** `prevail keys create|list|revoke`: API keys for the HTTP API. */
export function keysCommand(io: CliIo): Command {
  const keys = new Command('keys').summary('create, list and revoke API keys for the HTTP API');
  keys.addCommand(
    withStorageOptions(new Command('create'))
      .summary('create an API key; its secret is printed once and never stored')
      .argument('<name>', 'who or what the key is for')
      .option('--scopes <list>', `comma-separated: ${apiScopes.join(', ')} (admin ⊃ write ⊃ read)`, commaList, ['read'])
      .action(async (name: string, options: StorageCliOptions & { scopes: string[] }) => {
        const scopes = checkScopes(options.scopes);
        const services = await createServices(storageSettings(options), { loadIndexes: false });
        try {
          const { key, secret } = await createApiKey(services.storage.apiKeys, name, scopes);
          io.stdout.write(`${JSON.stringify({ ...key, secret })}\n`);
        } finally {
          await services.close();
        }
      }),
  );
  keys.addCommand(
    withStorageOptions(new Command('list'))
      .summary('list API keys (never their secrets)')
      .action(async (options: StorageCliOptions) => {
        const services = await createServices(storageSettings(options), { loadIndexes: false });
        try {
          for (const key of await services.storage.apiKeys.list()) io.stdout.write(`${JSON.stringify(key)}\n`);
        } finally {
          await services.close();
        }
      }),
  );
  keys.addCommand(
    withStorageOptions(new Command('revoke'))
      .summary('revoke an API key by id')
      .argument('<id>', 'the key id from "keys list"', positiveInteger)
      .action(async (id: number, options: StorageCliOptions) => {
        const services = await createServices(storageSettings(options), { loadIndexes: false });
        try {
          if (!(await services.storage.apiKeys.revoke(id)))
            throw new EngineError('KEY_NOT_FOUND', `no active key has id ${id}`);
          io.stdout.write(`${JSON.stringify({ revoked: id })}\n`);
        } finally {
          await services.close();
        }
      }),
  );
  return keys;
}
