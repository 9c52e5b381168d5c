import { Command } from 'commander';
import type { Settings } from '../../config/index.js';
import { EngineError } from '../../core/index.js';
import { CybertipClient } from '../../submissions/index.js';
import { cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';

/**
 * The CyberTipline client the settings describe (`PREVAIL_CYBERTIP_*`): the environment (test
 * unless the setting says production), the credentials, the base URL override, the deadline.
 * `prevail reports submit <case>` will build its submitter over the same client.
 *
 * @throws EngineError `CONFIG_INVALID` when no credentials are set.
 */
export function cybertipClientFromSettings(settings: Settings['cybertip']): CybertipClient {
  if (settings.username === undefined || settings.password === undefined)
    throw new EngineError(
      'CONFIG_INVALID',
      'the CyberTipline needs PREVAIL_CYBERTIP_USERNAME and PREVAIL_CYBERTIP_PASSWORD (NCMEC-issued, per environment)',
    );
  return new CybertipClient({
    environment: settings.environment,
    username: settings.username,
    password: settings.password,
    timeoutMs: settings.timeoutMs,
    ...(settings.baseUrl === undefined ? {} : { baseUrl: settings.baseUrl }),
  });
}

/**
 * `prevail reports check`: `GET /status` on the configured CyberTipline environment with the
 * configured credentials, printing one JSON line (environment, base URL, username, response
 * code and description — which names the caller as NCMEC sees it). Exit status 0 when NCMEC
 * answers 0, 1 otherwise (wrong credentials 3000, unreachable, timeout). Sends no report. The
 * password is never printed.
 *
 * A sub-command of the `reports` group: `reportsCommand.addCommand(reportsCheckCommand(io, setExitCode))`.
 */
export function reportsCheckCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('check')
    .summary('check the CyberTipline credentials and connection (GET /status; sends no report)')
    .description(
      'Calls GET /status on the NCMEC CyberTipline environment PREVAIL_CYBERTIP_ENVIRONMENT (test unless it says production) with PREVAIL_CYBERTIP_USERNAME and PREVAIL_CYBERTIP_PASSWORD, and prints who NCMEC says you are. Exit status 1 when the call fails. See docs/submissions.md.',
    )
    .action(async () => {
      const client = cybertipClientFromSettings(cliSettings().cybertip);
      const outcome = await client.status();
      const line = {
        ok: outcome.kind === 'ok',
        environment: client.environment,
        baseUrl: client.baseUrl,
        username: client.username,
        ...(outcome.response === undefined
          ? {}
          : {
              responseCode: outcome.response.responseCode,
              responseDescription: outcome.response.responseDescription,
            }),
        ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }),
        ...(outcome.kind === 'ok' ? {} : { failure: outcome.kind, text: outcome.text }),
      };
      io.stdout.write(`${JSON.stringify(line)}\n`);
      if (outcome.kind !== 'ok') {
        io.stderr.write(`prevail: the CyberTipline check failed (${outcome.kind}): ${outcome.text}\n`);
        setExitCode(1);
      }
    });
}
