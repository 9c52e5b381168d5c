import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatTime } from '../format';

const pageSize = 50;

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}

/** The audit log, read only, a page at a time (`after` = the last sequence number seen). */
export function AuditPage() {
  // The `after` cursor of each page visited, so "Previous" can go back.
  const [cursors, setCursors] = useState<(number | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const entries = useQuery({ queryKey: ['audit', after], queryFn: () => api.audit(after, pageSize) });
  useEffect(() => {
    document.title = 'Audit log · Prevail review console';
  }, []);
  const rows = entries.data?.entries ?? [];
  const last = rows[rows.length - 1];

  return (
    <section aria-labelledby="audit-heading">
      <h1 id="audit-heading">Audit log</h1>
      <ErrorNotice error={entries.error} />
      {entries.isPending && <p role="status">Loading…</p>}
      <table className="data" data-testid="audit-table">
        <caption className="visually-hidden">Audit entries, oldest first</caption>
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
          {rows.map((entry) => (
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
      {entries.isSuccess && rows.length === 0 && <p>No entries{after === null ? '' : ' after this point'}.</p>}
      <nav aria-label="Audit pages" className="toolbar">
        <button
          type="button"
          onClick={() => setCursors(cursors.slice(0, -1))}
          disabled={cursors.length <= 1}
          data-testid="audit-previous"
        >
          Previous
        </button>
        <span>Page {cursors.length}</span>
        <button
          type="button"
          onClick={() => last !== undefined && setCursors([...cursors, last.seq])}
          disabled={rows.length < pageSize || last === undefined}
          data-testid="audit-next"
        >
          Next
        </button>
      </nav>
    </section>
  );
}
