// The badges benchmark at a tiny scale, so it keeps working: a month of work for 10 people
// through the real credit calls, leaderboards through the contract, a day's sync settled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemo, type DemoWorld } from '../testing/demo';
import { measureBadges, type BadgeBenchResult } from './badges';

let w: DemoWorld;
let result: BadgeBenchResult;
beforeAll(async () => {
  w = await openDemo();
  result = await measureBadges(
    w,
    { perRole: 5, days: 35, deliveriesPerDay: 4, ordersPerDay: 2, syncEvents: 500, calls: 20 },
    () => undefined,
  );
}, 120_000);
afterAll(() => w.core.close());

describe('the badges benchmark', () => {
  it('seeds work, measures the leaderboard and a day of settling, and keeps awards', () => {
    expect(result.credits).toBeGreaterThan(500);
    expect(result.awards).toBeGreaterThan(0);
    expect(result.leaderboard.n).toBe(20);
    expect(result.leaderboard.p95).toBeGreaterThan(0);
    expect(result.evalS).toBeGreaterThan(0);
    expect(result.rows.map((r) => r.measure)).toContain(
      'leaderboard p95 (week/month, whole/around)',
    );
    // Settling everyone from scratch changed nothing the credits had already settled.
    expect(result.settleAllSame).toBe(true);
    const held = w.core.db.sqlite
      .prepare(`SELECT count(*) AS n FROM badge_awards WHERE status = 'held'`)
      .get() as { n: number };
    expect(held.n).toBeGreaterThan(0);
  });
});
