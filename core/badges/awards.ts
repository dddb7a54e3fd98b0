// Count and streak awards kept from work_credits (decision 0034): a pure function of a person's
// credits, in (at, event id) order, and the rules, so every replica and every re-fold ends with
// the same rows whatever order the events were folded in. "Was it ever met" is read from the
// credit sequence itself (a prefix of it reached the threshold), never from what the table held.
// Rows of 'top' rules and rows head office settled as final are never touched here.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { periodsOf } from '../locale/day';
import { type BadgeRule, rulesOf } from './rules';

// Parsed on every settle (thousands of rows a day's sync): plain number checks, the cheapest
// zod has (an integer check costs more here and the columns are INTEGER anyway).
const creditRow = z.object({
  eventId: z.string(),
  kind: z.string(),
  ref: z.string(),
  value: z.number(),
  at: z.number(),
  day: z.string(),
  voids: z.number(),
});
type CreditRow = z.infer<typeof creditRow>;
const countRow = z.object({ n: z.number() });
const awardRow = z.object({ status: z.string(), earnedBy: z.string(), earnedAt: z.number() });
const existingRow = awardRow.extend({ period: z.string(), points: z.number() });
const idRow = z.object({ id: z.string() });

/** What the credits say of one (person, rule, period). */
interface Outcome {
  status: 'held' | 'withdrawn';
  earnedBy: string;
  earnedAt: number;
}

/** The one credit a projection just wrote, so only what it can change is settled again. */
export interface SettleHint {
  eventId: string;
  kind: string;
  ref: string;
  value: number;
  at: number;
  day: string;
  voids: boolean;
}

const order = 'ORDER BY at, event_id, kind, ref, voids';
const statements = new WeakMap<Db, ReturnType<typeof prepare>>();
function prepare(db: Db) {
  const s = db.sqlite;
  const cols = 'event_id AS eventId, kind, ref, value, at, day, voids';
  return {
    persons: s.prepare(
      `SELECT person_id AS id FROM work_credits UNION
       SELECT person_id FROM badge_awards WHERE final = 0 ORDER BY id`,
    ),
    ofKind: s.prepare(`SELECT ${cols} FROM work_credits WHERE person_id = ? AND kind = ? ${order}`),
    refDays: s.prepare(
      'SELECT day FROM work_credits INDEXED BY work_credits_ref WHERE kind = ? AND ref = ? AND person_id = ?',
    ),
    // Every row of the refs with work in the moments: a ref's return may come later.
    inRange: s.prepare(
      `SELECT ${cols} FROM work_credits INDEXED BY work_credits_ref
       WHERE kind = @kind AND person_id = @person AND ref IN (SELECT ref FROM work_credits
         WHERE person_id = @person AND kind = @kind AND at BETWEEN @lo AND @hi) ${order}`,
    ),
    bound: s.prepare(
      // Rows, from the index alone: never fewer than the work that counts.
      `SELECT count(*) AS n FROM (SELECT 1 FROM work_credits WHERE person_id = @person
       AND kind = @kind AND at BETWEEN @lo AND @hi LIMIT @limit)`,
    ),
    award: s.prepare(
      `SELECT status, earned_by AS earnedBy, earned_at AS earnedAt FROM badge_awards WHERE person_id = ? AND rule_id = ? AND period = ? AND final = 0`,
    ),
    existing: s.prepare(
      `SELECT period, status, earned_by AS earnedBy, earned_at AS earnedAt, points
       FROM badge_awards WHERE person_id = ? AND rule_id = ? AND final = 0`,
    ),
    upsert: s.prepare(
      `INSERT INTO badge_awards (person_id, rule_id, period, status, points, earned_by, earned_at, final)
       VALUES (@person, @rule, @period, @status, @points, @earnedBy, @earnedAt, 0)
       ON CONFLICT (person_id, rule_id, period) DO UPDATE SET status = excluded.status,
         points = excluded.points, earned_by = excluded.earned_by, earned_at = excluded.earned_at
       WHERE final = 0`,
    ),
    remove: s.prepare(
      'DELETE FROM badge_awards WHERE person_id = ? AND rule_id = ? AND period = ? AND final = 0',
    ),
  };
}
const stmts = (db: Db) => {
  let s = statements.get(db);
  if (!s) statements.set(db, (s = prepare(db)));
  return s;
};

const periodCache = new Map<string, { week: string; month: string }>();
/** The period of a rule a day belongs to. */
export function periodOf(period: BadgeRule['period'], day: string): string {
  if (period === 'ever') return 'ever';
  let p = periodCache.get(day);
  if (!p) {
    p = periodsOf(day);
    if (periodCache.size > 5000) periodCache.clear();
    periodCache.set(day, p);
  }
  return p[period];
}

/**
 * Walks the credits of one kind (in order) for a rule: each (kind, ref) counts while it has more
 * credits than voids, from the row that made it count; `only` limits the answer to one period.
 */
export function evaluate(
  rule: Pick<BadgeRule, 'rule' | 'threshold' | 'period'>,
  rows: readonly CreditRow[],
  only?: string,
): Map<string, Outcome> {
  interface RefState {
    net: number;
    value: number;
    period: string;
  }
  interface PeriodState {
    count: number;
    entries: { ref: string; value: number }[];
    run: number;
    max: number;
    first: CreditRow | null;
  }
  const refs = new Map<string, RefState>();
  const periods = new Map<string, PeriodState>();
  const stateOf = (p: string) => {
    let s = periods.get(p);
    if (!s) periods.set(p, (s = { count: 0, entries: [], run: 0, max: 0, first: null }));
    return s;
  };
  const met = (s: PeriodState) => (rule.rule === 'streak' ? s.max : s.count) >= rule.threshold;
  for (const row of rows) {
    let ref = refs.get(row.ref);
    if (!ref) refs.set(row.ref, (ref = { net: 0, value: 1, period: '' }));
    if (!row.voids) {
      ref.net++;
      if (ref.net !== 1) continue;
      ref.value = row.value;
      ref.period = periodOf(rule.period, row.day);
      if (only !== undefined && ref.period !== only) continue;
      const s = stateOf(ref.period);
      if (ref.value === 1) s.count++;
      if (rule.rule === 'streak') {
        s.entries.push({ ref: row.ref, value: ref.value });
        s.run = ref.value === 1 ? s.run + 1 : 0;
        s.max = Math.max(s.max, s.run);
      }
      if (!s.first && met(s)) s.first = row;
    } else {
      ref.net--;
      if (ref.net !== 0) continue;
      if (only !== undefined && ref.period !== only) continue;
      const s = stateOf(ref.period);
      if (ref.value === 1) s.count--;
      if (rule.rule === 'streak') {
        // Work taken back leaves the sequence: the runs either side of it may join.
        s.entries.splice(
          s.entries.findIndex((e) => e.ref === row.ref),
          1,
        );
        s.run = 0;
        s.max = 0;
        for (const e of s.entries) {
          s.run = e.value === 1 ? s.run + 1 : 0;
          s.max = Math.max(s.max, s.run);
        }
      }
      if (!s.first && met(s)) s.first = row;
    }
  }
  const out = new Map<string, Outcome>();
  for (const [period, s] of periods)
    if (s.first)
      out.set(period, {
        status: met(s) ? 'held' : 'withdrawn',
        earnedBy: s.first.eventId,
        earnedAt: s.first.at,
      });
  return out;
}

/** Writes what the credits say for (person, rule), over every period or only one. */
function reconcile(
  db: Db,
  person: string,
  rule: BadgeRule,
  outcomes: Map<string, Outcome>,
  only?: string,
): void {
  const s = stmts(db);
  const points = rule.points;
  const existing = parseRows(existingRow, s.existing.all(person, rule.id));
  for (const row of existing) {
    if (only !== undefined && row.period !== only) continue;
    if (!outcomes.has(row.period)) s.remove.run(person, rule.id, row.period);
  }
  const byPeriod = new Map(existing.map((r) => [r.period, r]));
  for (const [period, o] of outcomes) {
    // A retired rule's awards stay visible, as withdrawn, and come back if it is active again.
    const status = rule.active ? o.status : 'withdrawn';
    const was = byPeriod.get(period);
    if (
      was &&
      was.status === status &&
      was.earnedBy === o.earnedBy &&
      was.earnedAt === o.earnedAt &&
      was.points === points
    )
      continue;
    s.upsert.run({ ...o, person, rule: rule.id, period, status, points });
  }
}

const DAY_MS = 86_400_000;
/** Moments that surely include every day of a period (a day either side for any time zone). */
function momentsOf(period: string): { lo: number; hi: number } {
  const week = /^(\d{4})-W(\d{2})$/.exec(period);
  if (week) {
    const year = Number(week[1]);
    const jan4 = Date.UTC(year, 0, 4);
    const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
    const start = monday + (Number(week[2]) - 1) * 7 * DAY_MS;
    return { lo: start - 2 * DAY_MS, hi: start + 9 * DAY_MS };
  }
  const [y, m] = period.split('-').map(Number) as [number, number];
  return { lo: Date.UTC(y, m - 1, 1) - 2 * DAY_MS, hi: Date.UTC(y, m, 1) + 2 * DAY_MS };
}

/** The rows of a person's (kind, ref): its work and its returns. */
const refRow = z.object({ day: z.string() });

/**
 * Settles one person's badges of one kind again after credits of that kind were written
 * (`hints`), or all of them (no hints). A credit for a ref with no other row changes only its own
 * period, and an award held there, met by earlier work, stays as it is; a return or a repeat
 * changes every period its ref has rows in.
 */
function settleKind(
  db: Db,
  person: string,
  kind: string,
  rules: BadgeRule[],
  hints?: readonly SettleHint[],
) {
  const s = stmts(db);
  let all: CreditRow[] | undefined;
  const everything = () => (all ??= parseRows(creditRow, s.ofKind.all(person, kind)));
  if (!hints) {
    for (const rule of rules) reconcile(db, person, rule, evaluate(rule, everything()));
    return;
  }
  // Each ref's days once: the hint's own day when it is the ref's only row.
  const refs = new Map<string, { fresh: boolean; days: string[] }>();
  const refOf = (h: SettleHint) => {
    let ref = refs.get(h.ref);
    if (!ref) {
      const days = parseRows(refRow, s.refDays.all(kind, h.ref, person)).map((r) => r.day);
      refs.set(h.ref, (ref = { fresh: !h.voids && days.length === 1, days }));
    }
    return ref;
  };
  for (const rule of rules) {
    // period → whether only fresh work after the award was met (or not qualifying) fell in it.
    const periods = new Map<string, SettleHint[] | null>();
    for (const h of hints) {
      const ref = refOf(h);
      if (!ref.fresh) {
        for (const day of [h.day, ...ref.days]) periods.set(periodOf(rule.period, day), null);
        continue;
      }
      const period = periodOf(rule.period, h.day);
      const was = periods.get(period);
      if (was !== null) periods.set(period, [...(was ?? []), h]);
    }
    for (const [period, fresh] of periods) {
      const row = parseRow(awardRow, s.award.get(person, rule.id, period));
      if (fresh && rule.active && row?.status === 'held') {
        const skips = fresh.every((h) => {
          const after = h.at > row.earnedAt || (h.at === row.earnedAt && h.eventId > row.earnedBy);
          // A count only grows after it was met (or not at all for work that did not qualify);
          // a run only grows with qualifying work after it was met. A late trip in between may
          // break a run: looked at again.
          if (rule.rule === 'count') return after || h.value !== 1;
          return rule.rule === 'streak' && after && h.value === 1;
        });
        if (skips) continue;
      }
      // Never met, and fewer rows than the threshold in the period's moments (or ever): it
      // cannot be met now either.
      const moments = period === 'ever' ? { lo: -Infinity, hi: Infinity } : momentsOf(period);
      if (!row) {
        const upTo = countRow.parse(
          s.bound.get({ person, kind, ...moments, limit: rule.threshold }),
        );
        if (upTo.n < rule.threshold) continue;
      }
      if (period === 'ever') reconcile(db, person, rule, evaluate(rule, everything()));
      else {
        const rows = parseRows(creditRow, s.inRange.all({ person, kind, ...moments }));
        reconcile(db, person, rule, evaluate(rule, rows, period), period);
      }
    }
  }
}

/**
 * Credits written while a batch is open (`settlingOnce`): settled together when it ends, each
 * person's kind once, instead of once per credit.
 */
const batches = new WeakMap<Db, Map<string, Pending>>();
interface Pending {
  person: string;
  kind: string;
  hints: SettleHint[];
}

/**
 * Runs `apply` (inside the caller's transaction) with the settling of the credits it writes
 * put off to its end: a day's sync writes tens of thousands of credits for a few hundred people.
 * The awards are a function of the credits, so settling once at the end writes what settling
 * after each would. A throw settles nothing: the caller's transaction rolls back.
 */
export function settlingOnce<T>(db: Db, apply: () => T): T {
  // Outside a transaction every credit settles at once, as it commits.
  if (batches.has(db) || !db.sqlite.inTransaction) return apply();
  const pending = new Map<string, Pending>();
  batches.set(db, pending);
  let out: T;
  try {
    out = apply();
  } finally {
    batches.delete(db);
  }
  const rules = settledRules(db);
  for (const { person, kind, hints } of pending.values()) {
    const ofKind = rules.filter((r) => r.kind === kind);
    if (ofKind.length > 0) settleKind(db, person, kind, ofKind, hints);
  }
  return out;
}

/** After a projection wrote one credit: settled now, or at the end of the open batch. */
export function settleCredit(db: Db, person: string, hint: SettleHint): void {
  const batch = batches.get(db);
  if (!batch) return settleAwards(db, [person], hint);
  const key = `${person}\u0000${hint.kind}`;
  const entry = batch.get(key);
  if (entry) entry.hints.push(hint);
  else batch.set(key, { person, kind: hint.kind, hints: [hint] });
}

const settledRules = (db: Db) =>
  rulesOf(db).filter((r): r is BadgeRule => r.rule === 'count' || r.rule === 'streak');

/**
 * Settles the count and streak badges of these persons ('*': everyone with credits) from their
 * credits and the rules. `hint`: the credit just written, so only its kind (and, usually, its
 * period) is looked at again; without it everything the persons hold is settled.
 */
export function settleAwards(db: Db, persons: readonly string[], hint?: SettleHint): void {
  const rules = settledRules(db);
  if (rules.length === 0) return;
  const everyone = persons.includes('*')
    ? parseRows(idRow, stmts(db).persons.all()).map((p) => p.id)
    : persons;
  const kinds = new Map<string, BadgeRule[]>();
  for (const r of rules)
    if (!hint || r.kind === hint.kind) kinds.set(r.kind, [...(kinds.get(r.kind) ?? []), r]);
  for (const person of new Set(everyone))
    for (const [kind, ofKind] of kinds)
      settleKind(db, person, kind, ofKind, hint ? [hint] : undefined);
}
