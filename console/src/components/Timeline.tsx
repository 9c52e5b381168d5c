import { formatTime, humanize } from '../format';
import type { TimelineItem } from '../types';

/** A short text mark per timeline kind (decorative: the kind is also said in words). */
const kindMarks: Readonly<Record<string, string>> = {
  match: '≈',
  stream_frame: '▶',
  frame: '▶',
  session: '◷',
  payment: '¤',
  label: '#',
  rule_hit: '!',
  decision: '✓',
  comment: '✎',
  event: '•',
};

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map((entry) => text(entry) ?? '').filter((entry) => entry !== '') : [];
}

/** The entry's detail as an object (an event, a rule hit…); anything else has no fields to show. */
function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Detail fields shown on their own line (match provenance, payment typology); the rest is under "More". */
const featured = ['bank', 'distance', 'signalType', 'typology', 'amount', 'currency', 'label'] as const;

/**
 * The case's timeline, newest first: each item's kind, time and summary; a match's provenance
 * (bank, distance); a payment's typology reasons and the guidance it cites; other detail fields
 * on request.
 */
export function Timeline({ items }: { readonly items: readonly TimelineItem[] }) {
  if (items.length === 0) return <p className="muted">Nothing on the timeline yet.</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {items.map((item, index) => {
        const detail = record(item.detail);
        // A rule hit states its reasons in its effects (a verdict's or a typology's `reason`).
        const effects = Array.isArray(detail.effects) ? detail.effects.map(record) : [];
        const reasons = [
          ...list(detail.reasons),
          ...effects.flatMap((effect) => (typeof effect.reason === 'string' ? [effect.reason] : [])),
        ];
        const rest = Object.entries(detail).filter(
          ([key]) => key !== 'reasons' && !(featured as readonly string[]).includes(key),
        );
        return (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: items have no id of their own; the list is replaced, never reordered
            key={`${item.kind}-${String(item.ref)}-${index}`}
            className={`timeline-item kind-${item.kind}`}
            data-testid="timeline-item"
          >
            <div className="timeline-head">
              <span className="mark" aria-hidden="true">
                {kindMarks[item.kind] ?? '•'}
              </span>
              <span className="kind">{humanize(item.kind)}</span>
              <time dateTime={item.time}>{formatTime(item.time)}</time>
            </div>
            <p>{item.summary}</p>
            {featured.some((key) => detail[key] !== undefined && detail[key] !== null) && (
              <dl className="inline">
                {featured
                  .filter((key) => detail[key] !== undefined && detail[key] !== null)
                  .map((key) => (
                    <div key={key}>
                      <dt>{humanize(key)}</dt>
                      <dd data-testid={`timeline-${key}`}>{text(detail[key])}</dd>
                    </div>
                  ))}
              </dl>
            )}
            {reasons.length > 0 && (
              <>
                <p className="subhead">Why</p>
                <ul>
                  {reasons.map((reason) => (
                    <li key={reason}>{reason}</li>
                  ))}
                </ul>
              </>
            )}
            {item.guidance !== undefined && item.guidance.length > 0 && (
              <>
                <p className="subhead">Guidance</p>
                <ul className="guidance" data-testid="timeline-guidance">
                  {item.guidance.map((citation) => (
                    <li key={citation}>
                      <cite>{citation}</cite>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {rest.length > 0 && (
              <details>
                <summary>More</summary>
                <dl>
                  {rest.map(([key, value]) => (
                    <div key={key}>
                      <dt>{humanize(key)}</dt>
                      <dd>{text(value)}</dd>
                    </div>
                  ))}
                </dl>
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
