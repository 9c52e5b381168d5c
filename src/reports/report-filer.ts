import { z } from 'zod';
import { describeIssues, EngineError } from '../core/index.js';
import { type CaseFile, reportCaseFromCase } from './case-report.js';
import { buildFincenSar } from './fincen/build-fincen-sar.js';
import { buildGoamlStr } from './goaml/build-goaml-report.js';
import { parseReportCase } from './report-case-schema.js';

/**
 * The filer's side of a report (what a case does not hold): reporting entity, subjects' KYC,
 * narrative, per-FIU configuration. The CLI reads it from `--config`, the console from the
 * policy's `reports.yaml`; the report builders validate every field.
 */
export const reportFilerSchema = z.strictObject({
  filing_date: z.iso.date().optional(),
  narrative: z.string().min(1).optional(),
  action_taken: z.string().optional(),
  reporting_entity: z.record(z.string(), z.unknown()),
  subjects: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  local_rates: z.record(z.string(), z.number().positive()).optional(),
  goaml: z.unknown().optional(),
  fincen: z.unknown().optional(),
});

/** A parsed filer file. */
export type ReportFiler = z.output<typeof reportFilerSchema>;

/**
 * Parses a filer file (already read from YAML); `source` names it in the message.
 *
 * @throws EngineError `CONFIG_INVALID` listing every problem.
 */
export function parseReportFiler(value: unknown, source: string): ReportFiler {
  const parsed = reportFilerSchema.safeParse(value);
  if (!parsed.success)
    throw new EngineError('CONFIG_INVALID', `${source}: ${describeIssues(parsed.error.issues, '(file)')}`);
  return parsed.data;
}

/**
 * Assembles, validates and builds a case's goAML STR or FinCEN SAR from the case file and the
 * filer's settings — the one path the CLI and the console share. `narrative` overrides the
 * filer's. Pure.
 *
 * @throws EngineError `REQUEST_INVALID` when the assembled case or the FIU configuration is
 *   invalid (every problem named), or when there is no narrative.
 */
export function buildCaseReport(
  file: CaseFile,
  filer: ReportFiler,
  format: 'goaml' | 'fincen',
  options: { readonly today: string; readonly narrative?: string },
): string {
  const narrative = options.narrative ?? filer.narrative;
  if (narrative === undefined || narrative.trim() === '')
    throw new EngineError('REQUEST_INVALID', 'narrative: write the analyst narrative of this report');
  const assembled = reportCaseFromCase(file, {
    reportingEntity: filer.reporting_entity as never,
    subjects: filer.subjects as never,
    filingDate: filer.filing_date ?? options.today,
    narrative,
    ...(filer.local_rates === undefined ? {} : { localRates: filer.local_rates }),
    ...(filer.action_taken === undefined ? {} : { actionTaken: filer.action_taken }),
  });
  const input = parseReportCase(assembled);
  return format === 'goaml'
    ? buildGoamlStr(input, (filer.goaml ?? {}) as never)
    : buildFincenSar(input, (filer.fincen ?? {}) as never);
}
