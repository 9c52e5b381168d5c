import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { defaultToleranceSeconds, verifyWebhook } from '../../actions/index.js';
import { EngineError } from '../../core/index.js';
import { cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { positiveInteger } from '../options.js';

interface VerifyOptions {
  readonly secret?: string;
  readonly secretEnv?: string;
  readonly header: string;
  readonly bodyFile: string;
  readonly now?: number;
  readonly tolerance: number;
}

/** Largest body `verify` reads (a webhook body is small; this keeps a mistaken path cheap). */
const maxBodyBytes = 16 * 1024 * 1024;

/**
 * `prevail actions verify`: checks a received webhook's `Prevail-Signature` header against the
 * exact body bytes, as a receiver must (docs/actions.md). Prints `{"ok":true,"timestamp":…}` and
 * exits 0, or `{"ok":false,"reason":"malformed|stale|mismatch"}` and exits 1.
 */
export function actionsCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const actions = new Command('actions').summary('actions sent to platforms: verify a webhook signature');
  actions.addCommand(
    new Command('verify')
      .summary('verify a Prevail-Signature header over a received body')
      .option(
        '--secret <secret>',
        "the endpoint's secret (visible to other users of this machine: prefer --secret-env)",
      )
      .option('--secret-env <name>', 'read the secret from this PREVAIL_ACTION_SECRET_<NAME> environment variable')
      .requiredOption('--header <value>', 'the Prevail-Signature header as received (t=…,v1=…)')
      .requiredOption('--body-file <path>', 'the request body exactly as received')
      .option('--now <unix>', 'the time to check against, in Unix seconds (default: now)', positiveInteger)
      .option('--tolerance <seconds>', 'how old a signature may be', positiveInteger, defaultToleranceSeconds)
      .action(async (options: VerifyOptions) => {
        const secret =
          options.secretEnv === undefined ? options.secret : cliSettings().actionSecrets[options.secretEnv];
        if ((options.secret === undefined) === (options.secretEnv === undefined))
          throw new EngineError('CONFIG_INVALID', 'give exactly one of --secret and --secret-env');
        if (secret === undefined || secret === '')
          throw new EngineError(
            'CONFIG_INVALID',
            `${options.secretEnv} is not set (only PREVAIL_ACTION_SECRET_<NAME> variables are read)`,
          );
        const body = await readFile(options.bodyFile);
        if (body.length > maxBodyBytes)
          throw new EngineError('CONFIG_INVALID', `--body-file is larger than ${maxBodyBytes} bytes`);
        const check = verifyWebhook(
          secret,
          options.header,
          body.toString('utf8'),
          options.now ?? Date.now() / 1000,
          options.tolerance,
        );
        io.stdout.write(`${JSON.stringify(check)}\n`);
        setExitCode(check.ok ? 0 : 1);
      }),
  );
  return actions;
}
