/** Milliseconds in one hour: the generator's time arithmetic is in UTC milliseconds. */
export const hourMs = 3_600_000;
/** Milliseconds in one day (no daylight saving: every day of the window is 24 hours). */
export const dayMs = 24 * hourMs;

/**
 * The ISO-8601 time of the UTC instant `at` as a channel at UTC offset `offsetMinutes` records it,
 * with the offset spelled out (`2026-03-01T23:40:00+10:00`, never `Z`), so the payer's local hour
 * can be read back from the string alone. Seconds are kept; milliseconds are dropped (the
 * generator only schedules whole seconds).
 */
export function formatLocalTime(at: number, offsetMinutes: number): string {
  const local = new Date(at + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
  return `${local}${offset}`;
}

/** The local hour 0–23 at UTC instant `at` for a clock at `offsetMinutes`. */
export function localHourAt(at: number, offsetMinutes: number): number {
  const minutes = Math.floor((at + offsetMinutes * 60_000) / 60_000);
  return Math.floor((((minutes % 1440) + 1440) % 1440) / 60);
}

/**
 * The UTC instant of local time `hour` (fractional hours allowed) on the local calendar day that
 * starts `day` days after the scenario start, for a clock at `offsetMinutes`. `start` is the UTC
 * midnight that opens the window; the local day is the one whose date equals `start + day`.
 * The result is rounded down to whole seconds.
 */
export function localInstant(start: number, day: number, hour: number, offsetMinutes: number): number {
  const at = start + day * dayMs + hour * hourMs - offsetMinutes * 60_000;
  return Math.floor(at / 1000) * 1000;
}
