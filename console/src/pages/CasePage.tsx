import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api';
import { CaseActions } from '../components/CaseActions';
import { ChatTimeline } from '../components/ChatTimeline';
import { Comments } from '../components/Comments';
import { DecisionBar } from '../components/DecisionBar';
import { EntityGraph } from '../components/EntityGraph';
import { ErrorNotice } from '../components/ErrorNotice';
import { ExchangeFeedback } from '../components/ExchangeFeedback';
import { MediaPanel } from '../components/MediaPanel';
import { ReportBuilder } from '../components/ReportBuilder';
import { ReportLedger } from '../components/ReportLedger';
import { RulesFired } from '../components/RulesFired';
import { Timeline } from '../components/Timeline';
import { TypologyScores } from '../components/TypologyScores';
import { formatTime, humanize } from '../format';
import { allows, useSession } from '../session';

/**
 * One case on one page: for a chat case its indicator timeline first (message text only on
 * demand, audited), the subject and its graph, the timeline, typology scores, the rules that
 * fired with their policy text, comments, media (blurred), the decision bar, for payments cases
 * the goAML/FinCEN report, where the case was reported (the ledger, CyberTipline submissions),
 * the actions sent to the platform and the feedback given to exchanges on its matches.
 */
export function CasePage() {
  const id = Number(useParams().id);
  const session = useSession();
  const view = useQuery({
    queryKey: ['case', id],
    queryFn: () => api.caseView(id),
    enabled: Number.isSafeInteger(id) && id > 0,
  });
  useEffect(() => {
    document.title = `Case ${id} · Prevail review console`;
  }, [id]);

  if (!Number.isSafeInteger(id) || id <= 0) {
    return (
      <section aria-labelledby="case-heading">
        <h1 id="case-heading">No such case</h1>
      </section>
    );
  }
  if (view.isPending) return <p role="status">Loading case {id}…</p>;
  if (view.error !== null) {
    return (
      <section aria-labelledby="case-heading">
        <h1 id="case-heading">Case {id}</h1>
        <ErrorNotice error={view.error} />
      </section>
    );
  }
  const data = view.data;
  const subject = data.subject.entity;
  const isPayments = data.traits.source === 'payments';
  const claim = data.claim;

  return (
    <article aria-labelledby="case-heading" className="case" data-testid="case-view">
      <p className="breadcrumb">
        <Link to="/queues">Queues</Link>
        {data.queue !== null && (
          <>
            {' / '}
            <Link to={`/queues/${encodeURIComponent(data.queue)}`}>{data.queue}</Link>
          </>
        )}
      </p>
      <header className="case-header">
        <h1 id="case-heading">
          Case {data.case.id}: <span data-testid="case-subject">{subject}</span>
        </h1>
        <p className="traits">
          <span className="tag">{humanize(data.traits.source)}</span>
          {data.traits.typology !== null && <span className="tag">{humanize(data.traits.typology)}</span>}
          {data.traits.imminent && <span className="tag imminent">Imminent harm</span>}
          {typeof data.case.status === 'string' && (
            <span className="tag" data-testid="case-status">
              {humanize(data.case.status)}
            </span>
          )}
          <span className="muted" data-testid="claim-status">
            {claim !== null
              ? `Claimed by ${claim.by === session.data?.person.login ? 'you' : claim.by} until ${formatTime(claim.expiresAt)}`
              : 'Not claimed'}
          </span>
        </p>
        {data.subject.labels.length > 0 && (
          <p className="traits subject-labels" data-testid="subject-labels">
            <span className="label-heading">Labels on the subject:</span>{' '}
            {data.subject.labels.map((label) => (
              <span className="tag" key={label}>
                {label}
              </span>
            ))}
          </p>
        )}
      </header>
      <div className="case-grid">
        <div className="case-main">
          {data.chat !== null && (
            <section aria-labelledby="chat-heading">
              <h2 id="chat-heading">Chat indicators</h2>
              <ChatTimeline caseId={data.case.id} chat={data.chat} />
            </section>
          )}
          <section aria-labelledby="graph-heading">
            <h2 id="graph-heading">Subject and linked entities</h2>
            <EntityGraph graph={data.graph} subjectId={subject} />
          </section>
          <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <Timeline items={data.timeline} />
          </section>
        </div>
        <div className="case-side">
          <section aria-labelledby="media-heading">
            <h2 id="media-heading">Media</h2>
            <MediaPanel media={data.media} />
          </section>
          <DecisionBar view={data} />
          <section aria-labelledby="scores-heading">
            <h2 id="scores-heading">Typology scores</h2>
            <TypologyScores scores={data.typologyScores} />
          </section>
          <section aria-labelledby="rules-heading">
            <h2 id="rules-heading">Rules that fired</h2>
            <RulesFired rules={data.rules} />
          </section>
          {isPayments && allows(session.data, 'reports.build') && (
            <section aria-labelledby="report-heading">
              <h2 id="report-heading">goAML / FinCEN report</h2>
              <ReportBuilder caseId={data.case.id} />
            </section>
          )}
          {allows(session.data, 'reports.build') && (
            <section aria-labelledby="reported-heading">
              <h2 id="reported-heading">Where this case was reported</h2>
              <ReportLedger view={data} />
            </section>
          )}
          <section aria-labelledby="actions-heading">
            <h2 id="actions-heading">Actions sent to the platform</h2>
            <CaseActions caseId={data.case.id} />
          </section>
          <section aria-labelledby="exchange-feedback-heading">
            <h2 id="exchange-feedback-heading">Feedback to exchanges</h2>
            <ExchangeFeedback caseId={data.case.id} />
          </section>
          <section aria-labelledby="comments-heading">
            <h2 id="comments-heading">Comments</h2>
            <Comments caseId={data.case.id} comments={data.comments} />
          </section>
        </div>
      </div>
    </article>
  );
}
