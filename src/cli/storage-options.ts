import type { Command } from 'commander';
import type { StorageSettings } from '../app/index.js';
import { cliSettings } from './cli-settings.js';

/** Options every command that opens the store accepts. */
export interface StorageCliOptions {
  dataDir: string;
  databaseUrl?: string;
  policy?: string;
}

/** Adds `--data-dir` and `--database-url` (with their environment variables) to a command. */
export function withStorageOptions(command: Command): Command {
  return command
    .option(
      '--data-dir <dir>',
      'where the embedded SQLite database lives (env PREVAIL_DATA_DIR)',
      cliSettings().dataDir,
    )
    .option(
      '--database-url <url>',
      'use PostgreSQL instead, e.g. postgres://user@host:5432/db (env PREVAIL_DATABASE_URL)',
      cliSettings().databaseUrl,
    )
    .option(
      '--policy <dir>',
      "the signals engine's policy: features.yaml, typologies.yaml, labels.yaml, rules/ (env PREVAIL_POLICY_DIR)",
      cliSettings().policyDir,
    );
}

/** The storage settings the options describe. */
export function storageSettings(options: StorageCliOptions): StorageSettings {
  return {
    dataDir: options.dataDir,
    ...(options.databaseUrl !== undefined && options.databaseUrl !== '' ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.policy !== undefined && options.policy !== '' ? { policyDir: options.policy } : {}),
    actionSecrets: cliSettings().actionSecrets,
    ...(cliSettings().actionsNatsUrl !== undefined ? { actionsNatsUrl: cliSettings().actionsNatsUrl } : {}),
  };
}
