import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import type { FilingRequest } from '../types';
import { ErrorNotice } from './ErrorNotice';

/** A destination's other-name as the server takes it: lower-case letters, digits, `_` and `-`. */
const otherName = /^[a-z0-9_-]{1,40}$/;

/**
 * "Record a filing": a report of the case filed outside Prevail — a goAML STR uploaded to the
 * FIU's portal, a FinCEN SAR through BSA E-Filing, or another destination — entered with the
 * reference the destination gave and a reason (audited), so the ledger shows every place the case
 * went. The ledger refreshes from the answer.
 */
export function FilingForm({ caseId }: { readonly caseId: number }) {
  const queryClient = useQueryClient();
  const [destination, setDestination] = useState<'goaml' | 'fincen' | 'other'>('goaml');
  const [other, setOther] = useState('');
  const [reference, setReference] = useState('');
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const filing = (): FilingRequest => ({
    destination: destination === 'other' ? `other:${other.trim()}` : destination,
    reference: reference.trim(),
    reason: reason.trim(),
  });
  const record = useMutation({
    mutationFn: (request: FilingRequest) => api.recordFiling(caseId, request),
    onSuccess: (_answer, request) => {
      setNotice(`Filing ${request.reference} recorded.`);
      setReference('');
      setReason('');
      void queryClient.invalidateQueries({ queryKey: ['case', caseId, 'reports'] });
    },
  });
  const complete =
    reference.trim() !== '' && reason.trim() !== '' && (destination !== 'other' || otherName.test(other.trim()));

  return (
    <form
      className="stacked label-form"
      data-testid="filing-form"
      onSubmit={(event) => {
        event.preventDefault();
        setNotice(null);
        if (complete) record.mutate(filing());
      }}
    >
      <fieldset>
        <legend>Record a filing made outside Prevail</legend>
        <label htmlFor="filing-destination">Filed with</label>
        <select
          id="filing-destination"
          value={destination}
          onChange={(event) => setDestination(event.target.value as 'goaml' | 'fincen' | 'other')}
          data-testid="filing-destination"
        >
          <option value="goaml">goAML (an FIU's portal)</option>
          <option value="fincen">FinCEN (BSA E-Filing)</option>
          <option value="other">Other</option>
        </select>
        {destination === 'other' && (
          <>
            <label htmlFor="filing-other">Destination name (lower-case letters, digits, _ and -)</label>
            <input
              id="filing-other"
              value={other}
              maxLength={40}
              pattern="[a-z0-9_\-]{1,40}"
              required
              onChange={(event) => setOther(event.target.value)}
              data-testid="filing-other"
            />
          </>
        )}
        <label htmlFor="filing-reference">Reference the destination gave the report</label>
        <input
          id="filing-reference"
          value={reference}
          maxLength={200}
          required
          onChange={(event) => setReference(event.target.value)}
          data-testid="filing-reference"
        />
        <label htmlFor="filing-reason">Reason (goes into the audit log)</label>
        <input
          id="filing-reason"
          value={reason}
          maxLength={1000}
          required
          onChange={(event) => setReason(event.target.value)}
          data-testid="filing-reason"
        />
        <button type="submit" disabled={record.isPending || !complete} data-testid="filing-submit">
          Record filing
        </button>
      </fieldset>
      <ErrorNotice error={record.error} testId="filing-error" />
      {notice !== null && (
        <p role="status" className="notice ok" data-testid="filing-status">
          {notice}
        </p>
      )}
    </form>
  );
}
