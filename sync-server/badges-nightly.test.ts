// Head office's nightly badges run: a 'top' rule's week that ended (and its three days of grace)
// is settled once per slot however many times the slot fires, and not again on the next night;
// the winners' awards are final and reach a shop with the next round.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRows } from '../core/db/rows';
import { periodsOf } from '../core/locale/day';
import { noon, put } from '../core/badges/testing';
import { BADGES_LEASE, badgesNightly } from './badges-nightly';
import { startWorld, type World } from './testing/world';

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.close());

const DAY = 86_400_000;

describe('the nightly badges run', () => {
  it("settles a week's most once, after its grace", async () => {
    const rule = await w.admin('badges.saveRule', {
      name: 'Driver of the week',
      role: 'driver',
      rule: 'top',
      kind: 'delivery',
      threshold: 1,
      period: 'week',
      points: 100,
    });
    const db = w.server.replica.core.db;
    // Three weeks ago: ended, and its grace passed. Today's work is in a week not yet ended.
    const then = new Date(Date.now() - 21 * DAY).toISOString().slice(0, 10);
    const today = new Date().toISOString().slice(0, 10);
    put(db, 'n-1', { personId: 'drv-a', kind: 'delivery', ref: 'o1', at: noon(then) });
    put(db, 'n-2', { personId: 'drv-a', kind: 'delivery', ref: 'o2', at: noon(then, 5) });
    put(db, 'n-3', { personId: 'drv-b', kind: 'delivery', ref: 'o3', at: noon(then) });
    put(db, 'n-4', { personId: 'drv-b', kind: 'delivery', ref: 'o4', at: noon(today) });

    const nightly = badgesNightly({
      replica: w.server.replica,
      leases: w.server.hub.store.leases,
      holder: 'test-process',
      log: () => undefined,
    });
    const slot = Date.now();
    await nightly.run(slot);
    await nightly.run(slot); // the same slot fired again: done already
    await nightly.run(slot + DAY); // the next night: nothing left to settle there
    nightly.stop();
    const lease = (await w.server.hub.store.leases.all()).find((l) => l.name === BADGES_LEASE);
    expect(lease?.doneSlot).toBe(slot + DAY);

    const week = periodsOf(then).week;
    const settled = parseRows(
      z.object({ payload: z.string() }),
      db.sqlite
        .prepare(
          `SELECT payload FROM events WHERE type = 'badges.settled'
         AND json_extract(payload, '$.period') = ?`,
        )
        .all(week),
    );
    expect(settled).toHaveLength(1);
    expect(JSON.parse(settled[0]!.payload)).toMatchObject({
      ruleId: rule!.id,
      winners: [{ personId: 'drv-a', count: 2 }],
    });
    const awards = db.sqlite
      .prepare(`SELECT person_id AS p, period, final FROM badge_awards WHERE rule_id = ?`)
      .all(rule!.id);
    expect(awards).toEqual([{ p: 'drv-a', period: week, final: 1 }]);
    // The current week is not settled before it ends and its grace passes.
    expect(
      db.sqlite
        .prepare(
          `SELECT count(*) AS n FROM events WHERE type = 'badges.settled'
           AND json_extract(payload, '$.period') = ?`,
        )
        .get(periodsOf(today).week),
    ).toEqual({ n: 0 });
  });
});
