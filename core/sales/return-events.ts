// A return of a counter sale as an event, and what a return is worth. Some or all of a sale's
// lines go back on the shelf of the shop that takes them, the money back by methods the sale was
// paid by, the points the returned lines earned taken back and the points the sale redeemed
// given back in proportion. Several partial returns add up exactly to the whole (cumulative
// shares). A return is a later step of its sale: the same receipt returned at two offline shops
// folds in head office's order, and the one that goes beyond what was sold becomes a conflict
// for an admin (decision 0030).
import { z } from 'zod';
import * as num from '../events/numbers';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError, validationError } from '../errors';
import { defineEvent, ledgerWrite } from '../events/define';
import { pointsWrite } from '../loyalty/events';
import { pointsMove } from '../loyalty/ledger';
import { move } from '../stock/ledger';
import { companyDayAndHour } from '../locale/day';
import { paymentMethods } from '../vocabulary';
import { returnedShare } from './pricing';

const soldLine = z.object({
  lineNo: z.number().int(),
  variantId: z.string(),
  quantity: z.number().int(),
  lineTotal: z.number().int(),
  tax: z.number().int(),
  returned: z.number().int(),
});
type SoldLine = z.infer<typeof soldLine>;

const soldSale = z.object({
  id: z.string(),
  number: z.string(),
  branchId: z.string(),
  customerId: z.string().nullable(),
  total: z.number().int(),
  pointsEarned: z.number().int(),
  pointsRedeemed: z.number().int(),
  soldAt: z.number().int(),
});
type SoldSale = z.infer<typeof soldSale>;

export const saleByNumber = (db: Db, number: string): SoldSale | undefined =>
  parseRow(
    soldSale,
    db.sqlite
      .prepare(
        `SELECT id, number, branch_id AS branchId, customer_id AS customerId, total, points_earned AS pointsEarned,
              points_redeemed AS pointsRedeemed, sold_at AS soldAt FROM sales WHERE number = ? OR id = ?`,
      )
      .get(number, number),
  );

export const saleById = (db: Db, saleId: string): SoldSale | undefined =>
  parseRow(
    soldSale,
    db.sqlite
      .prepare(
        `SELECT id, number, branch_id AS branchId, customer_id AS customerId, total, points_earned AS pointsEarned,
              points_redeemed AS pointsRedeemed, sold_at AS soldAt FROM sales WHERE id = ?`,
      )
      .get(saleId),
  );

/** Each line of a sale with how many of it came back so far. */
export const soldLines = (db: Db, saleId: string): SoldLine[] =>
  parseRows(
    soldLine,
    db.sqlite
      .prepare(
        `SELECT l.line_no AS lineNo, l.variant_id AS variantId, l.quantity, l.line_total AS lineTotal, l.tax,
              coalesce((SELECT sum(rl.quantity) FROM sale_return_lines rl JOIN sale_returns r ON r.id = rl.return_id
                        WHERE r.sale_id = l.sale_id AND rl.line_no = l.line_no), 0) AS returned
       FROM sale_lines l WHERE l.sale_id = ? ORDER BY l.line_no`,
      )
      .all(saleId),
  );

/** Units of the whole sale returned before, for the points' cumulative shares. */
const unitsOf = (lines: readonly SoldLine[]) => lines.reduce((s, l) => s + l.quantity, 0);

interface ReturnFigures {
  lines: { lineNo: number; variantId: string; quantity: number; amount: number; tax: number }[];
  amount: number;
  tax: number;
  pointsTakenBack: number;
  pointsGivenBack: number;
}

/**
 * What a return of these quantities is worth, from the sale as it stands: the money of each line
 * and the points, by cumulative shares. Throws RETURN_EXCEEDS_SALE naming the line.
 */
export function returnFigures(
  db: Db,
  sale: SoldSale,
  wanted: readonly { lineNo: number; quantity: number }[],
  field = (i: number) => `lines.${i}.quantity`,
): ReturnFigures {
  const sold = soldLines(db, sale.id);
  const byNo = new Map(sold.map((l) => [l.lineNo, l]));
  const lines = wanted.map((w, i) => {
    const line = byNo.get(w.lineNo);
    if (!line)
      throw validationError([
        { field: `lines.${i}.lineNo`, message: `sale ${sale.number} has no line ${w.lineNo}` },
      ]);
    if (w.quantity > line.quantity - line.returned)
      throw new DomainError(
        'RETURN_EXCEEDS_SALE',
        `${field(i)}: sale ${sale.number} sold ${line.quantity} on line ${w.lineNo} and ${line.returned} came back already, so at most ${line.quantity - line.returned} can be returned.`,
        { field: field(i), saleId: sale.id, lineNo: w.lineNo, left: line.quantity - line.returned },
      );
    return {
      lineNo: w.lineNo,
      variantId: line.variantId,
      quantity: w.quantity,
      amount: returnedShare(line.lineTotal, line.quantity, line.returned, w.quantity),
      tax: returnedShare(line.tax, line.quantity, line.returned, w.quantity),
    };
  });
  const amount = lines.reduce((s, l) => s + l.amount, 0);
  // Points follow the money: the share of the sale's total that came back so far, cumulatively.
  const returnedBefore = sold.reduce(
    (s, l) => s + returnedShare(l.lineTotal, l.quantity, 0, l.returned),
    0,
  );
  const units = unitsOf(sold);
  const unitsBefore = sold.reduce((s, l) => s + l.returned, 0);
  const unitsNow = lines.reduce((s, l) => s + l.quantity, 0);
  const pointsShare = (points: number) =>
    sale.total > 0
      ? returnedShare(points, sale.total, returnedBefore, amount)
      : returnedShare(points, units, unitsBefore, unitsNow);
  return {
    lines,
    amount,
    tax: lines.reduce((s, l) => s + l.tax, 0),
    pointsTakenBack: pointsShare(sale.pointsEarned),
    pointsGivenBack: pointsShare(sale.pointsRedeemed),
  };
}

const earnBatch = z.object({
  availableAt: z.number().int(),
  expiresAt: z.number().int().nullable(),
});

const refund = z.object({
  method: z.enum(paymentMethods),
  amount: num.positiveMinor,
  reference: z.string().nullable(),
});

export const saleReturned = defineEvent({
  type: 'sale.returned',
  ordered: true,
  authority: { permission: 'sales.return', from: ['shop'], acts: (p) => p.branchId },
  visibility: { everywhere: true },
  writes: [
    { table: 'sale_returns', column: 'id', key: (e) => e.payload.returnId },
    { table: 'sale_return_lines', column: 'return_id', key: (e) => e.payload.returnId },
    { table: 'sale_refunds', column: 'return_id', key: (e) => e.payload.returnId },
    ledgerWrite,
    pointsWrite,
  ],
  payload: z.object({
    returnId: z.string(),
    saleId: z.string(),
    number: z.string(),
    /** The shop that takes the goods back and pays the refund. */
    branchId: z.string(),
    shiftId: z.string().nullable(),
    lines: z.array(z.object({ lineNo: num.lineNo, quantity: num.positiveUnits })).min(1),
    refunds: z.array(refund),
    reason: z.string().nullable(),
    /** When points given back expire (the program's expiry from the return's day). */
    pointsExpireAt: num.moment.nullable(),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const sale = saleById(db, p.saleId);
    if (!sale)
      throw new DomainError(
        'NOT_FOUND',
        `Return ${p.number} names a sale this replica does not have.`,
      );
    const f = returnFigures(
      db,
      sale,
      p.lines,
      (i) => `return ${p.number} line ${p.lines[i]?.lineNo ?? i + 1}`,
    );
    const refunded = p.refunds.reduce((s, r) => s + r.amount, 0);
    if (refunded !== f.amount)
      throw new DomainError(
        'VALIDATION',
        `Return ${p.number} refunds ${refunded} but its lines are worth ${f.amount}: check it with its clerk, then resolve this conflict with a note.`,
      );
    // The company's day and hour of the return, what the dashboards count it on.
    const when = companyDayAndHour(db, e.createdAt);
    db.sqlite
      .prepare(
        `INSERT INTO sale_returns (id, sale_id, number, branch_id, device_id, shift_id, amount, tax, points_taken_back,
           points_given_back, reason, returned_at, day, hour, user_id, event_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        p.returnId,
        p.saleId,
        p.number,
        p.branchId,
        e.deviceId,
        p.shiftId,
        f.amount,
        f.tax,
        f.pointsTakenBack,
        f.pointsGivenBack,
        p.reason,
        e.createdAt,
        when.day,
        when.hour,
        e.userId,
        e.id,
      );
    const line = db.sqlite.prepare(
      'INSERT INTO sale_return_lines (return_id, line_no, variant_id, quantity, amount, tax) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const l of f.lines) {
      line.run(p.returnId, l.lineNo, l.variantId, l.quantity, l.amount, l.tax);
      move(db, e, {
        branchId: p.branchId,
        variantId: l.variantId,
        kind: 'return',
        onHand: l.quantity,
      });
    }
    const pay = db.sqlite.prepare(
      'INSERT INTO sale_refunds (return_id, pay_no, method, amount, reference) VALUES (?, ?, ?, ?, ?)',
    );
    p.refunds.forEach((r, i) => pay.run(p.returnId, i + 1, r.method, r.amount, r.reference));
    if (sale.customerId) {
      // Taken back from the batch they were earned in: pending points stay pending-and-gone.
      const batch = parseRow(
        earnBatch,
        db.sqlite
          .prepare(
            `SELECT available_at AS availableAt, expires_at AS expiresAt FROM loyalty_movements WHERE sale_id = ? AND kind = 'earn'`,
          )
          .get(p.saleId),
      );
      pointsMove(db, e, {
        customerId: sale.customerId,
        kind: 'return_earned',
        points: -f.pointsTakenBack,
        availableAt: batch?.availableAt ?? e.createdAt,
        expiresAt: batch?.expiresAt ?? null,
        saleId: p.saleId,
        branchId: p.branchId,
      });
      pointsMove(db, e, {
        customerId: sale.customerId,
        kind: 'return_redeemed',
        points: f.pointsGivenBack,
        expiresAt: p.pointsExpireAt,
        saleId: p.saleId,
        branchId: p.branchId,
      });
    }
  },
});
