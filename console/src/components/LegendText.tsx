/**
 * A chart legend entry's text in the body colour: Recharts colours it like its series, which is
 * too faint for AA contrast with the muted palette. Pass as `<Legend formatter={legendText} />`.
 */
export function legendText(value: unknown) {
  return <span className="chart-legend-text">{String(value)}</span>;
}
