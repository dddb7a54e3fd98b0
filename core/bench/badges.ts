// Badges and leaderboards at a company's size (issue 16, decision 0034): 200 drivers and sales
// reps with a year of verified work, written through the real `credit` / `voidCredit` (the calls
// the trip and field projections make) on envelopes of their own, in daily transactions, each
// credit settling the person's awards as a projection does. Then:
// - leaderboard_p95_ms: 'badges.leaderboard' through the contract, for random weeks and months
//   of the year, both roles, the whole board and the view around the caller;
// - badge_eval_s: one day's sync of 50,000 credit-writing events applied in one transaction
//   (a credit row each, and each person's badges settled once at the end, as applyOrdered does), and, for information, settling everyone
//   from scratch (what a re-fold of a rule does).
import { performance } from 'node:perf_hooks';
import { settleAwards, settlingOnce } from '../badges/awards';
import { credit, voidCredit } from '../badges/credits';
import { envelope } from '../badges/testing';
import type { DemoWorld } from '../testing/demo';
import type { WorkKind } from '../vocabulary';
import { fmtInt, fmtMs, rng, round, summarize, type Row } from './stats';

export const BADGE_TARGET = { leaderboardP95: 50, evalS: 2 };

export interface BadgeBenchOptions {
  /** Drivers and reps each (200 people: 100). */
  perRole: number;
  days: number;
  /** A driver's deliveries and a rep's delivered orders per working day. */
  deliveriesPerDay: number;
  ordersPerDay: number;
  /** Credit-writing events in the day's sync. */
  syncEvents: number;
  calls: number;
}

export const fullBadgeBench: BadgeBenchOptions = {
  perRole: 100,
  days: 365,
  deliveriesPerDay: 8,
  ordersPerDay: 4,
  syncEvents: 50_000,
  calls: 400,
};

/** The bench at BENCH_SCALE: fewer days and a smaller sync below 1, never fewer people. */
export const badgeBenchAt = (scale: number): BadgeBenchOptions =>
  scale >= 1
    ? fullBadgeBench
    : {
        ...fullBadgeBench,
        perRole: Math.max(5, Math.round(100 * scale * 10)),
        days: Math.max(14, Math.round(365 * scale)),
        syncEvents: Math.max(500, Math.round(50_000 * scale)),
        calls: Math.max(20, Math.round(400 * scale)),
      };

export interface BadgeBenchResult {
  credits: number;
  awards: number;
  seedS: number;
  leaderboard: ReturnType<typeof summarize>;
  evalS: number;
  settleAllS: number;
  settleAllSame: boolean;
  rows: Row[];
}

const DAY = 86_400_000;
const START = Date.parse('2025-12-01T05:00:00Z');

export async function measureBadges(
  world: DemoWorld,
  o: BadgeBenchOptions,
  log: (line: string) => void,
): Promise<BadgeBenchResult> {
  const db = world.core.db;
  const s = db.sqlite;
  const admin = world.as('admin');
  const rule = (r: Parameters<typeof admin<'badges.saveRule'>>[1]) => admin('badges.saveRule', r);
  await rule({
    name: '500 deliveries',
    role: 'driver',
    rule: 'count',
    kind: 'delivery',
    threshold: 500,
    period: 'ever',
    points: 200,
  });
  await rule({
    name: '40 in a week',
    role: 'driver',
    rule: 'count',
    kind: 'delivery',
    threshold: 40,
    period: 'week',
    points: 50,
  });
  await rule({
    name: '20 on time',
    role: 'driver',
    rule: 'streak',
    kind: 'on_time_trip',
    threshold: 20,
    period: 'ever',
    points: 100,
  });
  await rule({
    name: '80 a month',
    role: 'sales_rep',
    rule: 'count',
    kind: 'order_delivered',
    threshold: 80,
    period: 'month',
    points: 100,
  });
  await rule({
    name: 'Rep of the week',
    role: 'sales_rep',
    rule: 'top',
    kind: 'order_delivered',
    threshold: 1,
    period: 'week',
    points: 100,
  });

  // People: seeded rows (a password hash each through users.create would be the seed's cost).
  const shop = world.branch.SH01;
  const addUser = s.prepare(
    `INSERT INTO users (id, branch_id, username, display_name, role, password_hash)
     VALUES (?, ?, ?, ?, ?, 'x')`,
  );
  const drivers: string[] = [];
  const reps: string[] = [];
  s.transaction(() => {
    for (let i = 0; i < o.perRole; i++) {
      addUser.run(`bd-${i}`, shop, `bench-driver-${i}`, `Driver ${i}`, 'driver');
      addUser.run(`br-${i}`, shop, `bench-rep-${i}`, `Rep ${i}`, 'sales_rep');
      drivers.push(`bd-${i}`);
      reps.push(`br-${i}`);
    }
  })();
  const demoDriver = (
    s.prepare(`SELECT id FROM users WHERE username = 'driver'`).get() as { id: string }
  ).id;
  drivers.push(demoDriver);

  const random = rng(16);
  let n = 0;
  const id = (at: number) => `${String(at).padStart(14, '0')}-${String(++n).padStart(8, '0')}`;
  const work = (person: string, kind: WorkKind, ref: string, at: number, value: 0 | 1 = 1) =>
    credit(db, envelope(id(at), at), { personId: person, kind, ref, at, value });
  const returns: { person: string; kind: WorkKind; ref: string; at: number }[] = [];
  const oneDay = (d: number, scale = 1) => {
    const base = START + d * DAY;
    // A person's work reaches head office in the order it was done (their own PC pushes it in
    // order); people's work interleaves.
    const times = (n: number) =>
      Array.from({ length: n }, () => base + Math.floor(random() * 10 * 3_600_000)).sort(
        (a, b) => a - b,
      );
    for (const p of drivers) {
      times(Math.round(o.deliveriesPerDay * scale * (0.5 + random()))).forEach((at, k) => {
        const ref = `ord-${p}-${d}-${k}`;
        work(p, 'delivery', ref, at);
        if (random() < 0.01) returns.push({ person: p, kind: 'delivery', ref, at: at + 2 * DAY });
      });
      work(p, 'on_time_trip', `trip-${p}-${d}`, base + 11 * 3_600_000, random() < 0.93 ? 1 : 0);
    }
    for (const p of reps) {
      times(Math.round(o.ordersPerDay * scale * (0.5 + random()))).forEach((at, k) =>
        work(p, 'order_delivered', `ord-${p}-${d}-${k}`, at),
      );
      if (random() < 0.2) work(p, 'new_customer', `cust-${p}-${d}`, base + 9 * 3_600_000);
    }
    // Goods come back two days after they were delivered.
    const due = returns.filter((r) => r.at < base + DAY);
    returns.splice(0, returns.length, ...returns.filter((r) => r.at >= base + DAY));
    for (const r of due)
      voidCredit(db, envelope(id(r.at), r.at), {
        personId: r.person,
        kind: r.kind,
        ref: r.ref,
        at: r.at,
      });
  };
  const t0 = performance.now();
  for (let d = 0; d < o.days; d++) {
    s.transaction(() => oneDay(d))();
    if (d % 30 === 29) process.stderr.write(`  badges: day ${d + 1} of ${o.days}\n`);
  }
  const seedS = (performance.now() - t0) / 1000;
  const credits = (s.prepare('SELECT count(*) AS n FROM work_credits').get() as { n: number }).n;
  log(
    `  badges: ${fmtInt(credits)} credits of ${fmtInt(drivers.length + reps.length)} people seeded in ${seedS.toFixed(1)} s`,
  );

  // The leaderboards people open: any week or month of the year, both roles, whole or around.
  const samples: number[] = [];
  const day = (k: number) => new Date(START + k * DAY).toISOString().slice(0, 10);
  for (let i = 0; i < o.calls + 20; i++) {
    const role = i % 2 === 0 ? 'driver' : 'sales_rep';
    const input = {
      role,
      period: random() < 0.5 ? 'week' : 'month',
      day: day(Math.floor(random() * o.days)),
      around: random() < 0.5,
    } as const;
    const as = role === 'driver' && input.around ? world.as('driver') : admin;
    const t = performance.now();
    await as('badges.leaderboard', input);
    if (i >= 20) samples.push(performance.now() - t);
  }
  const leaderboard = summarize(samples);

  // A day's sync: 50,000 credit-writing events, applied (and settled) in one transaction.
  const perPerson = o.syncEvents / (drivers.length + reps.length);
  const before = credits;
  const t1 = performance.now();
  // Settled as applyOrdered does: each person's kind once, at the end of the page.
  s.transaction(() =>
    settlingOnce(db, () => oneDay(o.days, perPerson / ((o.deliveriesPerDay + o.ordersPerDay) / 2))),
  )();
  const evalS = (performance.now() - t1) / 1000;
  const synced =
    (s.prepare('SELECT count(*) AS n FROM work_credits').get() as { n: number }).n - before;
  const snapshot = () =>
    JSON.stringify(
      s.prepare('SELECT * FROM badge_awards ORDER BY person_id, rule_id, period').all(),
    );
  const kept = snapshot();
  const t2 = performance.now();
  s.transaction(() => settleAwards(db, ['*']))();
  const settleAllS = (performance.now() - t2) / 1000;
  // Kept one credit at a time, or settled from scratch: the same rows.
  const settleAllSame = snapshot() === kept;
  const awards = (s.prepare('SELECT count(*) AS n FROM badge_awards').get() as { n: number }).n;
  const rows: Row[] = [
    { measure: 'badges: credits seeded (a year)', value: fmtInt(credits) },
    { measure: 'badges: awards kept', value: fmtInt(awards) },
    {
      measure: 'leaderboard p95 (week/month, whole/around)',
      value: fmtMs(leaderboard.p95),
      target: `< ${BADGE_TARGET.leaderboardP95} ms`,
      pass: leaderboard.p95 < BADGE_TARGET.leaderboardP95,
    },
    {
      measure: `badge eval: a day's sync (${fmtInt(synced)} credits)`,
      value: `${evalS.toFixed(2)} s`,
      target: `< ${BADGE_TARGET.evalS} s`,
      pass: evalS < BADGE_TARGET.evalS,
    },
    { measure: 'badges: settle everyone from scratch', value: `${settleAllS.toFixed(2)} s` },
    {
      measure: 'badges: kept per credit = settled from scratch',
      value: settleAllSame ? 'same' : 'differ',
      pass: settleAllSame,
    },
  ];
  return {
    credits,
    awards,
    seedS: round(seedS, 1),
    leaderboard,
    evalS,
    settleAllS,
    settleAllSame,
    rows,
  };
}
