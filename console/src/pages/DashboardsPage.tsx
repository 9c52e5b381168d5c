import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { legendText } from '../components/LegendText';
import { formatDuration } from '../format';
import { chartColours, tooltipItemStyle } from '../theme';

/**
 * Dashboards: cases opened and decided per day, time to decision (p50, p90), decided
 * automatically vs by a person, rule precision from case decisions, shadow rules' would-be hits.
 * Each chart has a text summary for screen readers.
 */
export function DashboardsPage() {
  const dashboards = useQuery({ queryKey: ['dashboards'], queryFn: () => api.dashboards() });
  useEffect(() => {
    document.title = 'Dashboards · Prevail review console';
  }, []);
  const data = dashboards.data;
  const decided =
    data === undefined
      ? []
      : [
          { name: 'Automatic', value: data.decidedBy.automatic },
          { name: 'By a person', value: data.decidedBy.person },
        ];
  const precision = (data?.rulePrecision ?? []).map((row) => ({
    ...row,
    percent: row.precision === null ? 0 : Math.round(row.precision * 100),
  }));

  return (
    <section aria-labelledby="dashboards-heading" className="dashboards">
      <h1 id="dashboards-heading">Dashboards</h1>
      <ErrorNotice error={dashboards.error} />
      {dashboards.isPending && <p role="status">Loading…</p>}
      {data !== undefined && (
        <div className="dashboard-grid">
          <section aria-labelledby="volumes-heading" data-testid="chart-volumes">
            <h2 id="volumes-heading">Volumes</h2>
            <p className="visually-hidden">
              {data.volumes.map((row) => `${row.day}: ${row.opened} opened, ${row.decided} decided`).join('; ')}
            </p>
            <ResponsiveContainer width="100%" height={240}>
              <LineChart data={[...data.volumes]}>
                <CartesianGrid strokeDasharray="3 3" stroke="#d8dde2" />
                <XAxis dataKey="day" />
                <YAxis allowDecimals={false} />
                <Tooltip itemStyle={tooltipItemStyle} />
                <Legend formatter={legendText} />
                <Line
                  isAnimationActive={false}
                  type="monotone"
                  dataKey="opened"
                  name="Opened"
                  stroke={chartColours[0]}
                  dot={false}
                />
                <Line
                  isAnimationActive={false}
                  type="monotone"
                  dataKey="decided"
                  name="Decided"
                  stroke={chartColours[1]}
                  dot={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </section>
          <section aria-labelledby="ttd-heading" data-testid="time-to-decision">
            <h2 id="ttd-heading">Time to decision</h2>
            <dl className="figures">
              <div>
                <dt>Median</dt>
                <dd>{formatDuration(data.timeToDecision.p50Seconds)}</dd>
              </div>
              <div>
                <dt>90th percentile</dt>
                <dd>{formatDuration(data.timeToDecision.p90Seconds)}</dd>
              </div>
            </dl>
          </section>
          <section aria-labelledby="decided-heading" data-testid="chart-decided-by">
            <h2 id="decided-heading">Decided automatically or by a person</h2>
            <p className="visually-hidden">
              {data.decidedBy.automatic} automatically, {data.decidedBy.person} by a person
            </p>
            <ResponsiveContainer width="100%" height={240}>
              <PieChart>
                <Pie isAnimationActive={false} data={decided} dataKey="value" nameKey="name" outerRadius={80} label>
                  {decided.map((entry, index) => (
                    <Cell key={entry.name} fill={chartColours[index] ?? '#8b8b8b'} />
                  ))}
                </Pie>
                <Tooltip itemStyle={tooltipItemStyle} />
                <Legend formatter={legendText} />
              </PieChart>
            </ResponsiveContainer>
          </section>
          <section aria-labelledby="precision-heading" data-testid="chart-rule-precision">
            <h2 id="precision-heading">Rule precision</h2>
            <p className="visually-hidden">
              {precision
                .map(
                  (row) =>
                    `${row.rule}: ${row.precision === null ? 'no decisions yet' : `${row.percent}%`} (${row.confirmed} confirmed, ${row.dismissed} dismissed)`,
                )
                .join('; ')}
            </p>
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={precision} layout="vertical" margin={{ left: 40 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#d8dde2" />
                <XAxis type="number" domain={[0, 100]} unit="%" />
                <YAxis type="category" dataKey="rule" width={260} />
                <Tooltip itemStyle={tooltipItemStyle} />
                <Bar
                  isAnimationActive={false}
                  dataKey="percent"
                  name="Precision (%)"
                  fill={chartColours[0]}
                  maxBarSize={28}
                />
              </BarChart>
            </ResponsiveContainer>
          </section>
          <section aria-labelledby="shadow-heading" data-testid="chart-shadow-hits">
            <h2 id="shadow-heading">Shadow rules: would-be hits</h2>
            <p className="visually-hidden">{data.shadowHits.map((row) => `${row.rule}: ${row.hits}`).join('; ')}</p>
            {data.shadowHits.length === 0 ? (
              <p className="muted">No shadow rules.</p>
            ) : (
              <ResponsiveContainer width="100%" height={240}>
                <BarChart data={[...data.shadowHits]}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#d8dde2" />
                  <XAxis dataKey="rule" />
                  <YAxis allowDecimals={false} />
                  <Tooltip itemStyle={tooltipItemStyle} />
                  <Bar
                    isAnimationActive={false}
                    dataKey="hits"
                    name="Would-be hits"
                    fill={chartColours[3]}
                    maxBarSize={48}
                  />
                </BarChart>
              </ResponsiveContainer>
            )}
          </section>
        </div>
      )}
    </section>
  );
}
