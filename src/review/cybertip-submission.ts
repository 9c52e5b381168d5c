import { createHash } from 'node:crypto';
import type { CaseRecord, CaseTimelineEntry } from '../cases/index.js';
import { EngineError } from '../core/index.js';
import {
  buildCybertipReport,
  type CybertipCaseFacts,
  type CybertipConfig,
  cybertipReportFromCase,
} from '../reports/index.js';
import type { SubmissionFileSource, SubmissionPlan, SubmissionRecord } from '../submissions/index.js';
import type { MediaSource } from '../wellness/index.js';

/** A media item of a case as a hotline report names it (the media seam's `forReport`). */
export interface ReportMedia {
  /** The console's media item id (the reveal audit's key). */
  readonly id: string;
  /** Where its bytes are: the wellness module's media source (an evidence item or a URL). */
  readonly source: MediaSource;
  /** True only when the reveal audit shows a person's reveal of this item was served. */
  readonly viewed: boolean;
}

/** What the reviewer adds when submitting: all optional, checked by the case assembly. */
export interface CybertipSubmitInput {
  /** A deliberate further report on a case already reported to NCMEC. */
  readonly supplemental?: unknown;
  /** Report and file annotations the reviewer chose (`sextortion`, `generativeAi`…). */
  readonly annotations?: unknown;
  /** The reviewer's own incident type, over the mapping from the case. */
  readonly incidentType?: unknown;
  /** Why the report is urgent (imminent risk): escalates it at NCMEC. */
  readonly escalate?: unknown;
}

/** A CyberTipline submission as the console shows it: where it stands, never the media. */
export interface SubmissionSummary {
  readonly id: number;
  readonly status: SubmissionRecord['status'];
  readonly reportId: string | null;
  readonly supplemental: boolean;
  readonly actor: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  /** The last failed call as NCMEC (or the network) answered it: the response text a person reads. */
  readonly lastError: SubmissionRecord['lastError'] | null;
  readonly files: readonly { readonly name: string; readonly step: string }[];
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

/** The summary of a stored submission. */
export function submissionSummary(record: SubmissionRecord): SubmissionSummary {
  return {
    id: record.id,
    status: record.status,
    reportId: record.reportId ?? null,
    supplemental: record.supplemental,
    actor: record.actor,
    attempts: record.attempts,
    nextAttemptAt: record.nextAttemptAt ?? null,
    lastError: record.lastError ?? null,
    files: record.files.map((file) => ({ name: file.name, step: file.step })),
    createdAt: record.createdAt,
    finishedAt: record.finishedAt ?? null,
  };
}

/** The newest confirming decision on the case's timeline: the decision a report is made from. */
export function confirmingDecision(timeline: readonly CaseTimelineEntry[]): CaseTimelineEntry | undefined {
  let newest: CaseTimelineEntry | undefined;
  for (const entry of timeline) {
    if (entry.kind !== 'decision') continue;
    const detail = (entry.detail ?? {}) as { decision?: unknown };
    if (detail.decision !== 'confirmed') continue;
    if (newest === undefined || entry.time >= newest.time) newest = entry;
  }
  return newest;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new EngineError('REQUEST_INVALID', `${name} must be text`);
  return value;
}

/**
 * The submission plan of a decided case (pure): the case assembly (`cybertipReportFromCase`)
 * with the reviewer's decision (classification, who, when) and the case's media with their
 * viewing record, the `<report>` document, and one file per media item whose `details` render
 * its `<fileDetails>` once NCMEC gave the ids. The idempotency key is the confirming decision's
 * timeline ref, so one decision yields one report whoever presses submit and however often.
 *
 * @throws EngineError `CASE_TRANSITION_INVALID` when the case has no confirming decision;
 *   `REQUEST_INVALID` naming every problem of the assembly or the report.
 */
export function cybertipPlan(input: {
  readonly found: CaseRecord;
  readonly timeline: CaseTimelineEntry[];
  readonly filer: CybertipConfig;
  readonly media: readonly ReportMedia[];
  readonly submit: CybertipSubmitInput;
  readonly actor: string;
  readonly now: Date;
}): { readonly plan: SubmissionPlan; readonly incidentType: string; readonly notes: readonly string[] } {
  const decision = confirmingDecision(input.timeline);
  if (decision === undefined)
    throw new EngineError(
      'CASE_TRANSITION_INVALID',
      `case ${input.found.id} has no confirming decision: confirm it before reporting it to NCMEC`,
    );
  const decided = (decision.detail ?? {}) as { classification?: unknown; actor?: unknown };
  const supplemental = input.submit.supplemental === true;
  const escalate = optionalString(input.submit.escalate, 'escalate');
  const incidentType = optionalString(input.submit.incidentType, 'incidentType');
  const facts: CybertipCaseFacts = {
    now: input.now,
    decision: {
      ...(typeof decided.classification === 'string' ? { classification: decided.classification as never } : {}),
      ...(input.submit.annotations === undefined ? {} : { annotations: input.submit.annotations as never }),
      decidedBy: typeof decided.actor === 'string' ? decided.actor : input.actor,
      decidedAt: decision.time,
      ...(escalate === undefined ? {} : { escalateToHighPriority: escalate }),
      ...(incidentType === undefined ? {} : { incidentType: incidentType as never }),
    },
    files: input.media.map((item) => ({
      itemId: item.id,
      source: item.source.origin === 'evidence' ? item.source.evidenceId : item.source.url,
      viewedByEsp: item.viewed,
      hashes: [],
    })),
  };
  const assembly = cybertipReportFromCase(
    { id: input.found.id, subject: input.found.subject, timeline: input.timeline },
    input.filer,
    facts,
  );
  const reportXml = buildCybertipReport(assembly.report, { now: input.now });
  const files = assembly.files.map((details, index) => {
    const item = input.media[index] as ReportMedia;
    const source: SubmissionFileSource =
      item.source.origin === 'evidence' ? { evidenceId: item.source.evidenceId } : { url: item.source.url };
    return { name: details.fileName, source, details };
  });
  const key = `case:${input.found.id}:${decision.ref}`;
  return {
    plan: {
      idempotencyKey: supplemental
        ? `${key}:supplemental:${createHash('sha256').update(reportXml).digest('hex').slice(0, 16)}`
        : key,
      caseId: input.found.id,
      reportXml,
      files,
      supplemental,
      actor: input.actor,
    },
    incidentType: assembly.incidentType,
    notes: assembly.notes,
  };
}
