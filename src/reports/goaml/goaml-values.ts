import { EngineError } from '../../core/index.js';

/** goAML dates are SQL Server `datetime`s: nothing before this day is accepted. */
export const goamlEarliestDate = '1753-01-01';

/** goAML `comments_type` (reason, action, descriptions, comments) holds at most this many characters. */
export const goamlCommentLimit = 8000;

/**
 * A calendar date (`YYYY-MM-DD`) as goAML's `sql_date`: `YYYY-MM-DDT00:00:00`, no offset.
 *
 * @throws EngineError `REQUEST_INVALID` naming `field` for a date before 1753-01-01.
 */
export function goamlDate(date: string, field: string): string {
  if (date < goamlEarliestDate) {
    throw new EngineError(
      'REQUEST_INVALID',
      `${field}: goAML accepts no date before ${goamlEarliestDate}, got ${date}`,
    );
  }
  return `${date}T00:00:00`;
}

/**
 * Writes instants as goAML wants them: the wall-clock time in one IANA time zone, as
 * `YYYY-MM-DDTHH:MM:SS` without offset (goAML's `xs:dateTime` values carry none). One formatter
 * per zone, made once per report.
 */
export class GoamlClock {
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
  }

  /**
   * `instant` (ISO-8601 with offset) in this clock's zone.
   *
   * @throws EngineError `REQUEST_INVALID` naming `field` for an unreadable instant or one before 1753.
   */
  dateTime(instant: string, field: string): string {
    const milliseconds = Date.parse(instant);
    if (Number.isNaN(milliseconds)) throw new EngineError('REQUEST_INVALID', `${field}: "${instant}" is not a time`);
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(new Date(milliseconds))) parts[part.type] = part.value;
    const year = (parts.year ?? '').padStart(4, '0');
    const date = `${year}-${parts.month}-${parts.day}`;
    goamlDate(date, field);
    return `${date}T${parts.hour}:${parts.minute}:${parts.second}`;
  }
}
