import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { humanize } from '../format';
import { type Shortcut, useShortcuts } from '../keyboard';
import { type CaseView, type Classification, classifications, type DecisionAction } from '../types';
import { ErrorNotice } from './ErrorNotice';
import { ImminentToggle } from './ImminentToggle';

/** Button text and shortcut key per decision. */
const actionKeys: Readonly<Record<DecisionAction, { label: string; key: string | null }>> = {
  confirm: { label: 'Confirm', key: 'c' },
  dismiss: { label: 'Dismiss', key: 'd' },
  escalate: { label: 'Escalate', key: 'e' },
  enqueue_report: { label: 'Enqueue for reporting', key: 'r' },
  close: { label: 'Close', key: null },
};

/**
 * The decision bar: the actions the server offers for the case (confirm, dismiss, escalate, enqueue
 * for reporting, close), the A1/A2/B1/B2 classification, a label with its reason, and "Step away" /
 * "Release" for the claim (releasing asks why: the reason goes into the audit log). An action whose `reasonRequired` is set shows the reason field, focuses
 * it and refuses to send without a reason. Keyboard: c d e r, 1–4, s, n (never while typing).
 */
export function DecisionBar({ view }: { readonly view: CaseView }) {
  const caseId = view.case.id;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const [pending, setPending] = useState<DecisionAction | null>(null);
  const [reason, setReason] = useState('');
  const [classification, setClassification] = useState<Classification | null>(null);
  const [missingReason, setMissingReason] = useState(false);
  const [label, setLabel] = useState('');
  const [labelReason, setLabelReason] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [releasing, setReleasing] = useState(false);
  const [releaseReason, setReleaseReason] = useState('');

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['case', caseId] });
    void queryClient.invalidateQueries({ queryKey: ['queues'] });
    if (view.queue !== null) void queryClient.invalidateQueries({ queryKey: ['queue', view.queue] });
  };
  const decide = useMutation({
    mutationFn: (action: DecisionAction) =>
      api.decide(caseId, {
        action,
        ...(reason.trim() !== '' ? { reason: reason.trim() } : {}),
        ...(classification !== null ? { classification } : {}),
      }),
    onSuccess: (_data, action) => {
      setPending(null);
      setReason('');
      setNotice(`Decision recorded: ${actionKeys[action].label.toLowerCase()}.`);
      refresh();
    },
  });
  const claimChange = useMutation({
    mutationFn: (change: 'step-away' | 'release' | 'claim') =>
      change === 'step-away'
        ? api.stepAway(caseId)
        : change === 'release'
          ? api.release(caseId, releaseReason.trim())
          : api.claim(caseId),
    onSuccess: (_data, change) => {
      refresh();
      if (change === 'claim') setNotice('You hold this case.');
      else navigate(view.queue !== null ? `/queues/${encodeURIComponent(view.queue)}` : '/queues');
    },
  });
  const next = useMutation({
    mutationFn: () => api.claimNext(view.queue ?? ''),
    onSuccess: (data) => {
      refresh();
      if (data.item === null) setNotice('Nothing else is waiting in this queue.');
      else {
        // The case view must show the new claim, not a cached one.
        void queryClient.invalidateQueries({ queryKey: ['case', data.item.caseId] });
        navigate(`/cases/${data.item.caseId}`);
      }
    },
  });
  const applyLabel = useMutation({
    mutationFn: () => api.label(caseId, label.trim(), labelReason.trim()),
    onSuccess: () => {
      setNotice(`Label ${label.trim()} applied.`);
      setLabel('');
      setLabelReason('');
      refresh();
    },
  });

  /** Runs an action, or asks for its reason first. */
  const start = (action: DecisionAction) => {
    const offered = view.actions.find((candidate) => candidate.action === action);
    if (offered === undefined || decide.isPending) return;
    setNotice(null);
    if (offered.reasonRequired && reason.trim() === '') {
      // Render the field now and focus it before the next key arrives (a key typed right after
      // must land in the field, never fire another shortcut).
      flushSync(() => {
        setPending(action);
        setMissingReason(true);
      });
      reasonField.current?.focus();
      return;
    }
    setMissingReason(false);
    setPending(action);
    decide.mutate(action);
  };
  const submitReason = (event: FormEvent) => {
    event.preventDefault();
    if (pending === null) return;
    if (reason.trim() === '') {
      setMissingReason(true);
      reasonField.current?.focus();
      return;
    }
    setMissingReason(false);
    decide.mutate(pending);
  };

  // The A1/A2/B1/B2 classification is for child-safety material: matched media or a case with media.
  const classifies = view.media.length > 0 || view.traits.source === 'hash_match' || view.traits.source === 'stream';
  const shortcuts: Shortcut[] = [
    ...view.actions.flatMap((offered) => {
      const key = actionKeys[offered.action].key;
      return key === null ? [] : [{ key, label: actionKeys[offered.action].label, run: () => start(offered.action) }];
    }),
    ...(classifies ? classifications : []).map((value, index) => ({
      key: String(index + 1),
      label: `Classification ${value}`,
      run: () => setClassification(value),
    })),
    { key: 's', label: 'Step away', run: () => claimChange.mutate('step-away') },
    ...(view.queue !== null ? [{ key: 'n', label: 'Next case', run: () => next.mutate() }] : []),
  ];
  useShortcuts(shortcuts);
  const pendingNeedsReason =
    pending !== null && view.actions.find((candidate) => candidate.action === pending)?.reasonRequired === true;

  return (
    <section className="decision-bar" aria-labelledby="decision-heading" data-testid="decision-bar">
      <h2 id="decision-heading">Decision</h2>
      {classifies && (
        <fieldset className="inline classification">
          <legend>Classification</legend>
          {classifications.map((value, index) => (
            <label key={value}>
              <input
                type="radio"
                name="classification"
                value={value}
                checked={classification === value}
                onChange={() => setClassification(value)}
                data-testid={`classification-${value}`}
              />{' '}
              {value} <kbd>{index + 1}</kbd>
            </label>
          ))}
        </fieldset>
      )}
      <fieldset className="actions">
        <legend className="visually-hidden">Decide</legend>
        {view.actions.map((offered) => (
          <button
            type="button"
            key={offered.action}
            className={offered.action === 'confirm' ? 'primary' : ''}
            aria-pressed={pending === offered.action}
            onClick={() => start(offered.action)}
            disabled={decide.isPending}
            data-testid={`decide-${offered.action}`}
          >
            {actionKeys[offered.action]?.label ?? humanize(offered.action)}
            {actionKeys[offered.action]?.key != null && <kbd>{actionKeys[offered.action].key}</kbd>}
            {offered.reasonRequired && <span className="visually-hidden"> (needs a reason)</span>}
          </button>
        ))}
      </fieldset>
      {pendingNeedsReason && (
        <form onSubmit={submitReason} className="stacked" data-testid="reason-form">
          <label htmlFor="decision-reason">Reason for {actionKeys[pending].label.toLowerCase()} (required)</label>
          <textarea
            id="decision-reason"
            ref={reasonField}
            rows={2}
            required
            maxLength={2000}
            aria-invalid={missingReason && reason.trim() === ''}
            aria-describedby={missingReason ? 'decision-reason-hint' : undefined}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setPending(null);
              // Enter decides (Shift+Enter starts a new line).
              if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
                event.preventDefault();
                event.currentTarget.form?.requestSubmit();
              }
            }}
            data-testid="decision-reason"
          />
          {missingReason && reason.trim() === '' && (
            <p id="decision-reason-hint" className="hint">
              This action needs a reason; it goes into the audit log.
            </p>
          )}
          <div className="toolbar">
            <button type="submit" className="primary" disabled={decide.isPending} data-testid="decision-submit">
              {actionKeys[pending].label} with this reason
            </button>
            <button type="button" onClick={() => setPending(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <ErrorNotice error={decide.error} testId="decision-error" />
      <div className="toolbar claim">
        <button
          type="button"
          onClick={() => claimChange.mutate('claim')}
          disabled={claimChange.isPending}
          data-testid="claim"
        >
          Claim
        </button>
        <button
          type="button"
          onClick={() => claimChange.mutate('step-away')}
          disabled={claimChange.isPending}
          data-testid="step-away"
        >
          Step away <kbd>s</kbd>
        </button>
        <button
          type="button"
          onClick={() => setReleasing((open) => !open)}
          aria-expanded={releasing}
          disabled={claimChange.isPending}
          data-testid="release"
        >
          Release…
        </button>
        {view.queue !== null && (
          <button type="button" onClick={() => next.mutate()} disabled={next.isPending} data-testid="next-case">
            Next case <kbd>n</kbd>
          </button>
        )}
      </div>
      {releasing && (
        <form
          className="inline-form"
          data-testid="release-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (releaseReason.trim() !== '') claimChange.mutate('release');
          }}
        >
          <label htmlFor="release-reason">Why give the case back to its queue?</label>
          <input
            id="release-reason"
            value={releaseReason}
            maxLength={1000}
            required
            onChange={(event) => setReleaseReason(event.target.value)}
            data-testid="release-reason"
          />
          <button
            type="submit"
            disabled={claimChange.isPending || releaseReason.trim() === ''}
            data-testid="release-submit"
          >
            Release
          </button>
        </form>
      )}
      <ErrorNotice error={claimChange.error ?? next.error} testId="claim-error" />
      <ImminentToggle caseId={caseId} imminent={view.traits.imminent} queue={view.queue} />
      <form
        className="stacked label-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (label.trim() !== '' && labelReason.trim() !== '') applyLabel.mutate();
        }}
      >
        <fieldset>
          <legend>Label the subject</legend>
          <label htmlFor="label-name">Label</label>
          <input
            id="label-name"
            list="label-suggestions"
            value={label}
            onChange={(event) => setLabel(event.target.value)}
            placeholder="ocse_confirmed_payer"
            data-testid="label-name"
          />
          <datalist id="label-suggestions">
            <option value="ocse_confirmed_payer" />
          </datalist>
          <label htmlFor="label-reason">Reason</label>
          <input
            id="label-reason"
            value={labelReason}
            onChange={(event) => setLabelReason(event.target.value)}
            data-testid="label-reason"
          />
          <button
            type="submit"
            disabled={applyLabel.isPending || label.trim() === '' || labelReason.trim() === ''}
            data-testid="label-submit"
          >
            Apply label
          </button>
        </fieldset>
        <ErrorNotice error={applyLabel.error} />
      </form>
      {notice !== null && (
        <p role="status" className="notice ok" data-testid="decision-status">
          {notice}
        </p>
      )}
    </section>
  );
}
