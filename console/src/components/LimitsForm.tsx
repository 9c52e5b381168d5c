import { type FormEvent, useEffect, useState } from 'react';
import type { ExposureLimits } from '../types';
import { ErrorNotice } from './ErrorNotice';

/** The four limits, in the order the form shows them. */
export const limitNames: readonly { key: keyof ExposureLimits; label: string }[] = [
  { key: 'itemsPerDay', label: 'Items revealed per day' },
  { key: 'secondsPerDay', label: 'Seconds revealed per day' },
  { key: 'itemsPerWeek', label: 'Items revealed per week' },
  { key: 'secondsPerWeek', label: 'Seconds revealed per week' },
];

/**
 * The organisation's exposure limits per person (`settings.manage`): for each, the soft `warn`
 * (the console suggests a break) and the hard `stop` (reveals are refused). Warn may not exceed stop.
 */
export function LimitsForm({
  value,
  saving,
  saved,
  error,
  onSave,
}: {
  readonly value: ExposureLimits;
  readonly saving: boolean;
  readonly saved: boolean;
  readonly error: unknown;
  readonly onSave: (limits: ExposureLimits) => void;
}) {
  const [draft, setDraft] = useState<ExposureLimits>(value);
  useEffect(() => setDraft(value), [value]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(draft);
  };
  const set = (key: keyof ExposureLimits, part: 'warn' | 'stop', text: string) =>
    setDraft({ ...draft, [key]: { ...draft[key], [part]: Number(text) } });

  return (
    <form onSubmit={submit} className="stacked limits" data-testid="limits-form">
      <table className="data compact">
        <caption>Exposure limits per person</caption>
        <thead>
          <tr>
            <th scope="col">Limit</th>
            <th scope="col">Suggest a break at</th>
            <th scope="col">Stop reveals at</th>
          </tr>
        </thead>
        <tbody>
          {limitNames.map(({ key, label }) => (
            <tr key={key}>
              <th scope="row">{label}</th>
              <td>
                <input
                  type="number"
                  min={0}
                  aria-label={`${label}: suggest a break at`}
                  value={draft[key].warn}
                  onChange={(event) => set(key, 'warn', event.target.value)}
                  data-testid={`limit-${key}-warn`}
                />
              </td>
              <td>
                <input
                  type="number"
                  min={1}
                  aria-label={`${label}: stop reveals at`}
                  value={draft[key].stop}
                  onChange={(event) => set(key, 'stop', event.target.value)}
                  data-testid={`limit-${key}-stop`}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="submit" className="primary" disabled={saving} data-testid="limits-save">
        Save limits
      </button>
      {saved && (
        <p role="status" className="notice ok">
          Saved.
        </p>
      )}
      <ErrorNotice error={error} />
    </form>
  );
}
