import { type FormEvent, useEffect, useState } from 'react';
import { humanize } from '../format';
import type { WellnessPreferences } from '../types';
import { ErrorNotice } from './ErrorNotice';

/**
 * The wellness preferences form (a person's own, or the organisation defaults): blur strength,
 * greyscale, muted video, seconds a reveal stays clear, and a warning screen per harm type.
 */
export function PreferencesForm({
  idPrefix,
  value,
  saving,
  saved,
  error,
  onSave,
}: {
  readonly idPrefix: string;
  readonly value: WellnessPreferences;
  readonly saving: boolean;
  readonly saved: boolean;
  readonly error: unknown;
  readonly onSave: (preferences: WellnessPreferences) => void;
}) {
  const [draft, setDraft] = useState<WellnessPreferences>(value);
  useEffect(() => setDraft(value), [value]);
  const id = (name: string) => `${idPrefix}-${name}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(draft);
  };
  const harmTypes = Object.keys(draft.warningScreens ?? {});

  return (
    <form onSubmit={submit} className="stacked preferences" data-testid={`${idPrefix}-form`}>
      <label htmlFor={id('blur')}>
        Blur strength: <output htmlFor={id('blur')}>{draft.blurStrength}</output>
      </label>
      <input
        id={id('blur')}
        type="range"
        min={0}
        max={100}
        step={5}
        value={draft.blurStrength}
        onChange={(event) => setDraft({ ...draft, blurStrength: Number(event.target.value) })}
        data-testid={`${idPrefix}-blur`}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={draft.greyscale}
          onChange={(event) => setDraft({ ...draft, greyscale: event.target.checked })}
          data-testid={`${idPrefix}-greyscale`}
        />{' '}
        Greyscale
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.mute}
          onChange={(event) => setDraft({ ...draft, mute: event.target.checked })}
          data-testid={`${idPrefix}-mute`}
        />{' '}
        Mute video
      </label>
      <label htmlFor={id('reveal-seconds')}>Seconds a revealed item stays clear</label>
      <input
        id={id('reveal-seconds')}
        type="number"
        min={1}
        max={300}
        value={draft.revealSeconds}
        onChange={(event) => setDraft({ ...draft, revealSeconds: Number(event.target.value) })}
        data-testid={`${idPrefix}-reveal-seconds`}
      />
      <fieldset>
        <legend>Warning screen before revealing</legend>
        {harmTypes.length === 0 && <p className="muted">A warning screen always comes before a reveal.</p>}
        {harmTypes.map((harm) => (
          <label className="check" key={harm}>
            <input
              type="checkbox"
              checked={draft.warningScreens[harm] === true}
              onChange={(event) =>
                setDraft({ ...draft, warningScreens: { ...draft.warningScreens, [harm]: event.target.checked } })
              }
            />{' '}
            {humanize(harm)}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="primary" disabled={saving} data-testid={`${idPrefix}-save`}>
        Save
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
