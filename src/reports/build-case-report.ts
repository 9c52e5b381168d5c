import { EngineError } from '../core/index.js';
import { reportCaseFromCase } from './case-report.js';
import { buildFincenSar } from './fincen/build-fincen-sar.js';
import { buildGoamlStr } from './goaml/build-goaml-report.js';
import { parseReportCase } from './report-case-schema.js';
import type { ReportFiler } from './report-filer.js';
import { type ReportFormat, reportReadiness } from './report-readiness.js';
import type { CaseFile } from './report-transactions.js';

/** The start of the message of a case that is not ready: the problems follow, joined with `; `. */
export const notReadyPrefix = 'the report needs: ';

/**
 * Checks, assembles, validates and builds a case's goAML STR or FinCEN SAR from the case file
 * (its timeline and the events read for it, see `reportEventQuery`) and the filer's settings:
 * the one path the CLI and the console share. `narrative` overrides the filer's. Pure.
 *
 * @throws EngineError `REQUEST_INVALID` listing every problem `reportReadiness` finds (the
 *   message is `notReadyPrefix` then the problems joined with `; `), or naming what the
 *   assembled case or the builder refuses.
 */
export function buildCaseReport(
  file: CaseFile,
  filer: ReportFiler,
  format: ReportFormat,
  options: { readonly today: string; readonly narrative?: string },
): string {
  const problems = reportReadiness(file, filer, format, options);
  if (problems.length > 0) throw new EngineError('REQUEST_INVALID', `${notReadyPrefix}${problems.join('; ')}`);
  const input = parseReportCase(
    reportCaseFromCase(file, filer, {
      filingDate: filer.filingDate ?? options.today,
      narrative: (options.narrative ?? filer.narrative) as string,
    }),
  );
  return format === 'goaml'
    ? buildGoamlStr(input, filer.goaml as NonNullable<ReportFiler['goaml']>)
    : buildFincenSar(input, filer.fincen as NonNullable<ReportFiler['fincen']>);
}
