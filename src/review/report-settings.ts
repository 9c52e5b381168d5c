import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EngineError } from '../core/index.js';
import { parseReportFiler, type ReportFiler } from '../reports/index.js';

/**
 * Reads the filer's report settings from `<policyDirectory>/reports.yaml` (the keys of the
 * `prevail cases report --config` file); undefined when there is none.
 *
 * @throws EngineError `CONFIG_INVALID` for YAML that does not parse or a malformed file.
 */
export async function loadReportFiler(policyDirectory: string | undefined): Promise<ReportFiler | undefined> {
  if (policyDirectory === undefined) return undefined;
  const file = join(policyDirectory, 'reports.yaml');
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    throw new EngineError('CONFIG_INVALID', `${file}: not valid YAML: ${(error as Error).message}`);
  }
  return parseReportFiler(value, file);
}
