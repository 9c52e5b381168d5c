import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, newestAuditEntries } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatTime } from '../format';

const pageSize = 50;

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}

/**
 * The audit log, read only, a page at a time, newest first within a page. It opens on the newest
 * entries; "Older" and "Newer" page by sequence number (the log's numbers have no gaps), "Oldest"
 * goes to the start.
 */
export function AuditPage() {
  // `after`: the page starts after this sequence number; 'newest': the last page.
  const [after, setAfter] = useState<number | 'newest'>('newest');
  const entries = useQuery({
    queryKey: ['audit', after],
    queryFn: () => (after === 'newest' ? newestAuditEntries(pageSize) : api.audit(after, pageSize)),
  });
  useEffect(() => {
    document.title = 'Audit log · Prevail review console';
  }, []);
  const rows = entries.data?.entries ?? [];
  const first = rows[0];
  const last = rows[rows.length - 1];

  return (
    <section aria-labelledby="audit-heading">
      <h1 id="audit-heading">Audit log</h1>
      <ErrorNotice error={entries.error} />
      {entries.isPending && <p role="status">Loading…</p>}
      <table className="data" data-testid="audit-table">
        <caption className="visually-hidden">Audit entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Subject</th>
            <th scope="col">Reason</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {[...rows].reverse().map((entry) => (
            <tr key={entry.seq} data-testid="audit-row">
              <td>{entry.seq}</td>
              <td>
                <time dateTime={entry.time}>{formatTime(entry.time)}</time>
              </td>
              <td>{entry.actor}</td>
              <td>{entry.action}</td>
              <td>{entry.subject}</td>
              <td>{entry.reason ?? ''}</td>
              <td className="detail">{detailText(entry.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.isSuccess && rows.length === 0 && <p>No entries{after === 'newest' ? '' : ' after this point'}.</p>}
      <nav aria-label="Audit pages" className="toolbar">
        <button type="button" onClick={() => setAfter(0)} disabled={after === 0} data-testid="audit-oldest">
          Oldest
        </button>
        <button
          type="button"
          onClick={() => first !== undefined && setAfter(Math.max(0, first.seq - 1 - pageSize))}
          disabled={first === undefined || first.seq <= 1}
          data-testid="audit-previous"
        >
          Older
        </button>
        <button
          type="button"
          onClick={() => last !== undefined && setAfter(last.seq)}
          disabled={after === 'newest' || rows.length < pageSize || last === undefined}
          data-testid="audit-next"
        >
          Newer
        </button>
        <button
          type="button"
          onClick={() => {
            setAfter('newest');
            void entries.refetch();
          }}
          data-testid="audit-newest"
        >
          Newest
        </button>
      </nav>
    </section>
  );
}
