// Leaderboards are queries over credits (decision 0034): per kind, the work that still counts
// (more credits than voids, value 1) done in the period, times what the kind is worth, plus the
// points of badges held that were earned in it; ties share a rank (1, 1, 3).
import { z } from 'zod';
import type { Db } from '../db/open';
import { cachedSql } from '../db/prepared';
import { parseRows } from '../db/rows';
import { companyTimeZone, dayIn, periodsOf } from '../locale/day';
import { workKinds, type WorkKind } from '../vocabulary';
import { type BadgeRole, kindsOf, workPointsOf } from './rules';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const utc = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The period a day is in, and its first and last days. */
export function periodRange(
  period: 'week' | 'month',
  day: string,
): { period: string; from: string; to: string } {
  if (period === 'month') {
    const [y, m] = day.split('-').map(Number) as [number, number];
    return { period: day.slice(0, 7), from: `${day.slice(0, 7)}-01`, to: iso(Date.UTC(y, m, 0)) };
  }
  const monday = utc(day) - ((new Date(utc(day)).getUTCDay() + 6) % 7) * DAY_MS;
  return { period: periodsOf(day).week, from: iso(monday), to: iso(monday + 6 * DAY_MS) };
}

/** The day after `day` plus `n` days. */
export const addDays = (day: string, n: number): string => iso(utc(day) + n * DAY_MS);

const countedRow = z.object({ personId: z.string(), kind: z.enum(workKinds), n: z.number().int() });
const badgePointsRow = z.object({
  personId: z.string(),
  period: z.string(),
  points: z.number().int(),
  earnedAt: z.number().int(),
});
const personRow = z.object({ id: z.string(), name: z.string() });

/**
 * Per person and kind, the work done between two days that still counts: a (person, kind, ref)
 * with a credit of value 1 in the days, and more credits than voids over all time.
 */
export function countedCredits(
  db: Db,
  from: string,
  to: string,
  kinds: readonly WorkKind[],
  person?: string,
): { personId: string; kind: WorkKind; n: number }[] {
  const inRange = `FROM work_credits c INDEXED BY work_credits_day
      WHERE c.day BETWEEN @from AND @to AND c.kind IN (${kinds.map((_, i) => `@k${i}`).join(', ')})
        AND c.voids = 0 AND c.value = 1 ${person ? 'AND c.person_id = @person' : ''}`;
  const others = `SELECT 1 FROM work_credits o INDEXED BY work_credits_ref
      WHERE o.kind = c.kind AND o.ref = c.ref AND o.id <> c.id`;
  // Most work has one row, counted straight from the days; a ref with other rows (a return, a
  // repeat) counts once, while it has more credits than voids.
  const sql = `SELECT personId, kind, sum(n) AS n FROM (
      SELECT c.person_id AS personId, c.kind, count(*) AS n ${inRange} AND NOT EXISTS (${others})
      GROUP BY c.person_id, c.kind
      UNION ALL
      SELECT personId, kind, count(*) AS n FROM (
        SELECT DISTINCT c.person_id AS personId, c.kind, c.ref ${inRange} AND EXISTS (${others})
        AND (SELECT sum(CASE WHEN w.voids THEN -1 ELSE 1 END)
             FROM work_credits w INDEXED BY work_credits_ref
             WHERE w.kind = c.kind AND w.ref = c.ref AND w.person_id = c.person_id) > 0)
      GROUP BY personId, kind)
    GROUP BY personId, kind`;
  const params = Object.fromEntries(kinds.map((k, i) => [`k${i}`, k]));
  return parseRows(
    countedRow,
    cachedSql(db, sql).all({ ...params, from, to, ...(person && { person }) }),
  );
}

/**
 * Points of badges held that were earned in the period: awards of the same period, and those of
 * other periods (ever, or a week inside a month) whose work was done in its days.
 */
export function badgePoints(
  db: Db,
  range: { period: string; from: string; to: string },
  persons?: string,
): Map<string, number> {
  const zone = companyTimeZone(db);
  const shape = range.period.includes('W') ? '____-W__' : '____-__';
  const rows = parseRows(
    badgePointsRow,
    cachedSql(
      db,
      `SELECT person_id AS personId, period, points, earned_at AS earnedAt FROM badge_awards
     WHERE status = 'held' AND points > 0 ${persons ? 'AND person_id = @person' : ''}
       AND (period = @period OR (period NOT LIKE @shape AND earned_at BETWEEN @lo AND @hi))`,
    ).all({
      period: range.period,
      shape,
      lo: utc(range.from) - DAY_MS,
      hi: utc(range.to) + 2 * DAY_MS,
      ...(persons && { person: persons }),
    }),
  );
  const out = new Map<string, number>();
  for (const r of rows) {
    if (r.period !== range.period) {
      const day = dayIn(r.earnedAt, zone);
      if (day < range.from || day > range.to) continue;
    }
    out.set(r.personId, (out.get(r.personId) ?? 0) + r.points);
  }
  return out;
}

export interface BoardRow {
  personId: string;
  name: string;
  points: number;
  rank: number;
  badgePoints: number;
  counts: Partial<Record<WorkKind, number>>;
}

/** The whole board of a role for a period: everyone of the role, with no work at 0. */
export function board(
  db: Db,
  role: BadgeRole,
  range: { period: string; from: string; to: string },
): BoardRow[] {
  const people = parseRows(
    personRow,
    cachedSql(
      db,
      `SELECT id, display_name AS name FROM users WHERE role = ? AND disabled = 0 ORDER BY id`,
    ).all(role),
  );
  const kinds = kindsOf[role];
  const worth = workPointsOf(db);
  const counts = new Map<string, Partial<Record<WorkKind, number>>>();
  for (const c of countedCredits(db, range.from, range.to, kinds))
    counts.set(c.personId, { ...counts.get(c.personId), [c.kind]: c.n });
  const badges = badgePoints(db, range);
  const rows = people.map((p) => {
    const mine = counts.get(p.id) ?? {};
    const full = Object.fromEntries(kinds.map((k) => [k, mine[k] ?? 0])) as Partial<
      Record<WorkKind, number>
    >;
    const work = kinds.reduce((sum, k) => sum + (full[k] ?? 0) * worth[k], 0);
    const badgePts = badges.get(p.id) ?? 0;
    return {
      personId: p.id,
      name: p.name,
      points: work + badgePts,
      rank: 0,
      badgePoints: badgePts,
      counts: full,
    };
  });
  rows.sort(
    (a, b) =>
      b.points - a.points || a.name.localeCompare(b.name) || (a.personId < b.personId ? -1 : 1),
  );
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    r.rank = prev && prev.points === r.points ? prev.rank : i + 1;
  });
  return rows;
}

/** The caller and the two above and two below them on the board. */
export function around(rows: BoardRow[], personId: string): BoardRow[] {
  const i = rows.findIndex((r) => r.personId === personId);
  if (i < 0) return [];
  return rows.slice(Math.max(0, i - 2), i + 3);
}
