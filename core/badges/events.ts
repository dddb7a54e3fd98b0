// The badges event types (decision 0034), spread into the registry (core/events/registry.ts):
// head office's rules and points, merged per field, and its nightly settlement of a period's
// most, written as final rows that nothing changes afterwards.
import { z } from 'zod';
import * as num from '../events/numbers';
import { parseRow } from '../db/rows';
import { defineEvent, mergeStamp, rowWrite } from '../events/define';
import { mergeRow } from '../events/lww';
import { workKinds } from '../vocabulary';
import { settleAwards } from './awards';
import { badgeRoles, ruleKinds, rulePeriods } from './rules';

export const badgeRuleSaved = defineEvent({
  type: 'badge_rule.saved',
  merged: true,
  authority: { permission: 'badges.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [
    rowWrite('badge_rules'),
    // Count and streak awards follow the rules: settled again for everyone after a re-fold
    // (never deleted by it: they are a function of every person's credits too).
    {
      table: 'badge_awards',
      column: 'rule_id',
      key: (e) => e.payload.id,
      shared: (db) => settleAwards(db, ['*']),
    },
  ],
  payload: z.object({
    id: z.string().min(1),
    name: z.string().optional(),
    role: z.enum(badgeRoles).optional(),
    rule: z.enum(ruleKinds).optional(),
    kind: z.enum(workKinds).optional(),
    threshold: num.positiveUnits.optional(),
    period: z.enum(rulePeriods).optional(),
    points: num.points.optional(),
    announce: z.boolean().optional(),
    active: z.boolean().optional(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    const { changed } = mergeRow(db, 'badge_rules', id, mergeStamp(e), fields);
    if (changed.some((f) => f !== 'name' && f !== 'announce')) settleAwards(db, ['*']);
  },
});

export const workPointsSaved = defineEvent({
  type: 'work_points.saved',
  merged: true,
  authority: { permission: 'badges.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [rowWrite('work_points')],
  payload: z.object({
    id: z.literal('default'),
    /** JSON { kind: points }, merged whole. */
    points: z.string().optional(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    mergeRow(db, 'work_points', id, mergeStamp(e), fields);
  },
});

/**
 * A 'top' rule's period settled by head office after its grace: the winners' awards, final.
 * Their rows are found again by the event (earned_by), so a re-fold deletes exactly them.
 */
const pointsRow = z.object({ points: z.number().int().nullable() });

export const badgesSettled = defineEvent({
  type: 'badges.settled',
  authority: { permission: 'badges.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [{ table: 'badge_awards', column: 'earned_by', key: (e) => e.id }],
  payload: z.object({
    ruleId: z.string().min(1),
    period: z.string().regex(/^\d{4}-(W\d{2}|\d{2})$/),
    winners: z.array(z.object({ personId: z.string().min(1), count: num.units })),
  }),
  apply: (db, e) => {
    const rule = parseRow(
      pointsRow,
      db.sqlite.prepare('SELECT points FROM badge_rules WHERE id = ?').get(e.payload.ruleId),
    );
    const write = db.sqlite.prepare(
      `INSERT INTO badge_awards (person_id, rule_id, period, status, points, earned_by, earned_at, final)
       VALUES (?, ?, ?, 'held', ?, ?, ?, 1)
       ON CONFLICT (person_id, rule_id, period) DO UPDATE SET status = 'held', points = excluded.points,
         earned_by = excluded.earned_by, earned_at = excluded.earned_at, final = 1`,
    );
    for (const w of e.payload.winners)
      write.run(
        w.personId,
        e.payload.ruleId,
        e.payload.period,
        rule?.points ?? 0,
        e.id,
        e.createdAt,
      );
  },
});

export const badgeEvents = [badgeRuleSaved, workPointsSaved, badgesSettled] as const;
