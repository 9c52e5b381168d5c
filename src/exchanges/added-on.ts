const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Reads a ThreatExchange `added_on` time (`2020-07-31T18:47:45+0000`) or any ISO-8601 date or
 * date-time Prevail itself exports, and returns it as ISO-8601 UTC (`toISOString()` form).
 *
 * Parsed by hand rather than with `Date.parse`, whose lenient fallback turns text like `1` or
 * `mine` (pytx writes `mine` for the caller's own opinion) into dates. Accepted: `YYYY-MM-DD`,
 * optionally `T` or a space, `HH:MM`, `:SS`, `.fraction`, then `Z`, `±HH`, `±HHMM` or `±HH:MM`
 * (no zone means UTC). Calendar and clock ranges are checked (no 31 February, no hour 24).
 *
 * @returns the normalised time, or `undefined` when `text` is not such a time (the caller keeps
 *   the entry and drops the time: a bad `added_on` is no reason to lose a hash).
 */
export function parseAddedOn(text: string): string | undefined {
  const match = isoPattern.exec(text.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  // Date.UTC maps years 0-99 to 1900-1999; no hash list predates 1000 anyway.
  if (year < 1000) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Math.floor(Number(`0.${fraction ?? '0'}`) * 1000);
  const offsetMinutes = zoneOffsetMinutes(zone);
  if (offsetMinutes === undefined) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000);
  // toISOString switches to a ±YYYYYY form outside 0000-9999; keep the plain form only.
  if (date.getUTCFullYear() < 1000 || date.getUTCFullYear() > 9999) return undefined;
  return date.toISOString();
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}
