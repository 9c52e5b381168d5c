import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { ageOf, humanize } from '../format';

/** One queue: its cases in priority order (imminent first) and "Claim next". */
export function QueuePage() {
  const name = useParams().name ?? '';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const queues = useQuery({ queryKey: ['queues'], queryFn: api.queues });
  const cases = useQuery({ queryKey: ['queue', name], queryFn: () => api.queueCases(name), refetchInterval: 30_000 });
  const [empty, setEmpty] = useState(false);
  const claim = useMutation({
    mutationFn: () => api.claimNext(name),
    onSuccess: (data) => {
      void queryClient.invalidateQueries({ queryKey: ['queue', name] });
      void queryClient.invalidateQueries({ queryKey: ['queues'] });
      if (data.item === null) setEmpty(true);
      else {
        // The case view must show the new claim, not a cached one.
        void queryClient.invalidateQueries({ queryKey: ['case', data.item.caseId] });
        navigate(`/cases/${data.item.caseId}`);
      }
    },
  });
  const queue = queues.data?.queues.find((candidate) => candidate.name === name);
  const title = queue?.title ?? name;
  useEffect(() => {
    document.title = `${title} · Prevail review console`;
  }, [title]);

  return (
    <section aria-labelledby="queue-heading">
      <p className="breadcrumb">
        <Link to="/queues">Queues</Link>
      </p>
      <h1 id="queue-heading">
        {title}
        {queue?.childSafety === true && <span className="tag child-safety">Child safety</span>}
      </h1>
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          onClick={() => claim.mutate()}
          disabled={claim.isPending}
          data-testid="claim-next"
        >
          Claim next
        </button>
      </div>
      {empty && (
        <p role="status" className="notice" data-testid="queue-empty">
          Nothing is waiting in this queue.
        </p>
      )}
      <ErrorNotice error={claim.error} testId="claim-error" />
      <ErrorNotice error={cases.error} />
      {cases.isPending && <p role="status">Loading cases…</p>}
      {cases.data !== undefined && (
        <table className="data" data-testid="queue-cases">
          <caption className="visually-hidden">Cases waiting in {title}, highest priority first</caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Priority</th>
              <th scope="col">Source</th>
              <th scope="col">Typology</th>
              <th scope="col">Age</th>
              <th scope="col">Claimed by</th>
            </tr>
          </thead>
          <tbody>
            {cases.data.cases.map((item) => (
              <tr key={item.caseId} data-testid={`queue-case-${item.caseId}`}>
                <th scope="row">
                  <Link to={`/cases/${item.caseId}`}>
                    #{item.caseId} {item.subject}
                  </Link>
                  {item.imminent && (
                    <span className="tag imminent" data-testid="imminent-flag">
                      Imminent harm
                    </span>
                  )}
                </th>
                <td>{String(item.priority)}</td>
                <td>{humanize(item.source)}</td>
                <td>{item.typology === null ? '—' : humanize(item.typology)}</td>
                <td>{ageOf(item.openedAt)}</td>
                <td>{item.claimedBy ?? <span className="muted">nobody</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cases.data?.cases.length === 0 && <p>No cases are waiting.</p>}
    </section>
  );
}
