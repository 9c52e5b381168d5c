/** Muted chart colours (calm, distinguishable, readable on the light background). */
export const chartColours: readonly string[] = ['#5b7083', '#8a9a5b', '#a08a6b', '#7d7391', '#6d8799', '#9a7b7b'];
