import { formatDuration } from '../format';
import type { Exposure } from '../types';

/**
 * The soft exposure warning (status `warn`) or the reminder that today's limit is reached
 * (`stop`): what was seen today, and the server's suggestion (a break, a non-graphic queue).
 */
export function ExposureBanner({ exposure }: { readonly exposure: Exposure }) {
  return (
    <aside
      className={`notice ${exposure.status === 'stop' ? 'stop' : 'warn'}`}
      aria-label="Exposure"
      data-testid="exposure-warning"
    >
      <strong>
        {exposure.status === 'stop' ? 'Today’s exposure limit is reached.' : 'You are close to today’s exposure limit.'}
      </strong>{' '}
      Today: {exposure.today.items} items revealed, {formatDuration(exposure.today.seconds)}.{' '}
      {exposure.suggestion?.message ?? 'Consider a break or a queue without media.'}
    </aside>
  );
}
