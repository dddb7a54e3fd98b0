// Date ranges of the dashboards: the company's days, both ends included, grouped into days,
// ISO weeks or months so a chart never has more than about a hundred points (the numbers are
// summed in SQLite before anything is drawn).
import { addDays } from '../badges/boards';
import { periodsOf } from '../locale/day';
import type { Bucket } from './shape';

const DAY_MS = 86_400_000;
const utc = (day: string) => Date.parse(`${day}T00:00:00Z`);

export { addDays };
export const daysBetween = (from: string, to: string): number =>
  Math.round((utc(to) - utc(from)) / DAY_MS);

/** Days up to two months by day, up to two years by ISO week, longer by month. */
export function bucketFor(from: string, to: string): Bucket {
  const days = daysBetween(from, to) + 1;
  if (days <= 62) return 'day';
  if (days <= 731) return 'week';
  return 'month';
}

export const bucketOf = (bucket: Bucket, day: string): string =>
  bucket === 'day' ? day : bucket === 'month' ? day.slice(0, 7) : periodsOf(day).week;

/** The SQL expression of a day column's bucket. */
export const bucketSql = (bucket: Bucket, column: string): string =>
  bucket === 'day'
    ? column
    : bucket === 'month'
      ? `substr(${column}, 1, 7)`
      : `strftime('%G-W%V', ${column})`;

/** Every bucket of the range, in order, so a chart's gaps are zeros, not missing points. */
export function bucketsOf(from: string, to: string, bucket: Bucket): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const b = bucketOf(bucket, d);
    if (out[out.length - 1] !== b) out.push(b);
  }
  return out;
}

/**
 * A range split for tables kept per day and per month: the whole months inside it, and the days
 * at either end outside them.
 */
export function monthsAndDays(
  from: string,
  to: string,
): { months: { from: string; to: string } | null; days: { from: string; to: string }[] } {
  const firstWhole = from.endsWith('-01')
    ? from.slice(0, 7)
    : addDays(`${from.slice(0, 7)}-28`, 7).slice(0, 7);
  const after = addDays(to, 1);
  const lastWhole = after.endsWith('-01')
    ? to.slice(0, 7)
    : addDays(`${to.slice(0, 7)}-01`, -1).slice(0, 7);
  if (firstWhole > lastWhole) return { months: null, days: [{ from, to }] };
  const days: { from: string; to: string }[] = [];
  if (`${firstWhole}-01` > from) days.push({ from, to: addDays(`${firstWhole}-01`, -1) });
  const afterLast = addDays(`${lastWhole}-28`, 7).slice(0, 7);
  if (`${afterLast}-01` <= to) days.push({ from: `${afterLast}-01`, to });
  return { months: { from: firstWhole, to: lastWhole }, days };
}

/** Monday 0 … Sunday 6 of SQLite's strftime('%w') (Sunday 0). */
export const weekdayKeys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
