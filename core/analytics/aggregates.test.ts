// The dashboards' aggregates are what a recount of their sources gives (decision 0035): after
// random work through the contract (sales, returns, orders through every step, production and
// its reversal), after every aggregate is re-folded, and when a database written before them is
// filled. The sync model (sync-server/testing/model-check.ts) checks the same on every replica.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRow, parseRows } from '../db/rows';
import { followers } from '../events/registry';
import { refold } from '../sync/apply';
import { balanceOf } from '../stock/ledger';
import { tableHash } from '../db/stateHash';
import { openDemo, type DemoWorld } from '../testing/demo';
import { orderStatuses } from '../vocabulary';
import {
  aggregateDefs,
  fillAggregates,
  redayAll,
  storedAndRecounted,
  summingAtEnd,
  summedDefs,
  summingTriggers,
  tablesWrittenBy,
} from './aggregates';
import { rng as prng } from '../bench/stats';

let w: DemoWorld | undefined;
afterEach(() => w?.core.close());

const slip = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('slip'),
]).toString('base64');

function expectRecounted(world: DemoWorld, when: string) {
  for (const def of summedDefs) {
    const { stored, recounted } = storedAndRecounted(world.core.db, def);
    expect(stored, `${def.table} ${when}`).toEqual(recounted);
  }
}

/** The day and hour of a moment in a zone, by Intl directly. */
const dayHourIn = (ms: number, timeZone: string): [string, number] => {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const part = (t: string) => f.find((p) => p.type === t)!.value;
  return [`${part('year')}-${part('month')}-${part('day')}`, Number(part('hour'))];
};

const hashes = (world: DemoWorld) =>
  Object.fromEntries(summedDefs.map((d) => [d.table, tableHash(world.core.db, d.table)]));

/** Random work of every kind the aggregates sum; refusals (not enough stock…) are part of it. */
async function randomWork(world: DemoWorld, seed: number, steps: number): Promise<number> {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const variants = [world.variant['TS-WHT-M']!, world.variant['CUP-SML']!];
  const shops = ['shop1', 'shop2'] as const;
  for (const u of shops)
    for (const v of variants)
      await world.as(u)('stock.adjust', { variantId: v, quantity: 500, reason: 'count' });
  const sales: { id: string; by: (typeof shops)[number]; lines: number }[] = [];
  const orders: { id: string; total: number; qty: number; step: number }[] = [];
  const batches: string[] = [];
  const customer = (
    await world.as('admin')('customers.create', {
      branchId: world.branch.SH01,
      name: 'Abebe Kiosk',
    })
  ).id;
  let done = 0;
  for (let i = 0; i < steps; i++) {
    const roll = random();
    try {
      if (roll < 0.35) {
        const by = pick(shops);
        const lines = Array.from({ length: 1 + Math.floor(random() * 2) }, (_, k) => ({
          variantId: variants[k % 2]!,
          quantity: 1 + Math.floor(random() * 3),
        }));
        const sale = await world.as(by)('sales.record', {
          lines,
          payments: [{ method: pick(['cash', 'card', 'bank_transfer'] as const) }],
        });
        sales.push({ id: sale.id, by, lines: lines.length });
      } else if (roll < 0.45 && sales.length > 0) {
        const s = pick(sales);
        await world.as(s.by)('sales.return', {
          saleId: s.id,
          lines: [{ lineNo: 1 + Math.floor(random() * s.lines), quantity: 1 }],
          refunds: [{ method: 'cash' }],
          reason: 'changed mind',
        });
      } else if (roll < 0.6) {
        const qty = 1 + Math.floor(random() * 4);
        const o = await world.as('shop1')('orders.place', {
          lines: [{ variantId: pick(variants), quantity: qty }],
        });
        orders.push({ id: o.id, total: o.total, qty, step: 0 });
      } else if (roll < 0.85 && orders.length > 0) {
        const o = pick(orders);
        if (o.step === 0) {
          await world.as('shop1')('orders.attachSlip', {
            orderId: o.id,
            fileName: 'slip.png',
            contentBase64: slip,
          });
        } else if (o.step === 1) {
          await world.as('finance')('orders.verifyPayment', {
            orderId: o.id,
            amount: o.total,
            receivedOn: pick(['2026-11-30', '2026-12-01']),
            reference: `R-${i}`,
          });
        } else if (o.step === 2) {
          await world.as('factory')('orders.dispatch', { orderId: o.id, vehicle: 'AA 1' });
        } else if (o.step === 3) {
          await world.as('shop1')('orders.confirmDelivery', {
            orderId: o.id,
            lines: [{ lineNo: 1, received: o.qty }],
          });
        } else continue;
        o.step++;
      } else if (roll < 0.9 && orders.length > 0) {
        const o = pick(orders);
        await world.as('shop1')('orders.cancel', { orderId: o.id, reason: 'called off' });
        o.step = 9;
      } else if (roll < 0.93) {
        // A customer pays on account at the shop: money received, like the counter's.
        const method = pick(['cash', 'bank_transfer'] as const);
        await world.as('shop1')('field.recordPayment', {
          customerId: customer,
          amount: 100 * (1 + Math.floor(random() * 20)),
          method,
          ...(method === 'bank_transfer' && { reference: `T-${i}` }),
        });
      } else if (roll < 0.97 || batches.length === 0) {
        const b = await world.as('factory')('production.record', {
          variantId: pick(variants),
          quantity: 1 + Math.floor(random() * 9),
          producedOn: pick(['2026-11-29', '2026-11-30']),
        });
        batches.push(b.id);
      } else {
        const id = batches.splice(Math.floor(random() * batches.length), 1)[0]!;
        await world.as('factory')('production.reverse', { batchId: id, reason: 'counted twice' });
      }
      done++;
    } catch (e) {
      // A step no longer valid (an order already cancelled…) is refused: nothing is written.
      if (!(e instanceof Error) || !('code' in e)) throw e;
    }
  }
  return done;
}

describe('the aggregates', () => {
  it('equal a recount of their sources after random work, after any re-fold, and when filled', async () => {
    const statuses = new Set<string>();
    for (const seed of [1, 2, 3]) {
      w = await openDemo();
      const done = await randomWork(w, seed, 45);
      expect(done, `seed ${seed}: work done`).toBeGreaterThan(25);
      const db = w.core.db;
      // Something of every kind was summed.
      for (const def of summedDefs)
        expect(
          storedAndRecounted(db, def).stored.length,
          `seed ${seed}: ${def.table} has rows`,
        ).toBeGreaterThan(0);
      expect(
        parseRows(
          z.object({ n: z.number() }),
          db.sqlite
            .prepare(`SELECT count(*) AS n FROM received_by_day WHERE source LIKE 'account:%'`)
            .all(),
        )[0]?.n,
        `seed ${seed}: customers paid on account`,
      ).toBeGreaterThan(0);
      expectRecounted(w, `seed ${seed} after the work`);
      for (const r of parseRows(
        z.object({ status: z.string() }),
        db.sqlite.prepare('SELECT DISTINCT status FROM orders_by_day').all(),
      ))
        statuses.add(r.status);
      const before = hashes(w);

      // Every aggregate's events folded again (what sync does when they arrived out of order).
      const ids = parseRows(
        z.object({ id: z.string() }),
        db.sqlite
          .prepare('SELECT DISTINCT aggregate_id AS id FROM events WHERE aggregate_id IS NOT NULL')
          .all(),
      );
      db.sqlite.transaction(() => {
        for (const { id } of ids) refold(db, id);
      })();
      expectRecounted(w, `seed ${seed} after re-folds`);
      expect(hashes(w), `seed ${seed}: re-folds change nothing`).toEqual(before);

      // A database from before the aggregates: no days on its rows, empty tables, no mark.
      db.sqlite.transaction(() => {
        db.sqlite
          .exec(`UPDATE sales SET day = '', hour = 0; UPDATE sale_returns SET day = '', hour = 0;
          UPDATE orders SET day = '', paid_at = NULL; DELETE FROM meta WHERE key = 'analytics.filled'`);
        for (const def of aggregateDefs) db.sqlite.exec(`DELETE FROM ${def.table}`);
        fillAggregates(db);
      })();
      expect(hashes(w), `seed ${seed}: filled from the rows`).toEqual(before);
      // One filled before customers' payments counted: only their days are filled, and the sums.
      db.sqlite.transaction(() => {
        db.sqlite.exec(`UPDATE customer_account SET day = '';
          UPDATE meta SET value = '1' WHERE key = 'analytics.filled'`);
        for (const def of aggregateDefs) db.sqlite.exec(`DELETE FROM ${def.table}`);
        fillAggregates(db);
      })();
      expect(hashes(w), `seed ${seed}: accounts' days filled`).toEqual(before);

      // A new time zone: every row moves to its day there, and the sums follow.
      await w.as('admin')('company.save', { timeZone: 'America/New_York' });
      expectRecounted(w, `seed ${seed} in another zone`);
      const moved = parseRows(
        z.object({ at: z.number(), day: z.string(), hour: z.number() }),
        db.sqlite.prepare('SELECT sold_at AS at, day, hour FROM sales').all(),
      );
      expect(moved.length).toBeGreaterThan(0);
      for (const m of moved) expect([m.day, m.hour]).toEqual(dayHourIn(m.at, 'America/New_York'));
      const credits = parseRows(
        z.object({ at: z.number(), day: z.string() }),
        db.sqlite.prepare('SELECT at, day FROM work_credits').all(),
      );
      for (const c of credits) expect(c.day).toBe(dayHourIn(c.at, 'America/New_York')[0]);
      const account = parseRows(
        z.object({ at: z.number(), day: z.string() }),
        db.sqlite.prepare('SELECT at, day FROM customer_account').all(),
      );
      for (const a of account) expect(a.day).toBe(dayHourIn(a.at, 'America/New_York')[0]);
      w.core.close();
      w = undefined;
    }
    // Orders went through every step somewhere in the runs.
    expect([...statuses].sort()).toEqual([...orderStatuses].sort());
  });

  it('sum the rows a page summing at its end wrote, moved or deleted, as the triggers would have', async () => {
    for (const seed of [4, 5, 6]) {
      w = await openDemo();
      await randomWork(w, seed, 60);
      const db = w.core.db;
      const before = hashes(w);
      const random = prng(seed);
      const ids = parseRows(
        z.object({ id: z.string() }),
        db.sqlite
          .prepare(
            `SELECT aggregate_id AS id FROM events WHERE aggregate_id IS NOT NULL
             GROUP BY aggregate_id ORDER BY max(seq) DESC`,
          )
          .all(),
      ).map((r) => r.id);
      expect(ids.length, `seed ${seed}: aggregates`).toBeGreaterThan(20);
      const marks = () =>
        parseRows(
          z.object({ source: z.string(), mark: z.number() }),
          db.sqlite.prepare('SELECT source, mark FROM aggregate_marks').all(),
        );
      let marked = 0;
      // One page, summed at its end, folds again the newest aggregate first (its rows hold their
      // tables' highest rowids, which SQLite then gives out again: counted by the triggers at
      // once), then a random half of the rest: counted rows deleted, orders moved through their
      // steps again, new rows above the marks. A time-zone change in the middle recounts all. Some
      // are folded again at the end.
      const triggers = () =>
        db.sqlite
          .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`)
          .all();
      const allTriggers = triggers();
      let during: unknown[] = [];
      db.sqlite.transaction(() =>
        summingAtEnd(db, () => {
          marked = marks().length;
          during = triggers();
          const [newest, ...rest] = ids;
          refold(db, newest!);
          const half = rest.filter(() => random() < 0.5);
          for (const [i, id] of half.entries()) {
            refold(db, id);
            if (seed === 6 && i === Math.floor(half.length / 2)) {
              redayAll(db);
              for (const m of marks())
                expect(m.mark, `a recount counts every ${m.source} row so far`).toBe(
                  db.sqlite
                    .prepare(`SELECT coalesce(max(rowid), 0) FROM ${m.source}`)
                    .pluck()
                    .get(),
                );
            }
          }
          // Folded twice in one page (an order whose late step came with its others): rows
          // written above the marks are deleted again, and were never counted.
          for (const id of [newest!, ...half.filter(() => random() < 0.3)]) refold(db, id);
        }),
      )();
      expect(marked, `seed ${seed}: every source table marked`).toBe(
        new Set(summedDefs.flatMap((d) => d.parts.map((p) => p.source))).size,
      );
      expect(marks(), `seed ${seed}: no mark left`).toEqual([]);
      expect(during.length, 'the insert triggers are off during the page').toBe(
        allTriggers.length - summingTriggers(db).length,
      );
      expect(triggers(), `seed ${seed}: every trigger back as it was`).toEqual(allTriggers);
      expectRecounted(w, `seed ${seed} after a page summed at its end`);
      expect(hashes(w), `seed ${seed}: the same sums`).toEqual(before);
      w.core.close();
      w = undefined;
    }
  });

  it('sum exactly the tables the registry declares them followers of', () => {
    for (const def of summedDefs)
      expect(def.parts.map((p) => p.source).sort(), def.table).toEqual(
        Object.entries(followers)
          .filter(([, kept]) => kept.includes(def.table))
          .map(([source]) => source)
          .sort(),
      );
  });

  it('go without only triggers that add to aggregates, and sum and restore them when a page throws', async () => {
    w = await openDemo();
    await randomWork(w, 7, 30);
    const db = w.core.db;
    const aggregates = new Set(summedDefs.map((d) => d.table));
    const triggers = summingTriggers(db);
    // One per aggregate a source adds to (the sale lines' day and month are two).
    expect(triggers.length).toBe(summedDefs.reduce((n, d) => n + d.parts.length, 0));
    for (const t of triggers) {
      const written = tablesWrittenBy(t.sql);
      expect(written.length, t.name).toBeGreaterThan(0);
      for (const table of written)
        expect(aggregates.has(table), `${t.name} writes ${table}`).toBe(true);
    }
    const before = hashes(w);
    const X = w.variant['TS-WHT-M']!;
    const sale = parseRow(
      z.object({ id: z.string() }),
      db.sqlite.prepare('SELECT id FROM sales ORDER BY rowid DESC LIMIT 1').get(),
    )!;
    // A page that folds the newest sale again and then throws, caught inside the transaction,
    // which then commits: what it wrote is counted, and the triggers count again afterwards.
    db.sqlite.transaction(() => {
      expect(() =>
        summingAtEnd(db, () => {
          refold(db, sale.id);
          throw new Error('a step failed');
        }),
      ).toThrow('a step failed');
    })();
    expectRecounted(w, 'after a page that threw');
    expect(hashes(w)).toEqual(before);
    await w.as('shop1')('sales.record', {
      lines: [{ variantId: X, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    expectRecounted(w, 'after a sale outside a page');
    // Outside a transaction nothing is marked or dropped: the triggers count as always.
    summingAtEnd(db, () =>
      expect(db.sqlite.prepare('SELECT count(*) FROM aggregate_marks').pluck().get()).toBe(0),
    );
  });

  it('refuse a stock balance asked for inside a page that sums them at its end', async () => {
    w = await openDemo();
    const db = w.core.db;
    const factory = w.branch.FAC;
    const X = w.variant['TS-WHT-M']!;
    const outside = balanceOf(db, factory, X);
    expect(db.sqlite.transaction(() => summingAtEnd(db, () => balanceOf(db, factory, X)))).toThrow(
      /summed at the end of the page/,
    );
    // Inside a transaction but no such page, and after one: answered.
    expect(db.sqlite.transaction(() => balanceOf(db, factory, X))()).toEqual(outside);
    expect(balanceOf(db, factory, X)).toEqual(outside);
  });

  it('count a sale on its company day and hour, returns on theirs, and lose empty rows', async () => {
    w = await openDemo();
    const X = w.variant['TS-WHT-M']!;
    await w.as('shop1')('stock.adjust', { variantId: X, quantity: 20, reason: 'count' });
    const sale = await w.as('shop1')('sales.record', {
      lines: [{ variantId: X, quantity: 3 }],
      payments: [{ method: 'cash' }],
    });
    const db = w.core.db.sqlite;
    const row = parseRow(
      z.object({ day: z.string(), hour: z.number(), at: z.number() }),
      db.prepare('SELECT day, hour, sold_at AS at FROM sales WHERE id = ?').get(sale.id),
    )!;
    // Addis Ababa is UTC+3 all year.
    const local = new Date(row.at + 3 * 3_600_000);
    expect([row.day, row.hour]).toEqual([local.toISOString().slice(0, 10), local.getUTCHours()]);
    const byDay = () =>
      db
        .prepare('SELECT qty, lines, returned_qty AS back FROM sales_by_day WHERE variant_id = ?')
        .all(X);
    expect(byDay()).toEqual([{ qty: 3, lines: 1, back: 0 }]);
    await w.as('shop1')('sales.return', {
      saleId: sale.id,
      lines: [{ lineNo: 1, quantity: 2 }],
      refunds: [{ method: 'cash' }],
    });
    expect(byDay()).toEqual([{ qty: 3, lines: 1, back: 2 }]);
    const received = () =>
      db.prepare(`SELECT source, amount FROM received_by_day ORDER BY source`).all();
    expect(received()).toEqual([
      { source: 'refund:cash', amount: -(sale.total / 3) * 2 },
      { source: 'sale:cash', amount: sale.total },
    ]);
    // A re-fold takes every row out before it writes them again: rows it empties are gone.
    expect(() =>
      db.transaction(() => {
        db.prepare(`INSERT INTO meta (key, value) VALUES ('rebasing', '1')`).run();
        db.pragma('defer_foreign_keys = ON');
        db.prepare('DELETE FROM sale_returns').run();
        db.prepare('DELETE FROM sales').run();
        expect(byDay()).toEqual([]);
        expect(received()).toEqual([]);
        expect(db.prepare('SELECT count(*) AS n FROM sales_by_hour').get()).toEqual({ n: 0 });
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(byDay()).toEqual([{ qty: 3, lines: 1, back: 2 }]);
  });
});
