// Test helpers for badges: credits written through the real `credit`/`voidCredit` on envelopes
// of their own (the projections that verify work call them the same way), and the award rows.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRows } from '../db/rows';
import type { EventEnvelope } from '../events/define';
import { credit, voidCredit, type Credit } from './credits';

export const envelope = (id: string, createdAt = 0): EventEnvelope => ({
  id,
  type: 'test.credit',
  schemaVersion: 3,
  branchId: 'b',
  deviceId: 'd',
  userId: 'u',
  hlc: '',
  createdAt,
  aggregateId: null,
  payload: {},
});

/** A credit (or, with `voids`, its taking back) written by event `id`, in a transaction. */
export function put(db: Db, id: string, c: Credit & { voids?: boolean }): void {
  db.sqlite.transaction(() => (c.voids ? voidCredit : credit)(db, envelope(id), c))();
}

/** Noon in Addis Ababa (the demo company's default zone) of a day. */
export const noon = (day: string, minute = 0): number =>
  Date.parse(`${day}T09:00:00Z`) + minute * 60_000;

export interface AwardRow {
  personId: string;
  ruleId: string;
  period: string;
  status: string;
  points: number;
  earnedBy: string;
  earnedAt: number;
  final: number;
}

const awardRow = z.object({
  personId: z.string(),
  ruleId: z.string(),
  period: z.string(),
  status: z.string(),
  points: z.number().int(),
  earnedBy: z.string(),
  earnedAt: z.number().int(),
  final: z.number().int(),
});

export const awardsOf = (db: Db): AwardRow[] =>
  parseRows(
    awardRow,
    db.sqlite
      .prepare(
        `SELECT person_id AS personId, rule_id AS ruleId, period, status, points,
              earned_by AS earnedBy, earned_at AS earnedAt, final
       FROM badge_awards ORDER BY person_id, rule_id, period`,
      )
      .all(),
  );
