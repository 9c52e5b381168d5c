import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { LimitsForm, limitNames } from '../components/LimitsForm';
import { OptInForm } from '../components/OptInForm';
import { PreferencesForm } from '../components/PreferencesForm';
import { formatDuration } from '../format';
import { allows, useSession } from '../session';
import type { ExposureLimits, WellnessPreferences } from '../types';

/**
 * A person's wellness page: their own preferences and their own exposure today and this week;
 * with `settings.manage`, the organisation defaults too.
 */
export function WellnessPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  const mayManage = allows(session.data, 'settings.manage');
  const preferences = useQuery({ queryKey: ['preferences'], queryFn: api.preferences });
  const exposure = useQuery({ queryKey: ['exposure'], queryFn: api.exposure });
  const defaults = useQuery({ queryKey: ['defaults'], queryFn: api.defaults, enabled: mayManage });
  const savePreferences = useMutation({
    // The person's overrides so far, with what they changed now (the server replaces them whole).
    mutationFn: (changed: Partial<WellnessPreferences>) =>
      api.savePreferences({ ...(preferences.data?.own ?? {}), ...changed }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['preferences'] }),
  });
  const saveDefaults = useMutation({
    mutationFn: (change: { preferences?: Partial<WellnessPreferences>; limits?: ExposureLimits }) =>
      api.saveDefaults(change),
    onSuccess: (value) => {
      queryClient.setQueryData(['defaults'], value);
      void queryClient.invalidateQueries({ queryKey: ['preferences'] });
      void queryClient.invalidateQueries({ queryKey: ['exposure'] });
    },
  });
  useEffect(() => {
    document.title = 'Wellness · Prevail review console';
  }, []);

  return (
    <section aria-labelledby="wellness-heading">
      <h1 id="wellness-heading">Wellness</h1>
      <section aria-labelledby="exposure-heading">
        <h2 id="exposure-heading">Your exposure</h2>
        <ErrorNotice error={exposure.error} />
        {exposure.data !== undefined && (
          <>
            <table className="data compact" data-testid="own-exposure">
              <caption className="visually-hidden">Items revealed and time revealed</caption>
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  <th scope="col">Items revealed</th>
                  <th scope="col">Time revealed</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">Today</th>
                  <td>{exposure.data.today.items}</td>
                  <td>{formatDuration(exposure.data.today.seconds)}</td>
                </tr>
                <tr>
                  <th scope="row">This week</th>
                  <td>{exposure.data.week.items}</td>
                  <td>{formatDuration(exposure.data.week.seconds)}</td>
                </tr>
              </tbody>
            </table>
            <dl className="inline" data-testid="own-limits">
              {limitNames.map(({ key, label }) => (
                <div key={key}>
                  <dt>{label}</dt>
                  <dd>
                    break suggested at {exposure.data.limits[key].warn}, reveals stop at{' '}
                    {exposure.data.limits[key].stop}
                  </dd>
                </div>
              ))}
            </dl>
            {exposure.data.suggestion !== null && <p className="notice">{exposure.data.suggestion.message}</p>}
          </>
        )}
      </section>
      <section aria-labelledby="preferences-heading">
        <h2 id="preferences-heading">Your preferences</h2>
        <p className="muted">They override the organisation defaults for you only.</p>
        <ErrorNotice error={preferences.error} />
        {preferences.data !== undefined && (
          <PreferencesForm
            idPrefix="preferences"
            value={preferences.data.preferences}
            saving={savePreferences.isPending}
            saved={savePreferences.isSuccess}
            error={savePreferences.error}
            onSave={(value) => savePreferences.mutate(value)}
          />
        )}
      </section>
      {session.data?.person.roles.includes('child_safety_reviewer') === true && (
        <section aria-labelledby="opt-in-heading" data-testid="own-opt-in">
          <h2 id="opt-in-heading">Child-safety work</h2>
          <p>
            {session.data.person.childSafetyOptInAt !== null
              ? 'You have opted in to child-safety queues. You can opt out at any time, without giving more than a short reason.'
              : 'You have not opted in to child-safety queues. They stay closed to you until you do.'}
          </p>
          <OptInForm person={session.data.person} />
        </section>
      )}
      {mayManage && (
        <section aria-labelledby="defaults-heading">
          <h2 id="defaults-heading">Organisation defaults</h2>
          <ErrorNotice error={defaults.error} />
          {defaults.data !== undefined && (
            <>
              <PreferencesForm
                idPrefix="defaults"
                value={defaults.data.preferences}
                saving={saveDefaults.isPending}
                saved={saveDefaults.isSuccess && saveDefaults.variables?.preferences !== undefined}
                error={saveDefaults.variables?.preferences !== undefined ? saveDefaults.error : null}
                onSave={(changed) => saveDefaults.mutate({ preferences: { ...defaults.data.preferences, ...changed } })}
              />
              <LimitsForm
                value={defaults.data.limits}
                saving={saveDefaults.isPending}
                saved={saveDefaults.isSuccess && saveDefaults.variables?.limits !== undefined}
                error={saveDefaults.variables?.limits !== undefined ? saveDefaults.error : null}
                onSave={(limits) => saveDefaults.mutate({ limits })}
              />
            </>
          )}
        </section>
      )}
    </section>
  );
}
