import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api';
import { formatTime } from '../format';
import type { FeedbackVerdict, MatchFeedback } from '../types';
import { ErrorNotice } from './ErrorNotice';

/** Under `['case', id]`, so a decision (which gives feedback through the job) refreshes it too. */
function feedbackKey(caseId: number) {
  return ['case', caseId, 'exchange-feedback'] as const;
}

const verdictText: Readonly<Record<FeedbackVerdict, string>> = {
  true_positive: 'true positive',
  false_positive: 'false positive',
};

/** "Sent: false positive", "Queued: true positive", "Not supported by this exchange's API", … */
function stateText(item: MatchFeedback): string {
  const verdict = item.verdict === null ? '' : `: ${verdictText[item.verdict]}`;
  switch (item.state) {
    case 'none':
      return 'No feedback yet';
    case 'queued':
      return `Queued${verdict}`;
    case 'sent':
      return `Sent${verdict}`;
    case 'failed':
      return `Failed${verdict}`;
    case 'unsupported':
      return "Not supported by this exchange's API";
  }
}

/** One match's row: where its feedback went, and (where the API takes it) the reviewer's verdict. */
function FeedbackRow({ caseId, item }: { readonly caseId: number; readonly item: MatchFeedback }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const give = useMutation({
    mutationFn: (verdict: FeedbackVerdict) =>
      api.giveMatchFeedback(caseId, {
        exchange: item.exchange,
        contentId: item.contentId,
        signalType: item.signalType,
        verdict,
        reason: reason.trim(),
      }),
    onSuccess: () => {
      setReason('');
      void queryClient.invalidateQueries({ queryKey: feedbackKey(caseId) });
    },
  });
  const testId = `feedback-${item.exchange}-${item.contentId}-${item.signalType}`;
  const send = (verdict: FeedbackVerdict) => {
    if (reason.trim() !== '') give.mutate(verdict);
  };
  // Enter in the reason field sends nothing: a verdict is always a button press.
  const ignoreSubmit = (event: FormEvent) => event.preventDefault();
  const open = item.state !== 'unsupported' && item.key !== null;
  return (
    <tr data-testid={testId}>
      <td>
        <strong>{item.exchange}</strong>
        <br />
        <span className="muted">
          {item.kind} · item {item.contentId}
          {item.key !== null && (
            <>
              {' '}
              · <code>{item.key}</code>
            </>
          )}{' '}
          · {item.signalType}
        </span>
      </td>
      <td data-testid="feedback-state">
        {stateText(item)}
        {item.updatedAt !== null && <span className="muted"> {formatTime(item.updatedAt)}</span>}
        {item.errorCode !== null && item.state === 'failed' && (
          <>
            <br />
            <span data-testid="feedback-error">Error: {item.errorCode}</span>
          </>
        )}
        {item.actor !== null && (
          <>
            <br />
            <span className="muted">by {item.actor}</span>
          </>
        )}
      </td>
      <td>
        {open ? (
          <form className="stacked" onSubmit={ignoreSubmit}>
            <label htmlFor={`${testId}-reason`}>Why?</label>
            <input
              id={`${testId}-reason`}
              value={reason}
              maxLength={2000}
              onChange={(event) => setReason(event.target.value)}
              data-testid="feedback-reason"
            />
            <span>
              <button
                type="button"
                disabled={give.isPending || reason.trim() === ''}
                onClick={() => send('true_positive')}
                data-testid="feedback-true-positive"
              >
                True positive
              </button>{' '}
              <button
                type="button"
                disabled={give.isPending || reason.trim() === ''}
                onClick={() => send('false_positive')}
                data-testid="feedback-false-positive"
              >
                False positive
              </button>
            </span>
            <ErrorNotice error={give.error} />
          </form>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

/**
 * "Feedback to exchanges": each match of the case from an exchange's bank (NCMEC, StopNCII,
 * ThreatExchange, …) with where its feedback went — queued, sent, failed, or not supported by that
 * exchange's API — and, where the API takes it, a true or false positive with a reason. A decision
 * gives feedback by itself (the server's feedback job reads it); this is for one match.
 */
export function ExchangeFeedback({ caseId }: { readonly caseId: number }) {
  const feedback = useQuery({ queryKey: feedbackKey(caseId), queryFn: () => api.matchFeedback(caseId) });
  if (feedback.isPending) return <p role="status">Loading the feedback to exchanges…</p>;
  if (feedback.error !== null) return <ErrorNotice error={feedback.error} testId="exchange-feedback-error" />;
  const list = feedback.data.feedback;
  if (list.length === 0)
    return (
      <p className="muted" data-testid="exchange-feedback-empty">
        No match of this case came from an exchange's bank.
      </p>
    );
  return (
    <table className="data compact" data-testid="exchange-feedback">
      <caption className="visually-hidden">Feedback to exchanges</caption>
      <thead>
        <tr>
          <th scope="col">Match</th>
          <th scope="col">Feedback</th>
          <th scope="col">Give feedback</th>
        </tr>
      </thead>
      <tbody>
        {list.map((item) => (
          <FeedbackRow caseId={caseId} item={item} key={`${item.exchange}-${item.contentId}-${item.signalType}`} />
        ))}
      </tbody>
    </table>
  );
}
