import { humanize } from '../format';
import type { CaseView } from '../types';

/** Each typology's score against its threshold (a meter), with the reasons behind it. */
export function TypologyScores({ scores }: { readonly scores: CaseView['typologyScores'] }) {
  if (scores.length === 0) return <p className="muted">No typology scores for this case.</p>;
  return (
    <ul className="plain scores" data-testid="typology-scores">
      {scores.map((score) => {
        const id = `score-${score.typology}`;
        return (
          <li key={score.typology}>
            <label htmlFor={id}>
              {humanize(score.typology)}: {score.score.toFixed(2)} (threshold {score.threshold.toFixed(2)})
              {score.score >= score.threshold && <span className="tag">above threshold</span>}
            </label>
            <meter
              id={id}
              min={0}
              max={Math.max(1, score.score, score.threshold)}
              value={score.score}
              high={score.threshold}
            />
            {score.reasons.length > 0 && (
              <ul>
                {score.reasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}
