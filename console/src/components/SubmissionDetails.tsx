import { formatTime, humanize } from '../format';
import type { SubmissionSummary } from '../types';

/** What a submission's status means, in a few words. */
const statusTexts: Readonly<Record<SubmissionSummary['status'], string>> = {
  created: 'Being sent: NCMEC has not acknowledged it yet',
  submitted: 'Sent: NCMEC gave a report id; files are uploading',
  finished: 'Received by NCMEC',
  retracted: 'Retracted: given up after NCMEC opened the report',
  failed: 'Failed: given up',
};

/** A submission's status in a few words (an unknown status, humanized). */
export function submissionStatusText(status: SubmissionSummary['status']): string {
  return statusTexts[status] ?? humanize(status);
}

/**
 * One submission: where it stands, NCMEC's report id, attempts and the next one, the last error
 * (a permanent failure's response text shown plainly: a person must act on it) and each file's step.
 */
export function SubmissionDetails({ submission }: { readonly submission: SubmissionSummary }) {
  const error = submission.lastError;
  const codes =
    error === null
      ? ''
      : [
          error.responseCode === undefined ? '' : `response code ${error.responseCode}`,
          error.httpStatus === undefined ? '' : `HTTP ${error.httpStatus}`,
        ]
          .filter((part) => part !== '')
          .join(', ');
  return (
    <div className="submission" data-testid={`submission-${submission.id}`}>
      <dl className="inline">
        <div>
          <dt>Status</dt>
          <dd data-testid="submission-status">
            {submissionStatusText(submission.status)}
            {submission.supplemental && ' (supplemental report)'}
          </dd>
        </div>
        <div>
          <dt>NCMEC report id</dt>
          <dd data-testid="submission-report-id">{submission.reportId ?? 'none yet'}</dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd>{submission.attempts}</dd>
        </div>
        {submission.nextAttemptAt !== null && (
          <div>
            <dt>Next attempt</dt>
            <dd>{formatTime(submission.nextAttemptAt)}</dd>
          </div>
        )}
        <div>
          <dt>Asked by</dt>
          <dd>
            {submission.actor} at {formatTime(submission.createdAt)}
          </dd>
        </div>
        {submission.finishedAt !== null && (
          <div>
            <dt>Received</dt>
            <dd>{formatTime(submission.finishedAt)}</dd>
          </div>
        )}
      </dl>
      {error !== null &&
        (error.kind === 'permanent' ? (
          <div className="notice error" data-testid="submission-error">
            <p>
              NCMEC refused the report at <code>{error.endpoint}</code>
              {codes !== '' && ` (${codes})`}; retrying cannot help. Its answer:
            </p>
            <blockquote data-testid="submission-error-text">{error.text}</blockquote>
          </div>
        ) : (
          <p className="notice warn" data-testid="submission-error">
            The last attempt failed at <code>{error.endpoint}</code>
            {codes !== '' && ` (${codes})`} and will be retried: {error.text}
          </p>
        ))}
      {submission.files.length > 0 ? (
        <table className="data compact" data-testid="submission-files">
          <caption className="visually-hidden">Files of submission {submission.id}</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Step</th>
            </tr>
          </thead>
          <tbody>
            {submission.files.map((file) => (
              <tr key={file.name}>
                <td>{file.name}</td>
                <td>{fileStepText(file.step)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No files (a report without media).</p>
      )}
    </div>
  );
}

function fileStepText(step: string): string {
  if (step === 'pending') return 'Not sent yet';
  if (step === 'uploaded') return 'Uploaded';
  if (step === 'described') return 'Uploaded and described';
  return humanize(step);
}
