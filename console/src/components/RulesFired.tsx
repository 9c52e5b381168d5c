import type { CaseView } from '../types';

/** The rules that fired on the case, each with the policy text that explains it (shadow rules marked). */
export function RulesFired({ rules }: { readonly rules: CaseView['rules'] }) {
  if (rules.length === 0) return <p className="muted">No rules fired.</p>;
  return (
    <ul className="plain rules" data-testid="rules-fired">
      {rules.map((rule) => (
        <li key={rule.id}>
          <p>
            <strong>{rule.id}</strong> — {rule.description}{' '}
            <span className="muted">
              ({rule.hits} {rule.hits === 1 ? 'hit' : 'hits'})
            </span>
            {rule.shadow && <span className="tag">shadow: would fire, does not act</span>}
          </p>
          {rule.policy !== '' && <blockquote className="policy">{rule.policy}</blockquote>}
        </li>
      ))}
    </ul>
  );
}
