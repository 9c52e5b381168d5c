import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api';
import { sessionKey } from '../session';
import type { Person } from '../types';
import { ErrorNotice } from './ErrorNotice';

/**
 * Opting a person in to (or out of) child-safety work, with a reason for the audit log. Opting out
 * is always one step; the person themself or an administrator may do it.
 */
export function OptInForm({ person }: { readonly person: Person }) {
  const queryClient = useQueryClient();
  const optedIn = person.childSafetyOptInAt !== null;
  const [reason, setReason] = useState('');
  const change = useMutation({
    mutationFn: () => api.optIn(person.login, !optedIn, reason.trim()),
    onSuccess: () => {
      setReason('');
      void queryClient.invalidateQueries({ queryKey: ['people'] });
      void queryClient.invalidateQueries({ queryKey: sessionKey });
      void queryClient.invalidateQueries({ queryKey: ['queues'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() !== '') change.mutate();
  };
  const id = `opt-reason-${person.login}`;
  return (
    <form onSubmit={submit} className="inline-form" data-testid={`opt-in-${person.login}`}>
      <label htmlFor={id}>Reason</label>
      <input id={id} value={reason} onChange={(event) => setReason(event.target.value)} required maxLength={500} />
      <button type="submit" disabled={change.isPending || reason.trim() === ''}>
        {optedIn ? 'Opt out of child-safety work' : 'Opt in to child-safety work'}
      </button>
      <ErrorNotice error={change.error} />
    </form>
  );
}
