import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatDuration } from '../format';

/**
 * The queues a person may see: depth, oldest age, a child-safety marker (no speed figures
 * anywhere: no throughput, no time per case), and "Claim next" where they may work. A queue they may not work
 * says so instead of offering the button.
 */
export function QueuesPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const queues = useQuery({ queryKey: ['queues'], queryFn: api.queues, refetchInterval: 30_000 });
  const [empty, setEmpty] = useState<string | null>(null);
  const claim = useMutation({
    mutationFn: (name: string) => api.claimNext(name),
    onSuccess: (data, name) => {
      void queryClient.invalidateQueries({ queryKey: ['queues'] });
      if (data.item === null) setEmpty(name);
      else {
        // The case view must show the new claim, not a cached one.
        void queryClient.invalidateQueries({ queryKey: ['case', data.item.caseId] });
        navigate(`/cases/${data.item.caseId}`);
      }
    },
  });
  useEffect(() => {
    document.title = 'Queues · Prevail review console';
  }, []);

  return (
    <section aria-labelledby="queues-heading">
      <h1 id="queues-heading">Queues</h1>
      {queues.isPending && <p role="status">Loading queues…</p>}
      <ErrorNotice error={queues.error} />
      <ErrorNotice error={claim.error} testId="claim-error" />
      {empty !== null && (
        <p role="status" className="notice" data-testid="queue-empty">
          Nothing is waiting in {empty}.
        </p>
      )}
      {queues.data !== undefined && (
        <table className="data" data-testid="queues-table">
          <caption className="visually-hidden">Queues, their depth and the oldest waiting case</caption>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Waiting</th>
              <th scope="col">Oldest</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {queues.data.queues.map((queue) => (
              <tr key={queue.name} data-testid={`queue-row-${queue.name}`}>
                <th scope="row">
                  {queue.mayWork ? (
                    <Link to={`/queues/${encodeURIComponent(queue.name)}`}>{queue.title}</Link>
                  ) : (
                    queue.title
                  )}
                  {queue.childSafety && (
                    <span className="tag child-safety" data-testid="child-safety-marker">
                      Child safety
                    </span>
                  )}
                </th>
                <td>{queue.depth}</td>
                <td>{formatDuration(queue.depth === 0 ? null : queue.oldestAgeSeconds)}</td>
                <td>
                  {queue.mayWork ? (
                    <button
                      type="button"
                      onClick={() => claim.mutate(queue.name)}
                      disabled={claim.isPending}
                      data-testid={`claim-next-${queue.name}`}
                    >
                      Claim next
                    </button>
                  ) : (
                    <span className="muted" data-testid={`not-available-${queue.name}`}>
                      Not available to you
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {queues.data?.queues.length === 0 && <p>No queues are set up yet.</p>}
    </section>
  );
}
