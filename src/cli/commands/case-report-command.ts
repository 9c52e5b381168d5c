import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { createServices } from '../../app/index.js';
import { EngineError } from '../../core/index.js';
import { buildCaseReport, parseReportFiler } from '../../reports/index.js';
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
      "Builds the report from the case timeline (payment.sent events, typology alerts and their reasons, IP addresses, activity period) and a YAML file with what the case does not hold: filing_date, narrative, reporting_entity {goaml: {...}, fincen: {...}}, subjects {<account id>: KYC}, local_rates, and the per-FIU configuration under goaml: or fincen: (see docs/reports.md). Writes the XML to --out (or stdout) and its SHA-256 to stderr; the audit log records who built it, why, and the hash. Validate the file against your FIU's XSD before upload.",
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
        if (config.narrative === undefined)
          throw new EngineError('CONFIG_INVALID', `${options.config}: narrative: write the analyst narrative`);
        const services = await createServices(storageSettings(options), { loadIndexes: false });
        try {
          const access = { actor: `person:${options.actor}`, reason: options.reason };
          const { xml, sha256 } = await services.cases.report(id, access, (found, timeline) => {
            const document = buildCaseReport(
              { id: found.id, subject: found.subject, timeline },
              config,
              options.format,
              {
                today: new Date().toISOString().slice(0, 10),
              },
            );
            const sha256 = createHash('sha256').update(document, 'utf8').digest('hex');
            return {
              result: { xml: document, sha256 },
              detail: { format: options.format, sha256, bytes: Buffer.byteLength(document, 'utf8') },
            };
          });
          if (options.out === undefined) io.stdout.write(xml);
          else await writeFile(options.out, xml);
          io.stderr.write(`${options.format} report for case ${id}: sha256 ${sha256}\n`);
        } finally {
          await services.close();
        }
      },
    );
}
