/** `95` → `1 min 35 s`; `null` → `—`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${whole % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

/** The age of an ISO time, as a duration from now. */
export function ageOf(iso: string, now: number = Date.now()): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? '—' : formatDuration((now - time) / 1000);
}

/**
 * The format of `Date.prototype.toLocaleString()` (the reader's locale, date and time to the
 * second), built once: `toLocaleString` builds a new formatter on every call, which cost a case
 * page with 500 timeline items a large part of its render.
 */
const timeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** An ISO time in the reader's locale, or the raw text when it does not parse. */
export function formatTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : timeFormat.format(time);
}

/** `enqueue_report` → `Enqueue report`. */
export function humanize(name: string): string {
  const text = name.replace(/[_.-]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
