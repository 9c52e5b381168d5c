import { Command } from 'commander';
import { createServices, cybertipClientFromSettings } from '../../app/index.js';
import { EngineError } from '../../core/index.js';
import { cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

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

/**
 * `prevail reports submit <case>`: reports a confirmed case to NCMEC's CyberTipline with the same
 * plan, submitter and audit as the console's submit button: the report assembled from the case,
 * its confirming decision and its media (each file's `fileViewedByEsp` from the reveal audit),
 * `/submit` → (`/upload` → `/fileinfo`)* → `/finish`, one report per decision, and on NCMEC's
 * receipt the report and what it names preserved in the evidence vault for a year. Prints the
 * submission as one JSON line; exit status 1 unless it finished.
 */
export function reportsSubmitCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return withStorageOptions(new Command('submit'))
    .summary('report a confirmed case to the NCMEC CyberTipline (one report per decision; preserved on receipt)')
    .description(
      "Builds the CyberTipline report of a confirmed case (incident type, files with their viewed-by-ESP flag from the console's reveal audit, hashes, the reporter from the policy's reports.yaml cybertipline: section) and submits it to PREVAIL_CYBERTIP_ENVIRONMENT (test unless it says production) with PREVAIL_CYBERTIP_USERNAME / PREVAIL_CYBERTIP_PASSWORD. A second submit of the same decision returns the first submission and sends nothing; a submission left unfinished by a crash is continued first. On NCMEC's receipt, the report, its files, the case timeline and the subject's events and links are preserved in the evidence vault (--evidence-dir, PREVAIL_EVIDENCE_KEYS) for PREVAIL_PRESERVATION_DAYS (at least 365). See docs/cybertipline.md and docs/submissions.md.",
    )
    .argument('<case>', 'the case id', (value: string) => {
      const id = Number(value);
      if (!Number.isSafeInteger(id) || id < 1)
        throw new EngineError('REQUEST_INVALID', 'the case id is a positive whole number');
      return id;
    })
    .requiredOption('--evidence-dir <dir>', 'the evidence vault (what is reported is preserved here on receipt)')
    .option('--supplemental', 'a deliberate further report of a case already reported to NCMEC')
    .option('--actor <name>', 'who submits (recorded in the audit log)', cliSettings().actor)
    .action(
      async (
        caseId: number,
        options: StorageCliOptions & { evidenceDir: string; supplemental?: boolean; actor: string },
      ) => {
        const settings = cliSettings();
        const fetchPolicy = {
          maxBytes: 50 * 1024 * 1024,
          timeoutMs: 30_000,
          allowedHosts: [],
          allowPrivateAddresses: false,
        };
        const services = await createServices(storageSettings(options), {
          withEngine: true,
          loadIndexes: false,
          streams: {
            evidenceDirectory: options.evidenceDir,
            ...(settings.evidenceKey === undefined ? {} : { evidenceKey: settings.evidenceKey }),
            ...(settings.evidenceKeys === undefined ? {} : { evidenceKeys: settings.evidenceKeys }),
          },
          wellness: {
            fetchPolicy,
            ...(settings.consoleSecret === undefined ? {} : { secret: settings.consoleSecret }),
          },
          reporting: { cybertip: settings.cybertip, preservationDays: settings.preservationDays, fetchPolicy },
        });
        try {
          if (services.review === undefined || services.reporting === undefined)
            throw new EngineError(
              'REPORTING_NOT_CONFIGURED',
              'CyberTipline submission needs PREVAIL_CYBERTIP_USERNAME and PREVAIL_CYBERTIP_PASSWORD',
            );
          // A submission an earlier run left unfinished goes first (the command is the only submitter here).
          await services.reporting.submitter.resumePending({ takeOverLeases: options.databaseUrl === undefined });
          const summary = await services.review.submitCybertipAsOperator(caseId, `person:${options.actor}`, {
            supplemental: options.supplemental === true,
          });
          io.stdout.write(`${JSON.stringify(summary)}\n`);
          if (summary.status !== 'finished') setExitCode(1);
        } finally {
          await services.close();
        }
      },
    );
}
