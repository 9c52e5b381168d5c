import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api } from '../api';
import { formatTime, humanize } from '../format';
import type { ChatIndicatorItem, ChatView, RevealedMessage } from '../types';
import { ErrorNotice } from './ErrorNotice';

const directions: Readonly<Record<ChatIndicatorItem['direction'], string>> = {
  from_subject: 'Sent by the subject',
  to_subject: 'Received by the subject',
  other: 'Between others',
};

/**
 * One message's text on demand: "Show message" opens a short form (a reason, required when the
 * policy says so), "Reveal text" asks the server (which checks the opt-in and the exposure budget
 * and writes the audit entry first), and the text stays on the page until "Hide text". The text
 * is kept in this component's state only, never in the query cache.
 */
function MessageReveal({
  caseId,
  messageId,
  reasonRequired,
  onExposureLimit,
}: {
  readonly caseId: number;
  readonly messageId: string;
  readonly reasonRequired: boolean;
  readonly onExposureLimit?: (message: string) => void;
}) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [shown, setShown] = useState<RevealedMessage | null>(null);
  const reveal = useMutation({
    mutationFn: () => api.revealMessage(caseId, messageId, reason.trim()),
    onSuccess: (data) => {
      setShown(data);
      setAsking(false);
      setReason('');
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'EXPOSURE_LIMIT') onExposureLimit?.(error.message);
    },
  });
  const inputId = `message-reason-${messageId}`;
  if (shown !== null) {
    return (
      <div className="message-revealed">
        {shown.text === null ? (
          <p className="muted" data-testid="message-text">
            The platform sent no text for this message.
          </p>
        ) : (
          <blockquote data-testid="message-text">{shown.text}</blockquote>
        )}
        <button type="button" onClick={() => setShown(null)} data-testid="message-hide">
          Hide text
        </button>
      </div>
    );
  }
  if (!asking) {
    return (
      <button type="button" onClick={() => setAsking(true)} data-testid="message-show">
        Show message
      </button>
    );
  }
  return (
    <form
      className="message-reveal-form"
      onSubmit={(event) => {
        event.preventDefault();
        reveal.mutate();
      }}
      data-testid="message-reveal-form"
    >
      <p>The text is shown to you only, recorded in the audit log with your reason.</p>
      <label htmlFor={inputId}>Why read it?{reasonRequired ? ' (required)' : ' (optional)'}</label>
      <input
        id={inputId}
        value={reason}
        maxLength={500}
        required={reasonRequired}
        onChange={(event) => setReason(event.target.value)}
        data-testid="message-reason"
      />
      <div className="toolbar">
        <button
          type="submit"
          className="primary"
          disabled={reveal.isPending || (reasonRequired && reason.trim() === '')}
          data-testid="message-reveal-confirm"
        >
          Reveal text
        </button>
        <button type="button" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
      {reveal.error !== null && <ErrorNotice error={reveal.error} testId="message-reveal-error" />}
    </form>
  );
}

/**
 * A chat case's indicator timeline, oldest first: each hit's family, time, direction, confidence,
 * language and message id; never the message text, which a reviewer reveals per message on demand.
 * Below it, what a CyberTipline report of the chat still lacks.
 */
export function ChatTimeline({
  caseId,
  chat,
  onExposureLimit,
}: {
  readonly caseId: number;
  readonly chat: ChatView;
  readonly onExposureLimit?: (message: string) => void;
}) {
  return (
    <div data-testid="chat-timeline">
      <p className="muted">
        {chat.indicators.length} indicator hit(s) in {chat.messages} message(s). Message text is hidden; show a message
        only when the decision needs it.
      </p>
      {chat.indicators.length > 0 && (
        <ol className="timeline">
          {chat.indicators.map((item) => (
            <li key={item.id} className="timeline-item kind-chat-indicator" data-testid="chat-indicator">
              <div className="timeline-head">
                <span className="kind" data-testid="chat-family">
                  {humanize(item.family)}
                </span>
                <time dateTime={item.time}>{formatTime(item.time)}</time>
              </div>
              <dl className="inline">
                <div>
                  <dt>Direction</dt>
                  <dd data-testid="chat-direction">
                    {directions[item.direction]}
                    {item.sender !== null && item.recipient !== null ? ` (${item.sender} → ${item.recipient})` : ''}
                  </dd>
                </div>
                <div>
                  <dt>Confidence</dt>
                  <dd>{item.confidence === null ? 'unknown' : `${Math.round(item.confidence * 100)}%`}</dd>
                </div>
                <div>
                  <dt>Language</dt>
                  <dd>{item.language ?? 'unknown'}</dd>
                </div>
                <div>
                  <dt>Message</dt>
                  <dd data-testid="chat-message-id">{item.messageId}</dd>
                </div>
              </dl>
              <MessageReveal
                caseId={caseId}
                messageId={item.messageId}
                reasonRequired={chat.revealReasonRequired}
                {...(onExposureLimit === undefined ? {} : { onExposureLimit })}
              />
            </li>
          ))}
        </ol>
      )}
      {chat.reportReadiness.length > 0 && (
        <>
          <p className="subhead">Before a CyberTipline report</p>
          <ul data-testid="chat-readiness">
            {chat.reportReadiness.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
