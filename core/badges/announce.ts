// What the Telegram side announces (decision 0034: a rule with `announce` tells the person's
// branch group when its badge is earned). Awards are kept by projections on every replica, so
// a sender at head office reads them here and remembers what it sent by the award's key
// (person, rule, period): work synced late can earn an award dated days back, so a sender must
// not rely on earned_at alone as its watermark. A withdrawn award is not announced; one held
// again after a withdrawal keeps its key, so it is not announced twice.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRows } from '../db/rows';

export interface Announcement {
  personId: string;
  name: string | null;
  branchId: string | null;
  ruleId: string;
  ruleName: string;
  period: string;
  points: number;
  earnedAt: number;
  final: boolean;
}

const announcementRow = z.object({
  personId: z.string(),
  name: z.string().nullable(),
  branchId: z.string().nullable(),
  ruleId: z.string(),
  ruleName: z.string(),
  period: z.string(),
  points: z.number().int(),
  earnedAt: z.number().int(),
  final: z.number().int(),
});

/** Awards held of rules that announce, earned after `sinceEarnedAt` (default: all). */
export function announcements(db: Db, sinceEarnedAt = 0): Announcement[] {
  const rows = parseRows(
    announcementRow,
    db.sqlite
      .prepare(
        `SELECT a.person_id AS personId, u.display_name AS name, u.branch_id AS branchId,
              a.rule_id AS ruleId, coalesce(r.name, a.rule_id) AS ruleName, a.period, a.points,
              a.earned_at AS earnedAt, a.final
       FROM badge_awards a JOIN badge_rules r ON r.id = a.rule_id
       LEFT JOIN users u ON u.id = a.person_id
       WHERE a.status = 'held' AND r.announce = 1 AND a.earned_at > ?
       ORDER BY a.earned_at, a.person_id, a.rule_id, a.period`,
      )
      .all(sinceEarnedAt),
  );
  return rows.map((r) => ({ ...r, final: r.final === 1 }));
}
