// Badge rules, leaderboards and head office's settlement of a period's most, through the real
// contract on the demo company; the credits are written by the real `credit` (./testing.ts).
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { refold } from '../sync/apply';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { announcements } from './announce';
import { settleAwards } from './awards';
import { awardsOf, noon, put } from './testing';

let w: DemoWorld;
const ids: Record<string, string> = {};
let ruleIds: { week: string; top: string };
beforeAll(async () => {
  w = await openDemo();
  const admin = w.as('admin');
  for (const [name, role] of [
    ['Abebe', 'driver'],
    ['Bekele', 'driver'],
    ['Chaltu', 'driver'],
    ['Dawit', 'driver'],
    ['Eden', 'driver'],
    ['Fikir', 'sales_rep'],
  ] as const)
    ids[name] = (
      await admin('users.create', {
        username: name.toLowerCase(),
        displayName: name,
        role,
        branchId: w.branch.SH01,
        password: 'badge-test-pass',
      })
    ).id;
  for (const u of ['driver', 'sales'])
    ids[u] = z
      .object({ id: z.string() })
      .parse(w.core.db.sqlite.prepare('SELECT id FROM users WHERE username = ?').get(u)).id;
  const week = await admin('badges.saveRule', {
    name: 'Three a week',
    role: 'driver',
    rule: 'count',
    kind: 'delivery',
    threshold: 3,
    period: 'week',
    points: 50,
    announce: true,
  });
  const top = await admin('badges.saveRule', {
    name: 'Most deliveries',
    role: 'driver',
    rule: 'top',
    kind: 'delivery',
    threshold: 1,
    period: 'week',
    points: 100,
  });
  ruleIds = { week: week!.id, top: top!.id };
  // The week of Monday 2 March 2026.
  let n = 0;
  const deliver = (who: string, count: number, day = '2026-03-03') => {
    for (let i = 0; i < count; i++)
      put(w.core.db, `w-${++n}`, {
        personId: ids[who]!,
        kind: 'delivery',
        ref: `o-${n}`,
        at: noon(day, i),
      });
  };
  deliver('Abebe', 3);
  deliver('Bekele', 3);
  deliver('driver', 2);
  put(w.core.db, 'trip-1', {
    personId: ids['Chaltu']!,
    kind: 'on_time_trip',
    ref: 'trip-1',
    at: noon('2026-03-04'),
  });
  deliver('Dawit', 1);
  put(w.core.db, 'sale-1', {
    personId: ids['Fikir']!,
    kind: 'new_customer',
    ref: 'c-1',
    at: noon('2026-03-04'),
  });
});
afterAll(() => w.core.close());

const board = (as: 'admin' | 'driver' | 'sales', input: Record<string, unknown>) =>
  w.as(as)('badges.leaderboard', {
    role: 'driver',
    period: 'week',
    day: '2026-03-05',
    ...input,
  } as never);

describe('badge rules', () => {
  it('are refused with the field to fix', async () => {
    const admin = w.as('admin');
    const missing = await failure(admin('badges.saveRule', { name: 'Half' }));
    expect(missing.code).toBe('VALIDATION');
    expect(missing.message).toMatch(/role: is required/);
    const wrongKind = await failure(
      admin('badges.saveRule', {
        name: 'x',
        role: 'driver',
        rule: 'count',
        kind: 'order_delivered',
        threshold: 1,
        period: 'ever',
      }),
    );
    expect(wrongKind.field).toBe('kind');
    const topEver = await failure(
      admin('badges.saveRule', {
        name: 'x',
        role: 'driver',
        rule: 'top',
        kind: 'delivery',
        threshold: 1,
        period: 'ever',
      }),
    );
    expect(topEver.field).toBe('period');
    expect((await failure(admin('badges.saveRule', { name: 'x', threshold: 0 }))).field).toBe(
      'threshold',
    );
    expect((await failure(w.as('driver')('badges.saveRule', { name: 'Mine' }))).code).toBe(
      'FORBIDDEN',
    );
    const rules = await w.as('driver')('badges.rules', {});
    expect(rules.map((r) => r.name)).toEqual(
      expect.arrayContaining(['Three a week', 'Most deliveries']),
    );
  });
});

describe('leaderboards', () => {
  it('rank by points, ties sharing a rank, everyone of the role shown', async () => {
    const { rows, period } = await board('admin', {});
    expect(period).toBe('2026-W10');
    // Only this test's people (the demo company may hold more drivers, all at 0).
    const mine = new Set(Object.values(ids));
    const view = rows.filter((r) => mine.has(r.personId)).map((r) => [r.name, r.points, r.rank]);
    // Abebe and Bekele: 3 deliveries (30) and the weekly badge (50).
    expect(view).toEqual([
      ['Abebe', 80, 1],
      ['Bekele', 80, 1],
      ['Chaltu', 20, 3],
      ['Yonas Bekele', 20, 3],
      ['Dawit', 10, 5],
      ['Eden', 0, 6],
    ]);
    // Everyone of the role appears; those with no work share the rank after the last with some.
    const drivers = z
      .object({ n: z.number().int() })
      .parse(
        w.core.db.sqlite
          .prepare(`SELECT count(*) AS n FROM users WHERE role = 'driver' AND disabled = 0`)
          .get(),
      );
    expect(rows).toHaveLength(drivers.n);
    expect(rows.filter((r) => r.points === 0).every((r) => r.rank === 6)).toBe(true);
    expect(rows.find((r) => r.personId === ids['Chaltu'])?.counts).toEqual({
      delivery: 0,
      on_time_trip: 1,
    });
    // The week after: no work, everyone at 0, all first.
    const next = await board('admin', { day: '2026-03-09' });
    expect(next.rows.every((r) => r.points === 0 && r.rank === 1)).toBe(true);
    // The month holds the same work.
    const month = await board('admin', { period: 'month' });
    expect(month.rows[0]).toMatchObject({ points: 80, rank: 1 });
  });

  it('follow the points the admin sets per kind', async () => {
    await w.as('admin')('badges.savePoints', { points: { delivery: 5 } });
    const { rows } = await board('admin', {});
    expect(rows.find((r) => r.name === 'Abebe')?.points).toBe(15 + 50);
    expect(rows.find((r) => r.name === 'Chaltu')?.points).toBe(20);
    const refused = await failure(w.as('admin')('badges.savePoints', { points: { delivery: -1 } }));
    expect(refused.code).toBe('VALIDATION');
    await w.as('admin')('badges.savePoints', { points: { delivery: 10 } });
  });

  it('show a driver the people around them, and only their own role', async () => {
    const { rows } = await board('driver', { around: true });
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.personId)).toContain(ids['driver']);
    const full = (await board('admin', {})).rows.map((r) => r.personId);
    const i = full.indexOf(ids['driver']!);
    expect(rows.map((r) => r.personId)).toEqual(full.slice(Math.max(0, i - 2), i + 3));
    const other = await failure(board('driver', { role: 'sales_rep' }));
    expect(other).toMatchObject({ code: 'FORBIDDEN', field: 'role' });
    const reps = await board('sales', { role: 'sales_rep' });
    expect(reps.rows.map((r) => [r.personId, r.points])).toEqual(
      expect.arrayContaining([[ids['Fikir'], 30]]),
    );
    expect(reps.rows.some((r) => r.personId === ids['Abebe'])).toBe(false);
  });

  it("show a person their badges; another's only to an admin", async () => {
    const mine = await w.as('admin')('badges.mine', { personId: ids['Abebe'] });
    expect(mine.badges).toEqual([
      expect.objectContaining({ name: 'Three a week', period: '2026-W10', status: 'held' }),
    ]);
    // The weekly rule announces: its held awards are what a sender finds.
    expect(
      announcements(w.core.db)
        .map((a) => [a.name, a.ruleName, a.period])
        .sort(),
    ).toEqual([
      ['Abebe', 'Three a week', '2026-W10'],
      ['Bekele', 'Three a week', '2026-W10'],
    ]);
    const own = await w.as('driver')('badges.mine', {});
    expect(own.personId).toBe(ids['driver']);
    expect(own.week.counts).toEqual({});
    expect((await failure(w.as('driver')('badges.mine', { personId: ids['Abebe']! }))).code).toBe(
      'FORBIDDEN',
    );
  });
});

describe("a period's most", () => {
  it('is settled once after its grace, and final', async () => {
    const admin = w.as('admin');
    const first = await admin('badges.settle', {});
    const w10 = first.settled.find((s) => s.period === '2026-W10');
    expect(w10).toEqual({ ruleId: ruleIds.top, period: '2026-W10', winners: 2 });
    expect((await admin('badges.settle', {})).settled).toEqual([]);
    const top = () => awardsOf(w.core.db).filter((a) => a.ruleId === ruleIds.top);
    expect(top().map((a) => [a.personId, a.period, a.status, a.final, a.points])).toEqual(
      [ids['Abebe'], ids['Bekele']].sort().map((p) => [p, '2026-W10', 'held', 1, 100]),
    );
    const before = top();
    // Goods coming back later change counts, not a settled period's winners.
    put(w.core.db, 'back-1', {
      personId: ids['Abebe']!,
      kind: 'delivery',
      ref: 'o-1',
      at: noon('2026-03-20'),
      voids: true,
    });
    w.core.db.sqlite.transaction(() => settleAwards(w.core.db, ['*']))();
    expect(top()).toEqual(before);
    // The weekly count badge is withdrawn, visibly.
    const week = awardsOf(w.core.db).find(
      (a) => a.ruleId === ruleIds.week && a.personId === ids['Abebe'],
    );
    expect(week?.status).toBe('withdrawn');
    // A re-fold of the rule (its saves and settlements) ends in the same rows.
    const all = awardsOf(w.core.db);
    w.core.db.sqlite.transaction(() => refold(w.core.db, ruleIds.top))();
    w.core.db.sqlite.transaction(() => refold(w.core.db, ruleIds.week))();
    expect(awardsOf(w.core.db)).toEqual(all);
  });
});
