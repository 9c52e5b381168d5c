import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api';
import { ErrorNotice } from './ErrorNotice';

/**
 * Marks a case as imminent harm (it jumps its queue) or clears the mark, with a reason for the
 * audit log (`POST /cases/:id/imminent`).
 */
export function ImminentToggle({
  caseId,
  imminent,
  queue,
}: {
  readonly caseId: number;
  readonly imminent: boolean;
  readonly queue: string | null;
}) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const change = useMutation({
    mutationFn: () => api.setImminent(caseId, !imminent, reason.trim()),
    onSuccess: () => {
      setReason('');
      void queryClient.invalidateQueries({ queryKey: ['case', caseId] });
      if (queue !== null) void queryClient.invalidateQueries({ queryKey: ['queue', queue] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() !== '') change.mutate();
  };
  return (
    <form onSubmit={submit} className="inline-form" data-testid="imminent-form">
      <label htmlFor="imminent-reason">
        {imminent ? 'Why clear the imminent-harm mark?' : 'Why is harm imminent?'}
      </label>
      <input id="imminent-reason" value={reason} maxLength={1000} onChange={(event) => setReason(event.target.value)} />
      <button type="submit" disabled={change.isPending || reason.trim() === ''} data-testid="imminent-submit">
        {imminent ? 'Clear imminent harm' : 'Mark imminent harm'}
      </button>
      <ErrorNotice error={change.error} />
    </form>
  );
}
