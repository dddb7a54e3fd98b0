// A business date says when something happened ("produced on"), as the person's calendar day.
// A day that has not begun anywhere on Earth yet is a typing error (2030 for 2026), refused in the
// core whatever the transport. The core has no time zone of the company's, so "today" is the
// latest calendar day somewhere (UTC+14), and the PC's clock may be off by a little even after
// core/sync/clock.ts corrects it.
import type { Context } from './context';
import { DomainError } from '../errors';

const HOUR_MS = 3_600_000;
/** The furthest ahead of UTC a calendar runs (Kiribati, UTC+14). */
const EARLIEST_ZONE_MS = 14 * HOUR_MS;
/** What a corrected PC clock may still be behind by. */
export const CLOCK_SKEW_MS = 10 * 60_000;

/** The latest calendar day (YYYY-MM-DD) that has begun somewhere at `now`, with the skew allowed. */
export const latestBusinessDay = (now: number): string =>
  new Date(now + EARLIEST_ZONE_MS + CLOCK_SKEW_MS).toISOString().slice(0, 10);

/**
 * Refuses a date of something that happened when that day has not come yet. `day` is an ISO date
 * (YYYY-MM-DD) the input schema has already checked the shape of.
 */
export function assertNotFuture(ctx: Pick<Context, 'now'>, field: string, day: string): void {
  const latest = latestBusinessDay(ctx.now());
  if (day <= latest) return;
  const message = `${day} is in the future; enter the day it happened (today at the latest)`;
  throw new DomainError('DATE_IN_FUTURE', `${field}: ${message}.`, {
    field,
    issues: [{ field, message }],
    latest,
  });
}
