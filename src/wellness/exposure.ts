import type { ExposureLimits, RevealRecord, Threshold } from './wellness-records.js';

/** Items and seconds revealed in a period. */
export interface ExposureCount {
  readonly items: number;
  readonly seconds: number;
}

/** `ok`, `warn` (a soft limit reached: take a break soon), `stop` (a hard limit reached: no more reveals). */
export type ExposureStatus = 'ok' | 'warn' | 'stop';

/** Where to go instead: a queue without child-safety material, and a message to the person. */
export interface RotationSuggestion {
  readonly queue: string | null;
  readonly message: string;
}

/** A person's exposure (contract D, `GET /console/api/wellness/exposure`). */
export interface ExposureReport {
  readonly today: ExposureCount;
  readonly week: ExposureCount;
  readonly limits: ExposureLimits;
  readonly status: ExposureStatus;
  readonly suggestion: RotationSuggestion | null;
}

/** Start of the UTC day of `ms`. */
export function dayStart(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/** Start (Monday 00:00 UTC) of the ISO week of `ms`. */
export function isoWeekStart(ms: number): number {
  const start = dayStart(ms);
  const weekday = (new Date(start).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return start - weekday * 86_400_000;
}

function count(reveals: readonly RevealRecord[], sinceMs: number): ExposureCount {
  let items = 0;
  let seconds = 0;
  for (const reveal of reveals) {
    if (Date.parse(reveal.revealedAt) < sinceMs) continue;
    items += 1;
    seconds += reveal.seconds;
  }
  return { items, seconds };
}

function level(value: number, threshold: Threshold): ExposureStatus {
  if (value >= threshold.stop) return 'stop';
  if (value >= threshold.warn) return 'warn';
  return 'ok';
}

const rank: Readonly<Record<ExposureStatus, number>> = { ok: 0, warn: 1, stop: 2 };

/**
 * A person's exposure from their reveals since the start of this ISO week: items and seconds today
 * and this week (UTC), and the status against the limits — the worst of the four thresholds. Each
 * reveal counts when it is granted, with the seconds granted (a link never opened still counted:
 * the budget errs on the side of the reviewer). With a warning or a stop comes a suggestion: a
 * break, and a queue without child-safety material when one is given.
 */
export function exposureOf(
  reveals: readonly RevealRecord[],
  limits: ExposureLimits,
  nowMs: number,
  rotationQueues: readonly string[] = [],
): ExposureReport {
  const today = count(reveals, dayStart(nowMs));
  const week = count(reveals, isoWeekStart(nowMs));
  const levels = [
    level(today.items, limits.itemsPerDay),
    level(today.seconds, limits.secondsPerDay),
    level(week.items, limits.itemsPerWeek),
    level(week.seconds, limits.secondsPerWeek),
  ];
  const status = levels.reduce<ExposureStatus>((worst, next) => (rank[next] > rank[worst] ? next : worst), 'ok');
  const queue = rotationQueues[0] ?? null;
  const elsewhere = queue === null ? '' : ` Queue "${queue}" holds no child-safety material.`;
  const suggestion: RotationSuggestion | null =
    status === 'ok'
      ? null
      : status === 'warn'
        ? { queue, message: `You are close to today's exposure limit. Plan a break soon.${elsewhere}` }
        : {
            queue,
            message: `You have reached the exposure limit: take a break now, away from the screen. Reveals resume tomorrow (UTC).${elsewhere}`,
          };
  return { today, week, limits, status, suggestion };
}

/** One day of the wellness lead's aggregate: totals over people, never who, never which case or media. */
export interface AggregateDay {
  readonly day: string;
  readonly items: number;
  readonly seconds: number;
  /** How many people revealed anything that day. */
  readonly people: number;
  /** How many people revealed 1–9, 10–19, 20–29, 30–39 and 40 or more items that day. */
  readonly distribution: readonly { readonly bucket: string; readonly people: number }[];
}

const buckets = [
  { bucket: '1-9', min: 1, max: 9 },
  { bucket: '10-19', min: 10, max: 19 },
  { bucket: '20-29', min: 20, max: 29 },
  { bucket: '30-39', min: 30, max: 39 },
  { bucket: '40+', min: 40, max: Number.POSITIVE_INFINITY },
];

/**
 * Per-day totals over everybody's reveals, oldest day first, every day of the range present
 * (days without reveals are zeros). The logins are used to count people and are then dropped:
 * nothing returned names a person, a case or an item.
 */
export function aggregateDays(reveals: readonly RevealRecord[], fromMs: number, days: number): AggregateDay[] {
  const perDay = new Map<string, { items: number; seconds: number; perPerson: Map<string, number> }>();
  for (const reveal of reveals) {
    const day = reveal.revealedAt.slice(0, 10);
    let entry = perDay.get(day);
    if (entry === undefined) {
      entry = { items: 0, seconds: 0, perPerson: new Map() };
      perDay.set(day, entry);
    }
    entry.items += 1;
    entry.seconds += reveal.seconds;
    entry.perPerson.set(reveal.login, (entry.perPerson.get(reveal.login) ?? 0) + 1);
  }
  const result: AggregateDay[] = [];
  for (let index = 0; index < days; index++) {
    const day = new Date(dayStart(fromMs) + index * 86_400_000).toISOString().slice(0, 10);
    const entry = perDay.get(day);
    const counts = [...(entry?.perPerson.values() ?? [])];
    result.push({
      day,
      items: entry?.items ?? 0,
      seconds: entry?.seconds ?? 0,
      people: counts.length,
      distribution: buckets.map(({ bucket, min, max }) => ({
        bucket,
        people: counts.filter((value) => value >= min && value <= max).length,
      })),
    });
  }
  return result;
}
