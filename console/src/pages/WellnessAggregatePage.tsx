import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { aggregateDays, api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { legendText } from '../components/LegendText';
import { humanize } from '../format';
import { chartColours, tooltipItemStyle } from '../theme';

/**
 * The wellness lead's page: exposure per day summed over people (never who decided what, never
 * media). Every numeric field of the server's rows becomes a series; the same numbers follow as
 * a table.
 */
export function WellnessAggregatePage() {
  const aggregate = useQuery({ queryKey: ['aggregate'], queryFn: api.aggregate });
  useEffect(() => {
    document.title = 'Exposure overview · Prevail review console';
  }, []);
  const days = aggregateDays(aggregate.data);
  const series = [...new Set(days.flatMap((day) => Object.keys(day).filter((key) => typeof day[key] === 'number')))];

  return (
    <section aria-labelledby="aggregate-heading">
      <h1 id="aggregate-heading">Exposure overview</h1>
      <p className="muted">Totals per day over all reviewers. No individual decisions or media are shown here.</p>
      <ErrorNotice error={aggregate.error} />
      {aggregate.isPending && <p role="status">Loading…</p>}
      {days.length === 0 && aggregate.isSuccess && <p>No exposure recorded yet.</p>}
      {days.length > 0 && (
        <>
          <figure
            className="chart"
            data-testid="aggregate-chart"
            aria-label="Exposure per day (chart; the table below has the numbers)"
          >
            <ResponsiveContainer width="100%" height={280}>
              <BarChart data={days}>
                <CartesianGrid strokeDasharray="3 3" stroke="#d8dde2" />
                <XAxis dataKey="day" />
                <YAxis />
                <Tooltip itemStyle={tooltipItemStyle} />
                <Legend formatter={legendText} />
                {series.map((key, index) => (
                  <Bar key={key} dataKey={key} name={humanize(key)} fill={chartColours[index % chartColours.length]} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </figure>
          <table className="data compact" data-testid="aggregate-table">
            <caption>Exposure per day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {series.map((key) => (
                  <th scope="col" key={key}>
                    {humanize(key)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((day) => (
                <tr key={day.day}>
                  <th scope="row">{day.day}</th>
                  {series.map((key) => (
                    <td key={key}>{String(day[key] ?? '—')}</td>
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
