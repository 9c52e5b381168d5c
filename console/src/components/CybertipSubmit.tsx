import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api } from '../api';
import { humanize } from '../format';
import type { CaseReports, CaseView, CybertipRequest } from '../types';
import { ErrorNotice } from './ErrorNotice';
import { submissionStatusText } from './SubmissionDetails';

/**
 * The problems a refused submission names, one per line: the server answers `REQUEST_INVALID`
 * with every problem in its message, separated by `; `. `null` for any other failure.
 */
function problemsOf(error: unknown): string[] | null {
  if (!(error instanceof ApiError) || error.code !== 'REQUEST_INVALID') return null;
  const problems = error.message
    .split('; ')
    .map((problem) => problem.trim())
    .filter((problem) => problem !== '');
  return problems.length > 0 ? problems : null;
}

/** Where a media item's bytes will be read from when the report is sent. */
function originText(origin: CaseView['media'][number]['origin']): string {
  return origin === 'evidence' ? 'from the evidence vault' : "from the platform's media URL at the moment of sending";
}

/**
 * "Report to NCMEC CyberTipline": a confirmation step that says plainly what will be sent (the
 * report built from the case and its confirming decision, and each file, with whether a person at
 * the company viewed it — which the server decides from the reveal audit: a file nobody revealed is
 * reported as not viewed), an optional "supplemental report" when the ledger already has an NCMEC
 * line, an optional escalation reason, then the submission. Shows the submission that results
 * (status, NCMEC report id, a permanent failure's response text) or the refusal with every
 * problem. The server refuses what is not reportable (no confirming decision, already reported).
 */
export function CybertipSubmit({
  view,
  viewedFiles,
  reportedToNcmec,
}: {
  readonly view: CaseView;
  /** Per media item, whether a person viewed it (the reveal audit, from the server). */
  readonly viewedFiles: CaseReports['files'];
  readonly reportedToNcmec: boolean;
}) {
  const caseId = view.case.id;
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [supplemental, setSupplemental] = useState(false);
  const [escalate, setEscalate] = useState('');
  const submit = useMutation({
    mutationFn: () => {
      const request: CybertipRequest = {
        ...(reportedToNcmec && supplemental ? { supplemental: true } : {}),
        ...(escalate.trim() !== '' ? { escalate: escalate.trim() } : {}),
      };
      return api.submitCybertip(caseId, request);
    },
    onSuccess: () => {
      setConfirming(false);
      setEscalate('');
      setSupplemental(false);
      // The case's timeline gains the report, and the panel its submission and ledger line.
      void queryClient.invalidateQueries({ queryKey: ['case', caseId] });
    },
  });
  const problems = problemsOf(submit.error);
  const media = view.media;
  const result = submit.data?.submission;

  return (
    <div className="cybertip" data-testid="cybertip">
      {!confirming && (
        <button
          type="button"
          className="primary"
          onClick={() => {
            submit.reset();
            setConfirming(true);
          }}
          data-testid="cybertip-start"
        >
          Report to NCMEC CyberTipline…
        </button>
      )}
      {confirming && (
        <form
          className="stacked"
          aria-labelledby="cybertip-confirm-heading"
          data-testid="cybertip-confirm"
          onSubmit={(event) => {
            event.preventDefault();
            submit.mutate();
          }}
        >
          <h3 id="cybertip-confirm-heading">What will be sent to NCMEC</h3>
          <p>
            A CyberTipline report of case {caseId} about <code>{view.subject.entity}</code>, built by the server from
            the case and its confirming decision (the classification, who decided and when), with the incident type the
            case supports and your organisation's reporter details.
          </p>
          {media.length === 0 ? (
            <p data-testid="cybertip-no-files">No files: the report is sent without media.</p>
          ) : (
            <>
              <p>
                {media.length === 1 ? 'One file' : `${media.length} files`}, each saying whether a person at the company
                viewed it, from the reveal audit: <strong>a file nobody revealed is reported as not viewed</strong>,
                never guessed, and carries no classification.
              </p>
              <ol data-testid="cybertip-files">
                {media.map((item, index) => (
                  <li key={item.id} data-testid={`cybertip-file-${item.id}`}>
                    File {index + 1}: {humanize(item.kind)} <code>{item.id}</code>, {originText(item.origin)}.{' '}
                    <strong data-testid={`cybertip-viewed-${item.id}`}>
                      {viewedFiles.some((file) => file.mediaId === item.id && file.viewed)
                        ? 'Viewed by a person.'
                        : 'Not viewed: reported on the match alone.'}
                    </strong>
                  </li>
                ))}
              </ol>
            </>
          )}
          {reportedToNcmec && (
            <label className="check">
              <input
                type="checkbox"
                checked={supplemental}
                onChange={(event) => setSupplemental(event.target.checked)}
                data-testid="cybertip-supplemental"
              />{' '}
              Supplemental report: this case was already reported to NCMEC and this is a deliberate further report
            </label>
          )}
          <label htmlFor="cybertip-escalate">Escalate as urgent (optional): why a child is at imminent risk</label>
          <textarea
            id="cybertip-escalate"
            rows={2}
            maxLength={3000}
            value={escalate}
            onChange={(event) => setEscalate(event.target.value)}
            data-testid="cybertip-escalate"
          />
          <div className="toolbar">
            <button type="submit" className="primary" disabled={submit.isPending} data-testid="cybertip-send">
              Send the report to NCMEC
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={submit.isPending}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {submit.isPending && <p role="status">Sending the report to NCMEC…</p>}
      {problems !== null ? (
        <div role="alert" className="notice error" data-testid="cybertip-problems">
          <p>The report cannot be sent until these are fixed:</p>
          <ul>
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      ) : (
        <ErrorNotice error={submit.error} testId="cybertip-error" />
      )}
      {result !== undefined && (
        <div
          role="status"
          className={`notice ${result.status === 'failed' ? 'error' : 'ok'}`}
          data-testid="cybertip-result"
        >
          <p>
            Submission {result.id}:{' '}
            <span data-testid="cybertip-result-status">{submissionStatusText(result.status)}</span>.{' '}
            {result.reportId === null ? (
              'NCMEC has not given a report id yet.'
            ) : (
              <>
                NCMEC report id <code data-testid="cybertip-result-report-id">{result.reportId}</code>.
              </>
            )}
          </p>
          {result.lastError !== null && <p>NCMEC's last answer: {result.lastError.text}</p>}
        </div>
      )}
    </div>
  );
}
