import { z } from 'zod';
import { describeIssueList, EngineError } from '../../core/index.js';
import { cybertipDateTime } from './cybertip-schema.js';
import {
  cybertipFileAnnotations,
  cybertipIncidentTypes,
  cybertipIndustryClassifications,
  cybertipReportAnnotations,
} from './cybertip-values.js';

/**
 * What the caller of the case assembly knows beyond the case: its clock, the reviewer's decision,
 * and the files to report with their viewing record. Checked like any input, because
 * `viewedByEsp` in particular must be a real boolean from the reveal audit, never a default.
 */
const caseFactsSchema = z.strictObject({
  now: z.date().refine((value) => Number.isFinite(value.getTime()), 'must be a valid time'),
  decision: z.strictObject({
    classification: z.enum(cybertipIndustryClassifications).optional(),
    /** Report annotations (`sextortion`…) and file annotations (`generativeAi`…) the reviewer chose. */
    annotations: z
      .array(z.enum([...cybertipReportAnnotations, ...cybertipFileAnnotations]))
      .max(20)
      .optional(),
    decidedBy: z.string().min(1).max(255),
    decidedAt: cybertipDateTime,
    /** The reviewer's reason for urgency (imminent risk): escalates the report. */
    escalateToHighPriority: z.string().optional(),
    /** The reviewer's own choice of incident type, over the mapping from the case. */
    incidentType: z.enum(cybertipIncidentTypes).optional(),
  }),
  files: z
    .array(
      z.strictObject({
        /** The console's media item id (from the reveal audit). */
        itemId: z.string().min(1).max(255),
        /** The media's source as the case's event names it: its URL or its evidence item id. */
        source: z.string().min(1).max(2048),
        /** True only when the reveal audit shows a person's reveal of this item was served. */
        viewedByEsp: z.boolean(),
        exifViewed: z.boolean().optional(),
        /** The hashes Prevail holds for the file as uploaded (`md5`, `sha1`, `pdq`, `sha256`). */
        hashes: z.array(z.strictObject({ type: z.string().min(1).max(20), value: z.string().min(1).max(256) })).max(20),
        /** The name the file is uploaded under (default: from its URL or evidence id). */
        fileName: z.string().min(1).max(255).optional(),
      }),
    )
    .max(1000),
});

/** What the caller knows beyond the case: the clock, the reviewer's decision, and the files with their viewing record. */
export type CybertipCaseFacts = z.input<typeof caseFactsSchema>;
/** The facts, validated. */
export type CaseFacts = z.output<typeof caseFactsSchema>;

/**
 * Validates the facts.
 *
 * @throws EngineError `REQUEST_INVALID` naming every problem.
 */
export function parseCaseFacts(facts: unknown): CaseFacts {
  const parsed = caseFactsSchema.safeParse(facts);
  if (!parsed.success)
    throw new EngineError(
      'REQUEST_INVALID',
      `CyberTipline case facts are invalid: ${describeIssueList(parsed.error.issues, '(facts)').join('; ')}`,
    );
  return parsed.data;
}
