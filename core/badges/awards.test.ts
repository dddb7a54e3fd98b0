// Count and streak awards as a pure function of the credits (decision 0034): examples, then a
// property over random work applied in random orders and settled again in random parts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDemo, type DemoWorld } from '../testing/demo';
import type { WorkKind } from '../vocabulary';
import { settleAwards, settlingOnce } from './awards';
import { awardsOf, noon, put } from './testing';
import { rng as prng } from '../bench/stats';

let w: DemoWorld;
beforeEach(async () => {
  w = await openDemo();
});
afterEach(() => w.core.close());

const db = () => w.core.db;
const rule = (input: {
  name: string;
  role?: 'driver' | 'sales_rep';
  rule: 'count' | 'streak' | 'top';
  kind?: WorkKind;
  threshold: number;
  period: 'ever' | 'week' | 'month';
  points?: number;
}) =>
  w.as('admin')('badges.saveRule', {
    role: 'driver',
    kind: 'delivery',
    points: 50,
    ...input,
  });
const held = (ruleId: string) =>
  awardsOf(db())
    .filter((a) => a.ruleId === ruleId)
    .map((a) => [a.personId, a.period, a.status, a.earnedBy]);

describe('count badges', () => {
  it('are held once the threshold is met, from the credit that met it; a repeat credit does not count', async () => {
    const r = (await rule({ name: 'Ten', rule: 'count', threshold: 3, period: 'ever' }))!;
    put(db(), 'e1', { personId: 'p1', kind: 'delivery', ref: 'o1', at: noon('2026-03-02') });
    put(db(), 'e2', { personId: 'p1', kind: 'delivery', ref: 'o2', at: noon('2026-03-03') });
    put(db(), 'e2b', { personId: 'p1', kind: 'delivery', ref: 'o2', at: noon('2026-03-04') });
    expect(held(r.id)).toEqual([]);
    put(db(), 'e3', { personId: 'p1', kind: 'delivery', ref: 'o3', at: noon('2026-03-05') });
    expect(held(r.id)).toEqual([['p1', 'ever', 'held', 'e3']]);
    // Work of another kind, or another person's, is not this badge's.
    put(db(), 'e4', { personId: 'p2', kind: 'on_time_trip', ref: 't1', at: noon('2026-03-05') });
    expect(held(r.id)).toEqual([['p1', 'ever', 'held', 'e3']]);
  });

  it('are withdrawn, visibly, when goods come back, and held again when the work is done again', async () => {
    const r = (await rule({ name: 'Two', rule: 'count', threshold: 2, period: 'ever' }))!;
    put(db(), 'e1', { personId: 'p1', kind: 'delivery', ref: 'o1', at: noon('2026-03-02') });
    put(db(), 'e2', { personId: 'p1', kind: 'delivery', ref: 'o2', at: noon('2026-03-03') });
    expect(held(r.id)).toEqual([['p1', 'ever', 'held', 'e2']]);
    put(db(), 'r1', {
      personId: 'p1',
      kind: 'delivery',
      ref: 'o2',
      at: noon('2026-03-04'),
      voids: true,
    });
    expect(held(r.id)).toEqual([['p1', 'ever', 'withdrawn', 'e2']]);
    // Taking back what was never credited writes nothing.
    put(db(), 'r2', {
      personId: 'p1',
      kind: 'delivery',
      ref: 'o9',
      at: noon('2026-03-04'),
      voids: true,
    });
    expect(
      db().sqlite.prepare(`SELECT count(*) AS n FROM work_credits WHERE event_id = 'r2'`).get(),
    ).toEqual({ n: 0 });
    put(db(), 'e3', { personId: 'p1', kind: 'delivery', ref: 'o3', at: noon('2026-03-05') });
    expect(held(r.id)).toEqual([['p1', 'ever', 'held', 'e2']]);
    // The same order delivered again after its return counts again.
    put(db(), 'r3', {
      personId: 'p1',
      kind: 'delivery',
      ref: 'o3',
      at: noon('2026-03-06'),
      voids: true,
    });
    expect(held(r.id)[0]?.[2]).toBe('withdrawn');
    put(db(), 'e4', { personId: 'p1', kind: 'delivery', ref: 'o3', at: noon('2026-03-07') });
    expect(held(r.id)[0]?.[2]).toBe('held');
  });

  it('count per ISO week and per month across a year end', async () => {
    const week = (await rule({ name: 'Week', rule: 'count', threshold: 3, period: 'week' }))!;
    const month = (await rule({ name: 'Month', rule: 'count', threshold: 2, period: 'month' }))!;
    // Monday 28 December 2026 to Sunday 3 January 2027 is ISO week 2026-W53.
    for (const [i, day] of ['2026-12-27', '2026-12-29', '2026-12-31', '2027-01-02'].entries())
      put(db(), `e${i}`, { personId: 'p1', kind: 'delivery', ref: `o${i}`, at: noon(day) });
    expect(held(week.id)).toEqual([['p1', '2026-W53', 'held', 'e3']]);
    expect(held(month.id)).toEqual([['p1', '2026-12', 'held', 'e1']]);
    put(db(), 'e4', { personId: 'p1', kind: 'delivery', ref: 'o4', at: noon('2027-01-04') });
    put(db(), 'e5', { personId: 'p1', kind: 'delivery', ref: 'o5', at: noon('2027-01-10') });
    expect(held(month.id)).toEqual([
      ['p1', '2026-12', 'held', 'e1'],
      ['p1', '2027-01', 'held', 'e4'],
    ]);
    expect(held(week.id)).toHaveLength(1);
  });

  it('a return in the next week withdraws the week the work was credited to', async () => {
    const week = (await rule({ name: 'Week', rule: 'count', threshold: 2, period: 'week' }))!;
    put(db(), 'e1', { personId: 'p1', kind: 'delivery', ref: 'o1', at: noon('2026-12-29') });
    put(db(), 'e2', { personId: 'p1', kind: 'delivery', ref: 'o2', at: noon('2027-01-02') });
    expect(held(week.id)).toEqual([['p1', '2026-W53', 'held', 'e2']]);
    // Monday 4 January 2027 is in the next week; the goods of Saturday's order come back.
    put(db(), 'r2', {
      personId: 'p1',
      kind: 'delivery',
      ref: 'o2',
      at: noon('2027-01-04'),
      voids: true,
    });
    expect(held(week.id)).toEqual([['p1', '2026-W53', 'withdrawn', 'e2']]);
    const kept = awardsOf(db());
    db().sqlite.transaction(() => settleAwards(db(), ['*']))();
    expect(awardsOf(db())).toEqual(kept);
  });
});

describe('streak badges', () => {
  it('need the work in a row: a late trip breaks it', async () => {
    const r = (await rule({
      name: 'On time x3',
      rule: 'streak',
      kind: 'on_time_trip',
      threshold: 3,
      period: 'ever',
    }))!;
    const trip = (id: string, day: string, value: 0 | 1) =>
      put(db(), id, { personId: 'd1', kind: 'on_time_trip', ref: `t-${id}`, at: noon(day), value });
    trip('a', '2026-05-04', 1);
    trip('b', '2026-05-05', 1);
    trip('c', '2026-05-06', 0);
    trip('d', '2026-05-07', 1);
    trip('e', '2026-05-08', 1);
    expect(held(r.id)).toEqual([]);
    trip('f', '2026-05-09', 1);
    expect(held(r.id)).toEqual([['d1', 'ever', 'held', 'f']]);
    // A late trip afterwards does not take back a streak already made.
    trip('g', '2026-05-10', 0);
    expect(held(r.id)).toEqual([['d1', 'ever', 'held', 'f']]);
  });

  it('are the same whatever order the trips arrive in (ordered by when they were done)', async () => {
    const r = (await rule({
      name: 'Run',
      rule: 'streak',
      kind: 'on_time_trip',
      threshold: 2,
      period: 'ever',
    }))!;
    // Folded late first: the late trip of the 6th sits between the two on-time ones.
    put(db(), 'z', {
      personId: 'd1',
      kind: 'on_time_trip',
      ref: 't3',
      at: noon('2026-05-07'),
      value: 1,
    });
    put(db(), 'y', {
      personId: 'd1',
      kind: 'on_time_trip',
      ref: 't1',
      at: noon('2026-05-05'),
      value: 1,
    });
    expect(held(r.id)).toEqual([['d1', 'ever', 'held', 'z']]);
    put(db(), 'x', {
      personId: 'd1',
      kind: 'on_time_trip',
      ref: 't2',
      at: noon('2026-05-06'),
      value: 0,
    });
    expect(held(r.id)).toEqual([]);
  });
});

describe('exactly once', () => {
  it('random work in any order, settled again in any parts, gives the same rows', async () => {
    await rule({ name: 'Count 4', rule: 'count', threshold: 4, period: 'ever', points: 5 });
    await rule({ name: 'Week 3', rule: 'count', threshold: 3, period: 'week', points: 7 });
    await rule({ name: 'Month 2', rule: 'count', threshold: 2, period: 'month' });
    await rule({
      name: 'Streak 3',
      rule: 'streak',
      kind: 'on_time_trip',
      threshold: 3,
      period: 'ever',
    });
    await rule({
      name: 'Streak wk',
      rule: 'streak',
      kind: 'on_time_trip',
      threshold: 2,
      period: 'week',
    });
    const s = db().sqlite;
    for (let seed = 1; seed <= 30; seed++) {
      const random = prng(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
      type Op = {
        id: string;
        personId: string;
        kind: WorkKind;
        ref: string;
        at: number;
        value: 0 | 1;
        voids?: boolean;
      };
      const ops: Op[] = [];
      const days = [
        '2026-12-24',
        '2026-12-28',
        '2026-12-30',
        '2027-01-01',
        '2027-01-04',
        '2027-01-05',
      ];
      for (let i = 0; i < 40; i++) {
        const kind = pick(['delivery', 'on_time_trip'] as const);
        const op: Op = {
          id: `s${seed}-${String(i).padStart(3, '0')}`,
          personId: pick(['p1', 'p2', 'p3']),
          kind,
          ref: `r${Math.floor(random() * 14)}`,
          // Ties in time on purpose: the event id orders them.
          at: noon(pick(days), Math.floor(random() * 3)),
          value: kind === 'on_time_trip' && random() < 0.25 ? 0 : 1,
        };
        ops.push(op);
        if (random() < 0.2)
          ops.push({
            ...op,
            id: `${op.id}v`,
            at: op.at + Math.floor(random() * 3) * 86_400_000,
            voids: true,
          });
      }
      // A return is folded after the work it takes back: held back until then.
      const apply = (order: Op[], batched = false) => {
        s.prepare('DELETE FROM work_credits').run();
        s.prepare('DELETE FROM badge_awards').run();
        const done = new Set<string>();
        const waiting: Op[] = [];
        const run = (op: Op) => {
          put(db(), op.id, op);
          done.add(op.id);
        };
        const step = (op: Op) => {
          if (op.voids && !done.has(op.id.slice(0, -1))) waiting.push(op);
          else run(op);
          for (const v of waiting.splice(0).filter((v) => !done.has(v.id)))
            if (done.has(v.id.slice(0, -1))) run(v);
            else waiting.push(v);
        };
        // One at a time, or in pages of random length settled once at their end (applyOrdered).
        for (let i = 0; i < order.length;) {
          const page = order.slice(i, (i += batched ? 1 + Math.floor(random() * 12) : 1));
          if (batched) s.transaction(() => settlingOnce(db(), () => page.forEach(step)))();
          else page.forEach(step);
        }
        return awardsOf(db());
      };
      const reference = apply(ops);
      expect(reference.length, `seed ${seed}`).toBeGreaterThan(0);
      // From scratch, everyone at once, gives the same.
      s.prepare('DELETE FROM badge_awards').run();
      s.transaction(() => settleAwards(db(), ['*']))();
      expect(awardsOf(db()), `seed ${seed} from scratch`).toEqual(reference);
      for (let k = 0; k < 3; k++) {
        const shuffled = [...ops].sort(() => random() - 0.5);
        expect(apply(shuffled), `seed ${seed} order ${k}`).toEqual(reference);
        expect(apply(shuffled, true), `seed ${seed} order ${k} in pages`).toEqual(reference);
        // Settled again, in random parts, any number of times: nothing changes.
        for (let part = 0; part < 3; part++) {
          const persons = ['p1', 'p2', 'p3'].filter(() => random() < 0.5);
          s.transaction(() => settleAwards(db(), persons))();
        }
        s.transaction(() => settleAwards(db(), ['*']))();
        expect(awardsOf(db()), `seed ${seed} resettled ${k}`).toEqual(reference);
      }
    }
  });
});
