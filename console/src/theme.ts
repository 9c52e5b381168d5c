/** Muted chart colours (calm, distinguishable, readable on the light background). */
export const chartColours: readonly string[] = ['#5b7083', '#8a9a5b', '#a08a6b', '#7d7391', '#6d8799', '#9a7b7b'];

/** Tooltip rows in the body colour (Recharts colours them like their series: too faint for AA). */
export const tooltipItemStyle = { color: '#1f2a33' } as const;
