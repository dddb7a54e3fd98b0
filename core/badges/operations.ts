// The badges operations (decision 0034), spread into the one contract (core/contract/api.ts):
// head office sets the rules and what work is worth; everyone with badges.read sees their own
// badges and their role's leaderboard.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { id, isoDate } from '../contract/fields';
import { requireActor } from '../contract/scope';
import { parseRows } from '../db/rows';
import { DomainError, validationError, type FieldIssue } from '../errors';
import { emit, refuseIfNotHere } from '../events/emit';
import { newId } from '../ids';
import { companyDay } from '../locale/day';
import { workKinds, type WorkKind } from '../vocabulary';
import { around, board, countedCredits, periodRange } from './boards';
import {
  badgeRoles,
  kindsOf,
  ruleKinds,
  rulePeriods,
  ruleOf,
  ruleRowsOf,
  workPointsOf,
  type BadgeRole,
} from './rules';
import { settleTop } from './top';

const whole = (what: string) => z.number().int(`${what} must be a whole number`);

const ruleInput = z.object({
  /** Absent: a new rule. */
  id: id.optional(),
  name: z.string().trim().min(1, 'is required').max(80, 'is too long').optional(),
  role: z.enum(badgeRoles, { message: 'must be driver or sales_rep' }).optional(),
  rule: z.enum(ruleKinds, { message: 'must be count, streak or top' }).optional(),
  kind: z.enum(workKinds, { message: `must be one of ${workKinds.join(', ')}` }).optional(),
  threshold: whole('threshold').min(1, 'must be 1 or more').max(100_000).optional(),
  period: z.enum(rulePeriods, { message: 'must be ever, week or month' }).optional(),
  points: whole('points').min(0, 'must be 0 or more').max(1_000_000).optional(),
  announce: z.boolean().optional(),
  active: z.boolean().optional(),
});

const rules = query({
  access: 'badges.read',
  input: z.object({}),
  handler: (ctx) =>
    ruleRowsOf(ctx.db).map((r) => ({ ...r, announce: r.announce === 1, active: r.active !== 0 })),
});

export const saveBadgeRule = command({
  access: 'badges.manage',
  input: ruleInput,
  handler: (ctx, input) => {
    refuseIfNotHere(ctx, 'badge_rule.saved');
    const ruleId = input.id ?? newId(ctx.now());
    const before = ruleRowsOf(ctx.db).find((r) => r.id === ruleId);
    if (input.id && !before)
      throw new DomainError('NOT_FOUND', 'id: no such badge rule; leave id out to add a new one', {
        field: 'id',
      });
    const merged = {
      name: input.name ?? before?.name ?? null,
      role: input.role ?? before?.role ?? null,
      rule: input.rule ?? before?.rule ?? null,
      kind: input.kind ?? before?.kind ?? null,
      threshold: input.threshold ?? before?.threshold ?? null,
      period: input.period ?? before?.period ?? null,
    };
    const issues: FieldIssue[] = [];
    for (const [field, value] of Object.entries(merged))
      if (value === null)
        issues.push({ field, rule: 'required', message: 'is required for a new rule' });
    const role = merged.role as BadgeRole | null;
    if (role && merged.kind && !kindsOf[role].includes(merged.kind as WorkKind))
      issues.push({
        field: 'kind',
        rule: 'choice',
        message: `is not ${role === 'driver' ? "a driver's" : "a sales rep's"} work: choose ${kindsOf[role].join(' or ')}`,
      });
    if (merged.rule === 'top' && merged.period === 'ever')
      issues.push({
        field: 'period',
        rule: 'choice',
        message: "a 'top' rule needs week or month: the most of a period that ends",
      });
    if (issues.length > 0) throw validationError(issues);
    const { id: _id, ...fields } = input;
    emit(ctx, 'badge_rule.saved', ruleId, {
      id: ruleId,
      ...fields,
      ...(!before && {
        points: input.points ?? 0,
        announce: input.announce ?? false,
        active: input.active ?? true,
      }),
    });
    const row = ruleRowsOf(ctx.db).find((r) => r.id === ruleId);
    return row ? ruleOf(row) : null;
  },
});

const points = query({
  access: 'badges.read',
  input: z.object({}),
  handler: (ctx) => workPointsOf(ctx.db),
});

const savePoints = command({
  access: 'badges.manage',
  input: z.object({
    points: z.partialRecord(
      z.enum(workKinds),
      whole('points').min(0, 'must be 0 or more').max(1_000_000),
    ),
  }),
  handler: (ctx, input) => {
    refuseIfNotHere(ctx, 'work_points.saved');
    const points = { ...workPointsOf(ctx.db), ...input.points };
    emit(ctx, 'work_points.saved', 'work_points', {
      id: 'default',
      points: JSON.stringify(points),
    });
    return workPointsOf(ctx.db);
  },
});

/** Whose badges a caller may see: their own, or anyone's for an admin. */
function personFor(ctx: Context, personId: string | undefined): string {
  const actor = requireActor(ctx);
  if (!personId || personId === actor.userId) return actor.userId;
  if (actor.role !== 'admin')
    throw new DomainError('FORBIDDEN', 'personId: you can see your own badges only; leave it out', {
      field: 'personId',
    });
  return personId;
}

const myBadgeRow = z.object({
  ruleId: z.string(),
  name: z.string(),
  rule: z.string().nullable(),
  kind: z.string().nullable(),
  period: z.string(),
  status: z.enum(['held', 'withdrawn']),
  points: z.number().int(),
  earnedBy: z.string(),
  earnedAt: z.number().int(),
  final: z.number().int(),
});

const mine = query({
  access: 'badges.read',
  input: z.object({ personId: id.optional() }),
  handler: (ctx, input) => {
    const person = personFor(ctx, input.personId);
    const badges = parseRows(
      myBadgeRow,
      ctx.db.sqlite
        .prepare(
          `SELECT a.rule_id AS ruleId, coalesce(r.name, a.rule_id) AS name, r.rule, r.kind, a.period,
                a.status, a.points, a.earned_by AS earnedBy, a.earned_at AS earnedAt, a.final
         FROM badge_awards a LEFT JOIN badge_rules r ON r.id = a.rule_id
         WHERE a.person_id = ? ORDER BY a.earned_at DESC, a.rule_id, a.period`,
        )
        .all(person),
    );
    const today = companyDay(ctx.db, ctx.now());
    const work = (period: 'week' | 'month') => {
      const range = periodRange(period, today);
      const counts = Object.fromEntries(
        countedCredits(ctx.db, range.from, range.to, workKinds, person).map((c) => [c.kind, c.n]),
      );
      return { period: range.period, counts };
    };
    return {
      personId: person,
      badges: badges.map((b) => ({ ...b, final: b.final === 1 })),
      heldPoints: badges.filter((b) => b.status === 'held').reduce((s, b) => s + b.points, 0),
      week: work('week'),
      month: work('month'),
    };
  },
});

const leaderboard = query({
  access: 'badges.read',
  input: z.object({
    role: z.enum(badgeRoles, { message: 'must be driver or sales_rep' }),
    period: z.enum(['week', 'month'], { message: 'must be week or month' }),
    day: isoDate.optional(),
    around: z.boolean().optional(),
  }),
  handler: (ctx, input) => {
    const actor = requireActor(ctx);
    if ((actor.role === 'driver' || actor.role === 'sales_rep') && actor.role !== input.role)
      throw new DomainError(
        'FORBIDDEN',
        `role: you see the ${actor.role === 'driver' ? 'drivers' : 'sales reps'}' board; choose ${actor.role}`,
        {
          field: 'role',
        },
      );
    const range = periodRange(input.period, input.day ?? companyDay(ctx.db, ctx.now()));
    const rows = board(ctx.db, input.role, range);
    return { ...range, rows: input.around ? around(rows, actor.userId) : rows };
  },
});

/** Head office's nightly settlement of 'top' rules (sync-server/badges-nightly.ts). */
const settle = command({
  access: 'badges.manage',
  input: z.object({}),
  handler: (ctx) => {
    refuseIfNotHere(ctx, 'badges.settled');
    return settleTop(ctx);
  },
});

export const badgeOperations = {
  'badges.rules': rules,
  'badges.saveRule': saveBadgeRule,
  'badges.points': points,
  'badges.savePoints': savePoints,
  'badges.mine': mine,
  'badges.leaderboard': leaderboard,
  'badges.settle': settle,
} as const;
