import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { OptInForm } from '../components/OptInForm';
import { formatTime, humanize } from '../format';
import { type Role, roles } from '../types';

/** People (admin): the list with roles and child-safety opt-in, adding a person, and the opt-in/out. */
export function PeoplePage() {
  const queryClient = useQueryClient();
  const people = useQuery({ queryKey: ['people'], queryFn: api.people });
  const [login, setLogin] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [chosen, setChosen] = useState<Role[]>([]);
  const add = useMutation({
    mutationFn: () => api.addPerson({ login: login.trim(), displayName: displayName.trim(), password, roles: chosen }),
    onSuccess: () => {
      setLogin('');
      setDisplayName('');
      setPassword('');
      setChosen([]);
      void queryClient.invalidateQueries({ queryKey: ['people'] });
    },
  });
  useEffect(() => {
    document.title = 'People · Prevail review console';
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };

  return (
    <section aria-labelledby="people-heading">
      <h1 id="people-heading">People</h1>
      <ErrorNotice error={people.error} />
      {people.data !== undefined && (
        <table className="data" data-testid="people-table">
          <caption className="visually-hidden">People who may sign in, their roles and child-safety opt-in</caption>
          <thead>
            <tr>
              <th scope="col">Login</th>
              <th scope="col">Name</th>
              <th scope="col">Roles</th>
              <th scope="col">Child-safety work</th>
            </tr>
          </thead>
          <tbody>
            {people.data.people.map((person) => (
              <tr key={person.login} data-testid={`person-${person.login}`}>
                <th scope="row">
                  {person.login}
                  {person.disabled && <span className="tag">disabled</span>}
                </th>
                <td>{person.displayName}</td>
                <td>{person.roles.map(humanize).join(', ')}</td>
                <td>
                  {person.childSafetyOptInAt !== null
                    ? `Opted in ${formatTime(person.childSafetyOptInAt)}`
                    : 'Not opted in'}
                  {person.roles.includes('child_safety_reviewer') && <OptInForm person={person} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={submit} className="stacked" aria-labelledby="add-person-heading" data-testid="add-person">
        <h2 id="add-person-heading">Add a person</h2>
        <label htmlFor="person-login">Login</label>
        <input
          id="person-login"
          required
          value={login}
          onChange={(event) => setLogin(event.target.value)}
          autoComplete="off"
        />
        <label htmlFor="person-name">Display name</label>
        <input id="person-name" required value={displayName} onChange={(event) => setDisplayName(event.target.value)} />
        <label htmlFor="person-password">First password</label>
        <input
          id="person-password"
          type="password"
          required
          minLength={12}
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <fieldset>
          <legend>Roles</legend>
          {roles.map((role) => (
            <label className="check" key={role}>
              <input
                type="checkbox"
                checked={chosen.includes(role)}
                onChange={(event) =>
                  setChosen(event.target.checked ? [...chosen, role] : chosen.filter((r) => r !== role))
                }
                data-testid={`role-${role}`}
              />{' '}
              {humanize(role)}
            </label>
          ))}
        </fieldset>
        <p className="muted">A child-safety reviewer also needs to opt in before working child-safety queues.</p>
        <button type="submit" className="primary" disabled={add.isPending} data-testid="add-person-submit">
          Add person
        </button>
        {add.isSuccess && (
          <p role="status" className="notice ok">
            Added.
          </p>
        )}
        <ErrorNotice error={add.error} />
      </form>
    </section>
  );
}
