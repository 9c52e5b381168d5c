import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { createServices } from '../../app/index.js';
import { buildCaseReport, parseReportFiler, reportEventQuery } from '../../reports/index.js';
import { cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { positiveInteger, reasonOption } from '../options.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

/**
 * `prevail cases report <id> --format goaml|fincen --config <yaml>`: builds a goAML STR or a
 * FinCEN SAR batch from a case (its payments, typologies, IPs and period) and the filer's YAML
 * (reporting entity, subjects' KYC, narrative, per-FIU codes). The read is audited with the
 * document's SHA-256; the document is written as exact bytes. Nothing is submitted.
 */
export function caseReportCommand(io: CliIo): Command {
  return withStorageOptions(new Command('report'))
    .summary('write a goAML STR or FinCEN SAR XML for a case (audited; nothing is submitted)')
    .description(
      "Builds the report from the case: exactly the subject's payments its typologies rest on (read from the event log even when they predate the case), optionally the subject's other payments in the period (transactions.include_other_subject_payments), never other customers'; the typology alerts and their reasons, IP addresses, activity period; and a snake_case YAML file with what the case does not hold: filing_date, narrative, reporting_entity {goaml, fincen}, subjects {<account id>: KYC}, counterparties {<account id>: facts}, currency {rates}, transactions, and the per-FIU sections goaml: and fincen: (see docs/reports.md; check it with `prevail reports check-config`). A case the file does not cover yet fails with every field to add. Writes the XML to --out (or stdout) and its SHA-256 to stderr; the audit log records who built it, why, and the hash. Validate the file against your FIU's XSD before upload.",
    )
    .argument('<id>', 'the case id', positiveInteger)
    .addOption(new Option('--format <format>', 'the report format').choices(['goaml', 'fincen']).makeOptionMandatory())
    .requiredOption('--config <file>', 'the filer YAML (reporting entity, subjects, narrative, FIU codes)')
    .requiredOption('--reason <why>', 'why the report is built (recorded in the audit log)', reasonOption)
    .option('--out <file>', 'write the XML here instead of stdout')
    .option('--actor <name>', 'who builds it (recorded in the audit log)', cliSettings().actor)
    .action(
      async (
        id: number,
        options: StorageCliOptions & {
          format: 'goaml' | 'fincen';
          config: string;
          reason: string;
          out?: string;
          actor: string;
        },
      ) => {
        const config = parseReportFiler(parseYaml(await readFile(options.config, 'utf8')), options.config);
        const services = await createServices(storageSettings(options), { loadIndexes: false });
        try {
          const access = { actor: `person:${options.actor}`, reason: options.reason };
          const { xml, sha256 } = await services.cases.report(
            id,
            access,
            (found, timeline, events) => {
              const document = buildCaseReport(
                { id: found.id, subject: found.subject, timeline, events },
                config,
                options.format,
                { today: new Date().toISOString().slice(0, 10) },
              );
              const sha256 = createHash('sha256').update(document, 'utf8').digest('hex');
              return {
                result: { xml: document, sha256 },
                detail: { format: options.format, sha256, bytes: Buffer.byteLength(document, 'utf8') },
              };
            },
            {
              events: (found, timeline) =>
                reportEventQuery({ id: found.id, subject: found.subject, timeline }, config.transactions),
            },
          );
          if (options.out === undefined) io.stdout.write(xml);
          else await writeFile(options.out, xml);
          io.stderr.write(`${options.format} report for case ${id}: sha256 ${sha256}\n`);
        } finally {
          await services.close();
        }
      },
    );
}
