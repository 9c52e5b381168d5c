import type { AuditLog } from '../audit/index.js';
import type { CaseService } from '../cases/index.js';
import type { Settings } from '../config/index.js';
import { type FetchPolicy, fetchUrl } from '../content/index.js';
import { EngineError, isEngineError } from '../core/index.js';
import { splitEntityKey } from '../events/index.js';
import { type EvidenceVault, preservationRetainUntil } from '../evidence/index.js';
import type { Logger } from '../logging/index.js';
import { buildCybertipFileDetails, type CybertipFileInput } from '../reports/index.js';
import type { ReviewSubmissions } from '../review/index.js';
import type { Storage } from '../storage/index.js';
import {
  CybertipClient,
  CybertipSubmitter,
  ReportLedger,
  type SubmissionFileSource,
  type SubmissionRecord,
} from '../submissions/index.js';

/** The CyberTipline settings, as `src/config` reads them from `PREVAIL_CYBERTIP_*`. */
export type CybertipSettings = Settings['cybertip'];

/** Who the submitter's own reads and changes are by, in the audit log. */
const actor = 'system:cybertip-submitter';

/**
 * The client of the configured CyberTipline environment (test unless the settings say
 * production; `baseUrl` replaces the environment's URL, e.g. a local contract server).
 *
 * @throws EngineError `CONFIG_INVALID` without both credentials.
 */
export function cybertipClientFromSettings(settings: CybertipSettings): CybertipClient {
  if (settings.username === undefined || settings.password === undefined)
    throw new EngineError(
      'CONFIG_INVALID',
      'the CyberTipline needs PREVAIL_CYBERTIP_USERNAME and PREVAIL_CYBERTIP_PASSWORD (NCMEC-issued, per environment)',
    );
  return new CybertipClient({
    environment: settings.environment,
    username: settings.username,
    password: settings.password,
    timeoutMs: settings.timeoutMs,
    ...(settings.baseUrl === undefined ? {} : { baseUrl: settings.baseUrl }),
  });
}

/** A CyberTipline submitter wired to storage, the evidence vault and the cases, and its review seam. */
export interface CybertipReporting {
  readonly submitter: CybertipSubmitter;
  readonly ledger: ReportLedger;
  /** The review service's seam over both. */
  readonly review: ReviewSubmissions;
}

/**
 * Wires the CyberTipline submitter of a process:
 *
 * - a file's bytes at the moment of reporting come from the evidence vault (an audited read) or
 *   the platform's URL under the server's URL policy; nothing is kept outside the vault;
 * - `<fileDetails>` are rendered by the report builder from the details stored with the plan;
 * - on NCMEC's receipt (`/finish` accepted), everything reported and the related data
 *   reasonably accessible — the report XML, its files, the case with its timeline, the subject's
 *   events and links — is preserved as one bundle in the encrypted vault for
 *   `preservationDays` (≥ 365) from the receipt (18 U.S.C. § 2258A(h)), and the case moves to
 *   `reported`. A failure there is retried by `retryDue` until it succeeds.
 *
 * Reporting needs the vault: a report whose preservation cannot happen is never sent.
 */
export function createCybertipReporting(deps: {
  readonly settings: CybertipSettings;
  readonly storage: Storage;
  readonly audit: AuditLog;
  readonly cases: CaseService;
  readonly evidence: EvidenceVault;
  readonly fetchPolicy: FetchPolicy;
  readonly preservationDays?: number;
  readonly logger?: Logger;
}): CybertipReporting {
  const { evidence, cases } = deps;
  const readFile = async (source: SubmissionFileSource): Promise<Uint8Array> =>
    'evidenceId' in source
      ? (await evidence.open(source.evidenceId, { actor, reason: 'file of a CyberTipline report, read to upload it' }))
          .media
      : fetchUrl(source.url, deps.fetchPolicy);
  const onReceipt = async (record: SubmissionRecord): Promise<void> => {
    const receivedAt = record.finishedAt ?? new Date().toISOString();
    const access = {
      actor,
      reason: `preservation of CyberTipline report ${record.reportId ?? '?'} (18 U.S.C. § 2258A(h))`,
    };
    const material = await cases.report(
      record.caseId,
      access,
      (found, timeline, events) => ({
        result: { found, timeline, events },
        detail: { purpose: 'preservation', reportId: record.reportId },
      }),
      {
        events: (found) => ({
          ids: [],
          entities: { refs: [splitEntityKey(found.subject)], fromMs: 0, toMs: Date.parse(receivedAt) },
        }),
      },
    );
    const links = await deps.storage.engine.links(material.found.subject);
    const files = [];
    for (const file of record.files) files.push({ file, media: await readFile(file.source) });
    const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
    const context = { caseId: record.caseId, reportId: record.reportId, submission: record.id };
    await evidence.preserveBundle({
      subject: `case:${record.caseId}`,
      kind: 'cybertip_report',
      retainUntil: preservationRetainUntil(receivedAt, deps.preservationDays),
      actor,
      reason: access.reason,
      items: [
        {
          kind: 'report_xml',
          mediaType: 'application/xml',
          media: new TextEncoder().encode(record.reportXml),
          context,
        },
        ...files.map(({ file, media }) => ({
          kind: 'reported_file',
          mediaType: 'application/octet-stream',
          media,
          context: { ...context, fileId: file.fileId, name: file.name, sha256: file.sha256, source: file.source },
        })),
        {
          kind: 'case_timeline',
          mediaType: 'application/json',
          media: json({ case: material.found, timeline: material.timeline }),
          context,
        },
        { kind: 'subject_events', mediaType: 'application/json', media: json(material.events), context },
        { kind: 'subject_links', mediaType: 'application/json', media: json(links), context },
      ],
    });
    try {
      await cases.update(
        record.caseId,
        { status: 'reported' },
        { actor, reason: `reported to NCMEC: CyberTipline report ${record.reportId ?? '?'}` },
      );
    } catch (error) {
      // A case already reported or closed keeps its status; the ledger says where it went.
      if (!isEngineError(error) || error.code !== 'CASE_TRANSITION_INVALID') throw error;
    }
  };
  const submitter = new CybertipSubmitter({
    client: cybertipClientFromSettings(deps.settings),
    repository: deps.storage.submissions,
    readFile,
    renderFileDetails: (details, ids) => buildCybertipFileDetails(details as CybertipFileInput, ids),
    audit: (entry) => deps.audit.record(entry),
    onReceipt,
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  });
  const ledger = new ReportLedger(deps.storage.submissions);
  return {
    submitter,
    ledger,
    review: {
      submit: (plan) => submitter.submit(plan),
      submissionsOf: (caseId) => submitter.submissionsOf(caseId),
      ledger: (caseId) => ledger.entries(caseId),
      recordFiling: (entry) => ledger.record(entry),
    },
  };
}
