import { type FormEvent, useEffect, useState } from 'react';
import { humanize } from '../format';
import type { WellnessPreferences } from '../types';
import { ErrorNotice } from './ErrorNotice';

/** How a warning-screen key reads: `*` is every harm no other key names. */
function harmName(key: string): string {
  return key === '*' ? 'Any other harm (the default)' : humanize(key);
}

/**
 * The wellness preferences form (a person's own, or the organisation defaults): blur strength (the
 * rendition's blur sigma, 3–60: a preview is never sharp), greyscale, muted video, the seconds a
 * reveal stays clear (3–60), the preview size (64–640 px), and a warning screen per harm (a bank
 * category or typology; `*` for the rest). `onSave` gets only the fields that differ from `value`.
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
  readonly onSave: (changed: Partial<WellnessPreferences>) => void;
}) {
  const [draft, setDraft] = useState<WellnessPreferences>(value);
  useEffect(() => setDraft(value), [value]);
  const id = (name: string) => `${idPrefix}-${name}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const changed = Object.fromEntries(
      Object.entries(draft).filter(
        ([key, field]) => JSON.stringify(field) !== JSON.stringify(value[key as keyof WellnessPreferences]),
      ),
    ) as Partial<WellnessPreferences>;
    onSave(changed);
  };
  const harmTypes = Object.keys(draft.warningScreens);

  return (
    <form onSubmit={submit} className="stacked preferences" data-testid={`${idPrefix}-form`}>
      <label htmlFor={id('blur')}>
        Blur strength: <output htmlFor={id('blur')}>{draft.blurSigma}</output>
      </label>
      <input
        id={id('blur')}
        type="range"
        min={3}
        max={60}
        step={1}
        value={draft.blurSigma}
        onChange={(event) => setDraft({ ...draft, blurSigma: Number(event.target.value) })}
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
          checked={draft.muteVideo}
          onChange={(event) => setDraft({ ...draft, muteVideo: event.target.checked })}
          data-testid={`${idPrefix}-mute`}
        />{' '}
        Mute video
      </label>
      <label htmlFor={id('reveal-seconds')}>Seconds a revealed item stays clear (3–60)</label>
      <input
        id={id('reveal-seconds')}
        type="number"
        min={3}
        max={60}
        value={draft.revealSeconds}
        onChange={(event) => setDraft({ ...draft, revealSeconds: Number(event.target.value) })}
        data-testid={`${idPrefix}-reveal-seconds`}
      />
      <label htmlFor={id('size')}>Preview size in pixels (64–640)</label>
      <input
        id={id('size')}
        type="number"
        min={64}
        max={640}
        step={16}
        value={draft.renditionSize}
        onChange={(event) => setDraft({ ...draft, renditionSize: Number(event.target.value) })}
        data-testid={`${idPrefix}-size`}
      />
      <fieldset>
        <legend>Warning screen before revealing</legend>
        {harmTypes.map((harm) => (
          <label className="check" key={harm}>
            <input
              type="checkbox"
              checked={draft.warningScreens[harm] === true}
              onChange={(event) =>
                setDraft({ ...draft, warningScreens: { ...draft.warningScreens, [harm]: event.target.checked } })
              }
            />{' '}
            {harmName(harm)}
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
