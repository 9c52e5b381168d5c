import { parseReportFiler, type ReportFiler } from '../reports/index.js';
import { readPolicyYaml } from './policy-file.js';

/**
 * Reads the filer's report settings from `<policyDirectory>/reports.yaml` (the keys of the
 * `prevail cases report --config` file); undefined when there is none.
 *
 * @throws EngineError `CONFIG_INVALID` for YAML that does not parse or a malformed file.
 */
export async function loadReportFiler(policyDirectory: string | undefined): Promise<ReportFiler | undefined> {
  const read = await readPolicyYaml(policyDirectory, 'reports.yaml');
  return read === undefined ? undefined : parseReportFiler(read.value, read.file);
}
