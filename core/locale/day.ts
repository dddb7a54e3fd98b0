// The company's days: a sale, a delivery or a piece of work belongs to the day (and hour) of its
// corrected time in the company's time zone, a company setting (decision 0034), not the PC's.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow } from '../db/rows';

/** The default for a company that has not set one (its default currency is the birr). */
export const defaultTimeZone = 'Africa/Addis_Ababa';

// Every credit of verified work asks for its day (core/badges/credits.ts): the zone's check, the
// setting's statement and the day of each quarter hour are kept, not made again each time.
const known = new Map<string, boolean>();

/** Whether Intl knows the IANA zone. */
export function isKnownTimeZone(zone: string): boolean {
  let ok = known.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    known.set(zone, ok);
  }
  return ok;
}

const zoneRow = z.object({ zone: z.string().nullable() });
const zoneQuery = new WeakMap<Db, { get(): unknown }>();

export const companyTimeZone = (db: Db): string => {
  let query = zoneQuery.get(db);
  if (!query) {
    query = db.sqlite.prepare(
      "SELECT time_zone AS zone FROM company_settings WHERE id = 'company'",
    );
    zoneQuery.set(db, query);
  }
  const row = parseRow(zoneRow, query.get());
  return row?.zone && isKnownTimeZone(row.zone) ? row.zone : defaultTimeZone;
};

const formats = new Map<string, Intl.DateTimeFormat>();
function formatOf(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(zone, f);
  }
  return f;
}

/** Every zone's offset is a whole number of quarter hours: a quarter hour has one day and hour. */
const QUARTER_MS = 15 * 60_000;
const recent = new Map<string, { day: string; hour: number }>();

/** The day (YYYY-MM-DD) and hour (0–23) of a moment in a time zone. */
export function dayAndHour(ms: number, zone: string): { day: string; hour: number } {
  const key = `${zone} ${Math.floor(ms / QUARTER_MS)}`;
  let found = recent.get(key);
  if (!found) {
    found = computeDayAndHour(ms, zone);
    if (recent.size > 10_000) recent.clear();
    recent.set(key, found);
  }
  return found;
}

function computeDayAndHour(ms: number, zone: string): { day: string; hour: number } {
  const parts = formatOf(zone).formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { day: `${part('year')}-${part('month')}-${part('day')}`, hour: Number(part('hour')) };
}

export const dayIn = (ms: number, zone: string): string => dayAndHour(ms, zone).day;

/** The company's day of a moment. */
export const companyDay = (db: Db, ms: number): string => dayIn(ms, companyTimeZone(db));

/** The company's day and hour of a moment. */
export const companyDayAndHour = (db: Db, ms: number): { day: string; hour: number } =>
  dayAndHour(ms, companyTimeZone(db));

/** The ISO week of a day ('2026-W49') and its month ('2026-12'). */
export function periodsOf(day: string): { week: string; month: string } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0
  date.setUTCDate(date.getUTCDate() - weekday + 3); // the week's Thursday
  const weekYear = date.getUTCFullYear();
  const week = 1 + Math.floor((date.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * 86_400_000));
  return { week: `${weekYear}-W${String(week).padStart(2, '0')}`, month: day.slice(0, 7) };
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
/** How far a zone's clock is ahead of UTC at a moment, in ms (whole minutes). */
function offsetAt(ms: number, zone: string): number {
  let f = offsetFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    offsetFormats.set(zone, f);
  }
  const parts = f.formatToParts(ms);
  const n = (type: string) => Number(parts.find((x) => x.type === type)?.value ?? 0);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'));
  return wall - Math.floor(ms / 60_000) * 60_000;
}

/** The first moment of a day (YYYY-MM-DD) in a zone. */
function startOf(day: string, zone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // Twice: the offset at midnight may differ from the guess's across a daylight-saving change.
  const guess = wall - offsetAt(wall, zone);
  return wall - offsetAt(guess, zone);
}

/** A company day as [start, end) in epoch ms: what "the day's sales" means everywhere. */
export function companyDayBounds(db: Db, day: string): { start: number; end: number } {
  const zone = companyTimeZone(db);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return { start: startOf(day, zone), end: startOf(next, zone) };
}
