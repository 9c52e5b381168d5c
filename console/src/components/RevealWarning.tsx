import { useEffect, useRef, useState } from 'react';
import { humanize } from '../format';
import type { MediaItem } from '../types';

/**
 * The warning screen before any reveal: names the predicted harm (the bank's category, the
 * typology) and asks for an explicit "Reveal". An optional reason goes into the audit entry.
 */
export function RevealWarning({
  item,
  busy,
  onReveal,
  onCancel,
}: {
  readonly item: MediaItem;
  readonly busy: boolean;
  readonly onReveal: (reason: string) => void;
  readonly onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const harms = [item.harm.category, item.harm.typology].filter((value): value is string => value !== null);
  const headingId = `reveal-warning-${item.id}`;
  return (
    <section className="reveal-warning" aria-labelledby={headingId} data-testid="reveal-warning">
      <h4 id={headingId} ref={heading} tabIndex={-1}>
        Before you reveal this {item.kind}
      </h4>
      <p data-testid="predicted-harm">
        {harms.length > 0
          ? `Predicted harm: ${harms.map(humanize).join(' · ')}.`
          : 'No harm prediction is available for this item.'}
      </p>
      <p>
        It will show clearly for a short time, then blur again. The reveal is recorded in the audit log and counts
        toward your exposure today. Only reveal it if the decision needs it.
      </p>
      <label htmlFor={`reveal-reason-${item.id}`}>Why reveal? (optional)</label>
      <input
        id={`reveal-reason-${item.id}`}
        value={reason}
        maxLength={500}
        onChange={(event) => setReason(event.target.value)}
        data-testid="reveal-reason"
      />
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          onClick={() => onReveal(reason.trim())}
          disabled={busy}
          data-testid="reveal-confirm"
        >
          Reveal
        </button>
        <button type="button" onClick={onCancel} data-testid="reveal-cancel">
          Keep it blurred
        </button>
      </div>
    </section>
  );
}
