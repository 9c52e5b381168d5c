import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { formatTime, humanize } from '../format';
import type { CaseView, LedgerEntry } from '../types';
import { CybertipSubmit } from './CybertipSubmit';
import { ErrorNotice } from './ErrorNotice';
import { FilingForm } from './FilingForm';
import { SubmissionDetails } from './SubmissionDetails';

/**
 * The query key of a case's reports. It sits under `['case', id]`, so whatever refreshes the case
 * (a decision, a label) refreshes where it was reported too.
 */
function caseReportsKey(caseId: number) {
  return ['case', caseId, 'reports'] as const;
}

/** `ncmec` → `NCMEC CyberTipline`, `other:nca` → `Other: nca`. */
function destinationName(destination: LedgerEntry['destination']): string {
  if (destination === 'ncmec') return 'NCMEC CyberTipline';
  if (destination === 'goaml') return 'goAML (FIU)';
  if (destination === 'fincen') return 'FinCEN';
  return destination.startsWith('other:') ? `Other: ${destination.slice('other:'.length)}` : destination;
}

/**
 * "Where this case was reported": the ledger (NCMEC, FIUs, others: destination, the reference it
 * gave, status, time), the case's CyberTipline submissions (status, NCMEC report id, attempts, the
 * next attempt, the last error's response text, each file's step), the "Report to NCMEC
 * CyberTipline" action and the form that records a filing made outside Prevail. Shown to people
 * with `reports.build`. Without a CyberTipline submitter the server keeps no ledger: the panel
 * says so instead of offering actions it would refuse.
 */
export function ReportLedger({ view }: { readonly view: CaseView }) {
  const caseId = view.case.id;
  const reports = useQuery({ queryKey: caseReportsKey(caseId), queryFn: () => api.caseReports(caseId) });

  if (reports.isPending) return <p role="status">Loading where this case was reported…</p>;
  if (reports.error !== null) return <ErrorNotice error={reports.error} testId="report-ledger-error" />;
  const { ledger, submissions, submissionConfigured } = reports.data;

  return (
    <div data-testid="report-ledger">
      {ledger.length === 0 ? (
        <p className="muted" data-testid="ledger-empty">
          Not reported anywhere yet.
        </p>
      ) : (
        <table className="data compact" data-testid="ledger-table">
          <caption className="visually-hidden">Where this case was reported</caption>
          <thead>
            <tr>
              <th scope="col">Destination</th>
              <th scope="col">Reference</th>
              <th scope="col">Status</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {ledger.map((entry) => (
              <tr key={`${entry.destination} ${entry.externalId}`} data-testid={`ledger-${entry.destination}`}>
                <td>{destinationName(entry.destination)}</td>
                <td>
                  <code>{entry.externalId}</code>
                </td>
                <td>{humanize(entry.status)}</td>
                <td>{formatTime(entry.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {submissions.length > 0 && (
        <>
          <h3>CyberTipline submissions</h3>
          <ol className="plain submissions">
            {submissions.map((submission) => (
              <li key={submission.id}>
                <SubmissionDetails submission={submission} />
              </li>
            ))}
          </ol>
        </>
      )}
      {submissionConfigured ? (
        <>
          <CybertipSubmit
            view={view}
            viewedFiles={reports.data.files}
            reportedToNcmec={ledger.some((entry) => entry.destination === 'ncmec')}
          />
          <FilingForm caseId={caseId} />
        </>
      ) : (
        <p className="notice" data-testid="cybertip-not-configured">
          CyberTipline submission is not configured on this server. Without it the server keeps no report ledger, so
          filings made elsewhere cannot be recorded here either.
        </p>
      )}
    </div>
  );
}
