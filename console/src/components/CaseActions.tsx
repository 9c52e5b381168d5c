import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { formatTime, humanize } from '../format';
import type { CaseAction } from '../types';
import { ErrorNotice } from './ErrorNotice';

/** Under `['case', id]`, so a decision (which may trigger actions) refreshes the list too. */
function caseActionsKey(caseId: number) {
  return ['case', caseId, 'actions'] as const;
}

/** `delivered` → "Delivered", `stream` → "On the event stream", `shadow` → "Shadow (not sent)". */
function statusText(action: CaseAction): string {
  if (action.status === 'stream') return 'On the event stream';
  if (action.status === 'shadow') return 'Shadow (not sent)';
  if (action.status === 'dead') return 'Gave up';
  return humanize(action.status);
}

/**
 * "Actions sent to the platform": every action the case's detections and decisions triggered
 * (`actions.yaml`) with where its delivery stands: endpoint, status, attempts, the last error and
 * the next retry, and each attempt (time, HTTP status, latency, error) on demand. The server
 * sends no payload, so nothing a platform receives beyond names and states is shown here.
 */
export function CaseActions({ caseId }: { readonly caseId: number }) {
  const actions = useQuery({ queryKey: caseActionsKey(caseId), queryFn: () => api.caseActions(caseId) });
  if (actions.isPending) return <p role="status">Loading the case's actions…</p>;
  if (actions.error !== null) return <ErrorNotice error={actions.error} testId="case-actions-error" />;
  const list = actions.data.actions;
  if (list.length === 0)
    return (
      <p className="muted" data-testid="case-actions-empty">
        No action was triggered for this case.
      </p>
    );
  return (
    <table className="data compact" data-testid="case-actions">
      <caption className="visually-hidden">Actions sent to the platform</caption>
      <thead>
        <tr>
          <th scope="col">Action</th>
          <th scope="col">Endpoint</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
        </tr>
      </thead>
      <tbody>
        {list.map((action) => (
          <tr key={action.id} data-testid={`case-action-${action.id}`}>
            <td>
              <strong>{humanize(action.action)}</strong>
              <br />
              <span className="muted">
                {humanize(action.kind)} · {action.trigger}
              </span>
            </td>
            <td>
              <code>{action.endpoint}</code>
            </td>
            <td data-testid="case-action-status">
              {statusText(action)}
              {action.deliveredAt !== null && <span className="muted"> {formatTime(action.deliveredAt)}</span>}
              {action.lastError !== null && (
                <>
                  <br />
                  <span data-testid="case-action-error">Last error: {action.lastError}</span>
                </>
              )}
              {action.nextAttemptAt !== null && (
                <>
                  <br />
                  <span className="muted" data-testid="case-action-next">
                    Next retry {formatTime(action.nextAttemptAt)}
                  </span>
                </>
              )}
            </td>
            <td>
              {action.attemptLog.length === 0 ? (
                action.attempts
              ) : (
                <details>
                  <summary>{action.attempts}</summary>
                  <ol className="plain">
                    {action.attemptLog.map((attempt) => (
                      <li key={attempt.seq}>
                        {formatTime(attempt.at)}: {attempt.httpStatus ?? '—'}, {Math.round(attempt.latencyMs)} ms
                        {attempt.error !== null && ` (${attempt.error})`}
                      </li>
                    ))}
                  </ol>
                </details>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
