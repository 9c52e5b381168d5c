import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { defaultToleranceSeconds, verifyWebhook, verifyWebhookEd25519 } from '../../actions/index.js';
import { EngineError } from '../../core/index.js';
import { cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { positiveInteger } from '../options.js';

interface VerifyOptions {
  readonly secret?: string;
  readonly secretEnv?: string;
  readonly publicKeyFile?: string;
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
  const actions = new Command('actions').summary(
    'actions sent to platforms: verify a webhook signature (HMAC or Ed25519)',
  );
  actions.addCommand(
    new Command('verify')
      .summary('verify a Prevail-Signature header over a received body')
      .option(
        '--secret <secret>',
        "the endpoint's secret (visible to other users of this machine: prefer --secret-env)",
      )
      .option('--secret-env <name>', 'read the secret from this PREVAIL_ACTION_SECRET_<NAME> environment variable')
      .option(
        '--public-key-file <path>',
        "an Ed25519 endpoint's public key (PEM): verifies t=…,ed25519=… signatures instead of HMAC",
      )
      .requiredOption('--header <value>', 'the Prevail-Signature header as received (t=…,v1=…)')
      .requiredOption('--body-file <path>', 'the request body exactly as received')
      .option('--now <unix>', 'the time to check against, in Unix seconds (default: now)', positiveInteger)
      .option('--tolerance <seconds>', 'how old a signature may be', positiveInteger, defaultToleranceSeconds)
      .action(async (options: VerifyOptions) => {
        const given = [options.secret, options.secretEnv, options.publicKeyFile].filter((value) => value !== undefined);
        if (given.length !== 1)
          throw new EngineError('CONFIG_INVALID', 'give exactly one of --secret, --secret-env and --public-key-file');
        const publicKey = options.publicKeyFile === undefined ? undefined : await readPublicKey(options.publicKeyFile);
        const secret =
          options.secretEnv === undefined ? options.secret : cliSettings().actionSecrets[options.secretEnv];
        if (publicKey === undefined && (secret === undefined || secret === ''))
          throw new EngineError(
            'CONFIG_INVALID',
            `${options.secretEnv} is not set (only PREVAIL_ACTION_SECRET_<NAME> variables are read)`,
          );
        const body = await readFile(options.bodyFile);
        if (body.length > maxBodyBytes)
          throw new EngineError('CONFIG_INVALID', `--body-file is larger than ${maxBodyBytes} bytes`);
        const now = options.now ?? Date.now() / 1000;
        const check =
          publicKey === undefined
            ? verifyWebhook(secret ?? '', options.header, body.toString('utf8'), now, options.tolerance)
            : verifyWebhookEd25519(publicKey, options.header, body.toString('utf8'), now, options.tolerance);
        io.stdout.write(`${JSON.stringify(check)}\n`);
        setExitCode(check.ok ? 0 : 1);
      }),
  );
  return actions;
}

/** An Ed25519 public key from a PEM file (SPKI), or `CONFIG_INVALID`. */
async function readPublicKey(path: string): Promise<KeyObject> {
  const text = await readFile(path);
  if (text.length > 64 * 1024) throw new EngineError('CONFIG_INVALID', '--public-key-file is larger than 64 KiB');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw new EngineError('CONFIG_INVALID', '--public-key-file is not a PEM public key');
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new EngineError('CONFIG_INVALID', '--public-key-file is not an Ed25519 public key');
  return key;
}
