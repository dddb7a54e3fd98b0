// One run of the sync model and what must hold after it, shared by the SQLite and PostgreSQL tests.
import { and, count, eq, isNull, type SQL } from 'drizzle-orm';
import { expect } from 'vitest';
import { z } from 'zod';
import { parseRows } from '../../core/db/rows';
import {
  customers,
  events,
  loyaltyMovements,
  paymentSlips,
  refusedEvents,
  variants,
} from '../../core/db/schema';
import { ledgerMismatches, pointsMismatches, stateHash } from '../../core/db/stateHash';
import { differenceFromFreshFold, freshFoldHash } from './fold';
import { deliverEverything, expected, run, type Op } from './model-ops';
import type { Db } from '../../core/db/open';
import { expectNoForgeryAnywhere } from './model-forge';
import { settleAwards } from '../../core/badges/awards';
import { storedAndRecounted, summedDefs } from '../../core/analytics/aggregates';
import type { ModelWorld, Template } from './model-world';

const priceOf = (db: Db, variantId: string) =>
  db.orm.select({ price: variants.price }).from(variants).where(eq(variants.id, variantId)).get()
    ?.price;

/** Accounts (a customer with those merged into it) whose points sum below zero, by hand. */
function accountsBelowZero(db: Db): string[] {
  const rows = db.orm
    .select({ id: customers.id, mergedInto: customers.mergedInto })
    .from(customers)
    .all();
  const into = new Map(rows.map((r) => [r.id, r.mergedInto]));
  const root = (id: string): string => {
    let at = id;
    for (let hops = 0; hops < 32 && into.get(at); hops++) at = into.get(at)!;
    return at;
  };
  const sums = new Map<string, number>();
  for (const m of db.orm
    .select({ customerId: loyaltyMovements.customerId, points: loyaltyMovements.points })
    .from(loyaltyMovements)
    .all())
    sums.set(root(m.customerId), (sums.get(root(m.customerId)) ?? 0) + m.points);
  return [...sums].filter(([, points]) => points < 0).map(([id]) => id);
}

export async function runAndCheck(w: ModelWorld, template: Template, ops: Op[]): Promise<void> {
  // The price head office set last in real time, per variant: it must win everywhere.
  const lastPrice = new Map<string, number>();
  for (const o of ops) {
    try {
      await run(w, template, o);
      if (o.kind === 'price') lastPrice.set(template.variants[o.variant]!, o.price);
    } catch (e) {
      if (!expected(e)) throw e;
    }
  }
  await deliverEverything(w);
  expectNoForgeryAnywhere(w);
  const replicas = [...w.servers().map((s) => s.replica.core), ...w.sites.map((s) => s.core)];
  for (const core of replicas)
    for (const [variantId, price] of lastPrice)
      expect({ variantId, price: priceOf(core.db, variantId) }).toEqual({ variantId, price });
  // An event a PC took back after head office refused it is applied nowhere.
  for (const s of w.sites) {
    const refused = s.core.db.orm
      .select({ id: refusedEvents.eventId })
      .from(refusedEvents)
      .all()
      .map((r) => r.id);
    for (const core of replicas)
      expect(
        refused.filter((id) => core.db.sqlite.prepare('SELECT 1 FROM events WHERE id = ?').get(id)),
      ).toEqual([]);
  }
  // A purchase line never holds more than was ordered (no tolerance here), however many PCs
  // received it offline, and what it holds is what its receipts brought.
  for (const core of replicas)
    expect(
      core.db.sqlite
        .prepare(
          `SELECT l.order_id, l.line_no, l.quantity, l.received,
             (SELECT coalesce(sum(r.quantity), 0) FROM purchase_receipt_lines r
              WHERE r.order_id = l.order_id AND r.line_no = l.line_no) AS brought
           FROM purchase_order_lines l WHERE l.received > l.quantity OR l.received <> brought`,
        )
        .all(),
    ).toEqual([]);
  // Every invoice a replica holds the upload of has its file there too (the PC that uploaded it
  // and head office), and no supplier's number is posted twice.
  for (const core of replicas) {
    const files = parseRows(
      z.object({ hash: z.string() }),
      core.db.sqlite
        .prepare(`SELECT file_hash AS hash FROM supplier_invoices WHERE file_hash IS NOT NULL`)
        .all(),
    );
    expect(files.filter(({ hash }) => !core.files.has(hash))).toEqual([]);
    expect(
      core.db.sqlite
        .prepare(
          `SELECT supplier_id, number_key, count(*) AS n FROM supplier_invoices WHERE status = 'posted'
           GROUP BY supplier_id, number_key HAVING n > 1`,
        )
        .all(),
    ).toEqual([]);
  }
  // On the road (issue 16): what a branch reserves is exactly its open customers' orders not yet
  // delivered; an order has at most one proof, and every delivered stop has it; a proof's files
  // reached every PC that holds it; and the badges every replica holds are what its credits and
  // rules say now (settling them all again changes nothing), so no award is doubled or stale.
  for (const core of replicas) {
    const db = core.db.sqlite;
    expect(
      db
        .prepare(
          `WITH want AS (
             SELECT o.branch_id AS branch, l.variant_id AS variant, sum(l.quantity) AS qty
               FROM customer_orders o JOIN customer_order_lines l ON l.order_id = o.id
              WHERE o.status = 'open' AND NOT EXISTS (SELECT 1 FROM trip_stops s
                    WHERE s.order_id = o.id AND s.status = 'delivered')
              GROUP BY o.branch_id, l.variant_id),
           have AS (
             SELECT m.branch_id AS branch, m.variant_id AS variant, sum(m.reserved) AS qty
               FROM stock_movements m
              WHERE m.order_id IN (SELECT id FROM customer_orders)
              GROUP BY m.branch_id, m.variant_id)
           SELECT coalesce(w.branch, h.branch) AS branch, coalesce(w.variant, h.variant) AS variant,
                  coalesce(w.qty, 0) AS want, coalesce(h.qty, 0) AS have
             FROM want w FULL OUTER JOIN have h ON h.branch = w.branch AND h.variant = w.variant
            WHERE coalesce(w.qty, 0) <> coalesce(h.qty, 0)`,
        )
        .all(),
    ).toEqual([]);
    expect(
      db
        .prepare(
          `SELECT s.trip_id, s.order_id FROM trip_stops s
            WHERE (s.status = 'delivered') <> EXISTS (SELECT 1 FROM delivery_proofs p
                   WHERE p.order_id = s.order_id AND p.trip_id = s.trip_id)`,
        )
        .all(),
    ).toEqual([]);
    const proofFiles = parseRows(
      z.object({ hash: z.string() }),
      db
        .prepare(
          `SELECT signature_file AS hash FROM delivery_proofs
           UNION SELECT photo_file FROM delivery_proof_lines WHERE photo_file IS NOT NULL`,
        )
        .all(),
    );
    expect(proofFiles.filter(({ hash }) => !core.files.has(hash))).toEqual([]);
    const awards = () =>
      db.prepare('SELECT * FROM badge_awards ORDER BY person_id, rule_id, period').all();
    const before = awards();
    db.exec('SAVEPOINT settle_again');
    settleAwards(core.db, ['*']);
    const after = awards();
    db.exec('ROLLBACK TO settle_again');
    db.exec('RELEASE settle_again');
    expect(after).toEqual(before);
    // The dashboards' aggregates and the stock balances are what their sources recount to (a
    // fresh fold writes those).
    for (const def of summedDefs) {
      const { stored, recounted } = storedAndRecounted(core.db, def);
      expect(stored, `${def.table} against its recount`).toEqual(recounted);
    }
  }
  const replica = w.server().replica.core;
  for (const s of w.sites) {
    const device = s.core.context().device!;
    const eventCount = (db: Db, where?: SQL) =>
      db.orm
        .select({ n: count() })
        .from(events)
        .where(and(eq(events.deviceId, device.id), where))
        .get()?.n;
    expect(eventCount(s.core.db, isNull(events.serverSeq))).toBe(0);
    // Every event this PC made is at head office exactly once.
    const made = eventCount(s.core.db);
    expect(eventCount(replica.db)).toBe(made);
    expect(ledgerMismatches(s.core.db)).toEqual([]);
    expect(pointsMismatches(s.core.db)).toEqual([]);
    // Every slip's file reached this PC (so head office has it too).
    const slipFiles = s.core.db.orm
      .selectDistinct({ hash: paymentSlips.fileHash })
      .from(paymentSlips)
      .all();
    expect(slipFiles.filter(({ hash }) => !s.core.files.has(hash))).toEqual([]);
    expect({
      site: s.code,
      differs: await differenceFromFreshFold(s.core.db, w.base(), s.token, device.branchId),
    }).toEqual({
      site: s.code,
      differs: [],
    });
    expect(stateHash(s.core.db)).toBe(await freshFoldHash(w.base(), s.token, device.branchId));
  }
  // Every head-office replica (one per server process) equals a fresh fold of everything.
  for (const server of w.servers()) {
    const core = server.replica.core;
    expect(ledgerMismatches(core.db)).toEqual([]);
    expect(pointsMismatches(core.db)).toEqual([]);
    // Every account below zero (two shops spent the same points offline) is on the admin's
    // report, and nothing else is: never corrected silently.
    const overdrawn = await w.hq<{ customerId: string; points: number }[]>(
      'loyalty.overdrawn',
      {},
      template.adminToken,
    );
    expect(overdrawn.result.map((r) => r.customerId).sort()).toEqual(
      accountsBelowZero(core.db).sort(),
    );
    expect(stateHash(core.db)).toBe(
      await freshFoldHash(w.base(), null, core.context().device!.branchId, server.hub),
    );
  }
}
