import { Link } from 'react-router';
import type { Suggestion } from '../types';

/**
 * The hard stop: today's (or this week's) exposure limit is reached, so no more reveals. It names
 * the server's message and suggests a break; nothing on it reveals anything.
 */
export function BreakScreen({
  message,
  suggestion,
}: {
  readonly message: string;
  readonly suggestion: Suggestion | null;
}) {
  return (
    <div className="break-screen" role="alert" data-testid="break-screen">
      <h3>Time for a break</h3>
      <p data-testid="break-message">{message}</p>
      {suggestion !== null && suggestion.message !== message && <p>{suggestion.message}</p>}
      <p>
        Step away from the screen for a while.{' '}
        {suggestion?.queue != null ? (
          <>
            When you come back, continue in a queue without media:{' '}
            <Link to={`/queues/${encodeURIComponent(suggestion.queue)}`} data-testid="break-queue">
              {suggestion.queue}
            </Link>
            .
          </>
        ) : (
          'When you come back, a queue without media is a good place to continue.'
        )}
      </p>
      <p>
        If anything you saw stays with you, talk to your wellness lead or the support line your organisation provides.
      </p>
    </div>
  );
}
