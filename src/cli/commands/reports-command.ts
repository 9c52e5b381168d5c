import { readFile, stat } from 'node:fs/promises';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { EngineError } from '../../core/index.js';
import { checkReportFiler } from '../../reports/index.js';
import type { CliIo } from '../io.js';

/** A filer file larger than this is refused unread: a real one is a few kilobytes. */
const maxFilerBytes = 1024 * 1024;

/**
 * `prevail reports …`: the regulatory reports' own commands (building a case's report is
 * `prevail cases report`). `check-config <file>` validates a filer YAML and prints every problem,
 * one per line, each named by its path in the file (exit status 1), or `ok`.
 */
export function reportsCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const reports = new Command('reports').summary(
    'reports to outside authorities: check the filer YAML, check and submit to the NCMEC CyberTipline',
  );
  reports.addCommand(
    new Command('check-config')
      .summary('validate a filer YAML (prints every problem, or "ok")')
      .description(
        'Validates the filer YAML that `prevail cases report --config` and the console (the policy\'s reports.yaml) read: the known sections (filing_date, narrative, action_taken, reporting_entity, subjects, counterparties, currency, transactions, goaml, fincen), snake_case keys throughout, and every field. Prints each problem on its own line, named by its path in the file (e.g. "subjects.acct-1.birth_date: expected a calendar date YYYY-MM-DD"), and exits with status 1; prints "ok" otherwise. What a particular case still needs (a subject\'s KYC, a rate) is named when its report is built. See docs/reports.md.',
      )
      .argument('<file>', 'the filer YAML')
      .action(async (file: string) => {
        const size = (await stat(file)).size;
        if (size > maxFilerBytes)
          throw new EngineError(
            'CONFIG_INVALID',
            `${file}: ${size} bytes; a filer file holds at most ${maxFilerBytes}`,
          );
        let value: unknown;
        try {
          value = parseYaml(await readFile(file, 'utf8'));
        } catch (error) {
          throw new EngineError('CONFIG_INVALID', `${file}: not valid YAML: ${(error as Error).message}`);
        }
        const problems = checkReportFiler(value);
        if (problems.length === 0) {
          io.stdout.write('ok\n');
          return;
        }
        for (const problem of problems) io.stdout.write(`${problem}\n`);
        setExitCode(1);
      }),
  );
  return reports;
}
