import { dayMs } from './clock.js';

/**
 * Paydays: the 15th and the last day of every month (semi-monthly pay, common on the sending side
 * and in the Philippines' "kinsenas"). The `hard` profile sends family support on these days, and
 * its offenders pay on them too, so the day of the month tells nothing.
 */

/** Whether local day `day` of a window opening at UTC midnight `start` is a payday. */
export function isPayday(start: number, day: number): boolean {
  const date = new Date(start + day * dayMs);
  const tomorrow = new Date(start + (day + 1) * dayMs);
  return date.getUTCDate() === 15 || tomorrow.getUTCDate() === 1;
}

/** The paydays in local days [from, to) of a window opening at `start`, in order. */
export function paydaysBetween(start: number, from: number, to: number): number[] {
  const days: number[] = [];
  for (let day = Math.max(0, from); day < to; day++) if (isPayday(start, day)) days.push(day);
  return days;
}
