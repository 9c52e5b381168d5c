import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { legendText } from '../components/LegendText';
import { formatDuration } from '../format';
import { chartColours, tooltipItemStyle } from '../theme';

/** The buckets of items per person the server counts people in. */
const buckets = ['1-9', '10-19', '20-29', '30-39', '40+'] as const;

/**
 * The wellness lead's page: exposure per day summed over people (never who decided what, never a
 * case, never media): items revealed, people revealing, and how many people fell in each bucket
 * of items. A chart, and the same numbers as a table.
 */
export function WellnessAggregatePage() {
  const aggregate = useQuery({ queryKey: ['aggregate'], queryFn: () => api.aggregate(28) });
  useEffect(() => {
    document.title = 'Exposure overview · Prevail review console';
  }, []);
  const days = aggregate.data?.days ?? [];
  const chart = days.map((day) => ({ day: day.day.slice(5), items: day.items, people: day.people }));
  const revealedAny = days.some((day) => day.items > 0);

  return (
    <section aria-labelledby="aggregate-heading">
      <h1 id="aggregate-heading">Exposure overview</h1>
      <p className="muted">
        Totals per day over all reviewers, for the last four weeks. No individual decisions, cases or media are shown
        here. On a small team a day with one reviewer still tells who saw how much: read it as a team measure.
      </p>
      <ErrorNotice error={aggregate.error} />
      {aggregate.isPending && <p role="status">Loading…</p>}
      {aggregate.isSuccess && !revealedAny && <p data-testid="aggregate-empty">No reveals recorded in this period.</p>}
      {days.length > 0 && (
        <>
          <figure
            className="chart"
            data-testid="aggregate-chart"
            aria-label="Items revealed and people revealing per day (chart; the table below has the numbers)"
          >
            <ResponsiveContainer width="100%" height={260}>
              <BarChart data={chart}>
                <CartesianGrid strokeDasharray="3 3" stroke="#d8dde2" />
                <XAxis dataKey="day" />
                <YAxis allowDecimals={false} />
                <Tooltip itemStyle={tooltipItemStyle} />
                <Legend formatter={legendText} />
                <Bar isAnimationActive={false} dataKey="items" name="Items revealed" fill={chartColours[0]} />
                <Bar isAnimationActive={false} dataKey="people" name="People revealing" fill={chartColours[1]} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
          <table className="data compact" data-testid="aggregate-table">
            <caption>Exposure per day (people per bucket of items revealed that day)</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Items</th>
                <th scope="col">Time revealed</th>
                <th scope="col">People</th>
                {buckets.map((bucket) => (
                  <th scope="col" key={bucket}>
                    {bucket} items
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...days].reverse().map((day) => (
                <tr key={day.day}>
                  <th scope="row">{day.day}</th>
                  <td>{day.items}</td>
                  <td>{formatDuration(day.seconds)}</td>
                  <td>{day.people}</td>
                  {buckets.map((bucket) => (
                    <td key={bucket}>{day.distribution.find((entry) => entry.bucket === bucket)?.people ?? 0}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
