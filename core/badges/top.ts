// Head office's settlement of 'top' rules (decision 0034): each week or month that ended, and
// whose three days of grace for late syncs passed, gets one `badges.settled` with its winners
// (the most work that still counts; ties all win), then its awards are final. A period already
// settled is found in the event log, so a run repeated or a slot fired twice records nothing new.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { emit } from '../events/emit';
import { companyDay } from '../locale/day';
import { addDays, countedCredits, periodRange } from './boards';
import { rulesOf } from './rules';

export const GRACE_DAYS = 3;

/** The periods of a rule ended with their grace by `today`, from the first work of its kind. */
function endedPeriods(first: string, today: string, period: 'week' | 'month') {
  const out: { period: string; from: string; to: string }[] = [];
  for (let r = periodRange(period, first); addDays(r.to, GRACE_DAYS) < today;) {
    out.push(r);
    r = periodRange(period, addDays(r.to, 1));
  }
  return out;
}

const dayRow = z.object({ day: z.string().nullable() });

export function settleTop(ctx: Context): {
  settled: { ruleId: string; period: string; winners: number }[];
} {
  const db = ctx.db;
  const today = companyDay(db, ctx.now());
  const done = db.sqlite.prepare(
    `SELECT 1 FROM events WHERE type = 'badges.settled' AND aggregate_id = ?
     AND json_extract(payload, '$.period') = ? LIMIT 1`,
  );
  const firstDay = db.sqlite.prepare('SELECT min(day) AS day FROM work_credits WHERE kind = ?');
  const settled: { ruleId: string; period: string; winners: number }[] = [];
  for (const rule of rulesOf(db)) {
    if (rule.rule !== 'top' || !rule.active || rule.period === 'ever') continue;
    const first = dayRow.parse(firstDay.get(rule.kind)).day;
    if (!first) continue;
    for (const range of endedPeriods(first, today, rule.period)) {
      if (done.get(rule.id, range.period)) continue;
      const counts = countedCredits(db, range.from, range.to, [rule.kind]);
      const most = Math.max(0, ...counts.map((c) => c.n));
      const winners = counts
        .filter((c) => most > 0 && c.n === most)
        .map((c) => ({ personId: c.personId, count: c.n }))
        .sort((a, b) => (a.personId < b.personId ? -1 : 1));
      // Recorded even with no winner, so the period is not looked at again.
      emit(ctx, 'badges.settled', rule.id, { ruleId: rule.id, period: range.period, winners });
      settled.push({ ruleId: rule.id, period: range.period, winners: winners.length });
    }
  }
  return { settled };
}
