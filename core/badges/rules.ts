// Head office's badge rules and the points each kind of work is worth, as the projections and
// queries read them. A rule merged per field may be incomplete on a PC for a while (a field's
// edit not yet here): such a rule awards nothing until it is whole.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { workKinds, type Role, type WorkKind } from '../vocabulary';

export const badgeRoles = ['driver', 'sales_rep'] as const satisfies readonly Role[];
export type BadgeRole = (typeof badgeRoles)[number];
export const ruleKinds = ['count', 'streak', 'top'] as const;
export const rulePeriods = ['ever', 'week', 'month'] as const;

/** Whose work each kind is. */
export const kindsOf: Record<BadgeRole, readonly WorkKind[]> = {
  driver: ['delivery', 'on_time_trip'],
  sales_rep: ['order_delivered', 'new_customer'],
};

/** What each kind is worth when the admin has not said. */
export const defaultPoints: Record<WorkKind, number> = {
  delivery: 10,
  on_time_trip: 20,
  order_delivered: 10,
  new_customer: 30,
};

export interface BadgeRule {
  id: string;
  name: string;
  role: BadgeRole;
  rule: (typeof ruleKinds)[number];
  kind: WorkKind;
  threshold: number;
  period: (typeof rulePeriods)[number];
  points: number;
  announce: boolean;
  active: boolean;
}

const ruleRow = z.object({
  id: z.string(),
  name: z.string().nullable(),
  role: z.string().nullable(),
  rule: z.string().nullable(),
  kind: z.string().nullable(),
  threshold: z.number().nullable(),
  period: z.string().nullable(),
  points: z.number().nullable(),
  announce: z.number().nullable(),
  active: z.number().nullable(),
});
type RuleRow = z.infer<typeof ruleRow>;
const pointsRow = z.object({ points: z.string().nullable() });

const isOneOf = <T extends string>(list: readonly T[], v: string | null): v is T =>
  v !== null && (list as readonly string[]).includes(v);

/** A stored row as a rule, or null while it is incomplete. */
export function ruleOf(r: RuleRow): BadgeRule | null {
  if (
    !isOneOf(badgeRoles, r.role) ||
    !isOneOf(ruleKinds, r.rule) ||
    !isOneOf(workKinds, r.kind) ||
    !isOneOf(rulePeriods, r.period) ||
    r.threshold === null
  )
    return null;
  return {
    id: r.id,
    name: r.name ?? r.id,
    role: r.role,
    rule: r.rule,
    kind: r.kind,
    threshold: r.threshold,
    period: r.period,
    points: r.points ?? 0,
    announce: r.announce === 1,
    active: r.active !== 0,
  };
}

const statements = new WeakMap<Db, { all: { all(): unknown[] }; points: { get(): unknown } }>();
const stmts = (db: Db) => {
  let s = statements.get(db);
  if (!s) {
    s = {
      all: db.sqlite.prepare(
        `SELECT id, name, role, rule, kind, threshold, period, points, announce, active
         FROM badge_rules ORDER BY id`,
      ),
      points: db.sqlite.prepare(`SELECT points FROM work_points WHERE id = 'default'`),
    };
    statements.set(db, s);
  }
  return s;
};

/**
 * The whole rules, by id. Every credit settles its person's badges against them: the rows are
 * read each time, but parsed again only when what was read differs from the last time.
 */
let parsedRules: { read: string; rules: BadgeRule[] } | null = null;
export function rulesOf(db: Db): BadgeRule[] {
  const rows = stmts(db).all.all();
  const read = JSON.stringify(rows);
  if (parsedRules?.read !== read)
    parsedRules = {
      read,
      rules: parseRows(ruleRow, rows)
        .map(ruleOf)
        .filter((r): r is BadgeRule => r !== null),
    };
  return parsedRules.rules;
}

/** Every stored rule, whole or not, for the admin's screen. */
export const ruleRowsOf = (db: Db): RuleRow[] => parseRows(ruleRow, stmts(db).all.all());

/** What each kind of work is worth: the admin's figures over the defaults. */
export function workPointsOf(db: Db): Record<WorkKind, number> {
  const row = parseRow(pointsRow, stmts(db).points.get());
  const out = { ...defaultPoints };
  if (!row?.points) return out;
  try {
    const parsed: unknown = JSON.parse(row.points);
    if (parsed && typeof parsed === 'object')
      for (const [k, v] of Object.entries(parsed))
        if (isOneOf(workKinds, k) && Number.isInteger(v) && (v as number) >= 0)
          out[k] = v as number;
  } catch {
    // A damaged text is the defaults; the admin's next save writes a whole one.
  }
  return out;
}
