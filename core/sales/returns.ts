// Returns and refunds at the counter: some or all of a sale's lines back on the shelf of the
// shop that takes them, the money back by methods the sale was paid by, the points the returned
// lines earned taken back and the points the sale redeemed given back in proportion. Several
// partial returns add up exactly to the whole (cumulative shares). A return is a later step of
// its sale: the same receipt returned at two offline shops folds in head office's order, and the
// one that goes beyond what was sold becomes a conflict for an admin (decision 0029).
import { z } from 'zod';
import { documentNumber } from '../branches/numbers';
import { requireBranchOfKind } from '../catalog/lookup';
import { command, query } from '../contract/define';
import { id, money, optionalText } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import type { Db } from '../db/open';
import { DomainError, validationError, type FieldIssue } from '../errors';
import { defineEvent, ledgerWrite } from '../events/define';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { companyMoney } from '../locale/money';
import { pointsWrite } from '../loyalty/events';
import { pointsMove } from '../loyalty/ledger';
import { DAY, programOf } from '../loyalty/program';
import { move } from '../stock/ledger';
import { paymentMethods, referencedMethods } from '../vocabulary';
import { returnedShare } from './pricing';
import { openShiftOf } from './shifts';

interface SoldLine {
  lineNo: number;
  variantId: string;
  quantity: number;
  lineTotal: number;
  tax: number;
  returned: number;
}

interface SoldSale {
  id: string;
  number: string;
  branchId: string;
  customerId: string | null;
  total: number;
  pointsEarned: number;
  pointsRedeemed: number;
  soldAt: number;
}

const saleByNumber = (db: Db, number: string) =>
  db.sqlite
    .prepare(
      `SELECT id, number, branch_id AS branchId, customer_id AS customerId, total, points_earned AS pointsEarned,
              points_redeemed AS pointsRedeemed, sold_at AS soldAt FROM sales WHERE number = ? OR id = ?`,
    )
    .get(number, number) as SoldSale | undefined;

const saleById = (db: Db, saleId: string) =>
  db.sqlite
    .prepare(
      `SELECT id, number, branch_id AS branchId, customer_id AS customerId, total, points_earned AS pointsEarned,
              points_redeemed AS pointsRedeemed, sold_at AS soldAt FROM sales WHERE id = ?`,
    )
    .get(saleId) as SoldSale | undefined;

/** Each line of a sale with how many of it came back so far. */
const soldLines = (db: Db, saleId: string) =>
  db.sqlite
    .prepare(
      `SELECT l.line_no AS lineNo, l.variant_id AS variantId, l.quantity, l.line_total AS lineTotal, l.tax,
              coalesce((SELECT sum(rl.quantity) FROM sale_return_lines rl JOIN sale_returns r ON r.id = rl.return_id
                        WHERE r.sale_id = l.sale_id AND rl.line_no = l.line_no), 0) AS returned
       FROM sale_lines l WHERE l.sale_id = ? ORDER BY l.line_no`,
    )
    .all(saleId) as SoldLine[];

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
function returnFigures(
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

const refund = z.object({
  method: z.enum(paymentMethods),
  amount: z.number().int().positive(),
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
    lines: z
      .array(
        z.object({ lineNo: z.number().int().positive(), quantity: z.number().int().positive() }),
      )
      .min(1),
    refunds: z.array(refund),
    reason: z.string().nullable(),
    /** When points given back expire (the program's expiry from the return's day). */
    pointsExpireAt: z.number().int().nullable(),
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
    db.sqlite
      .prepare(
        `INSERT INTO sale_returns (id, sale_id, number, branch_id, device_id, shift_id, amount, tax, points_taken_back,
           points_given_back, reason, returned_at, user_id, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        e.userId,
        e.id,
      );
    const line = db.sqlite.prepare(
      'INSERT INTO sale_return_lines (return_id, line_no, quantity, amount, tax) VALUES (?, ?, ?, ?, ?)',
    );
    for (const l of f.lines) {
      line.run(p.returnId, l.lineNo, l.quantity, l.amount, l.tax);
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
      const batch = db.sqlite
        .prepare(
          `SELECT available_at AS availableAt, expires_at AS expiresAt FROM loyalty_movements WHERE sale_id = ? AND kind = 'earn'`,
        )
        .get(p.saleId) as { availableAt: number; expiresAt: number | null } | undefined;
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

/** A sale to return from, found by its receipt number (typed or scanned), with what is left. */
export const findSaleForReturn = query({
  access: 'sales.return',
  input: z.object({ number: z.string().trim().min(1, 'is required').max(60) }),
  handler: (ctx, input) => {
    const sale = saleByNumber(ctx.db, input.number);
    if (!sale)
      throw new DomainError(
        'NOT_FOUND',
        `number: no sale ${input.number} on this PC. Check the number on the receipt; a sale made at another shop arrives here when both have synced.`,
        { field: 'number' },
      );
    const methods = ctx.db.sqlite
      .prepare('SELECT DISTINCT method FROM sale_payments WHERE sale_id = ?')
      .all(sale.id) as { method: string }[];
    const lines = ctx.db.sqlite
      .prepare(
        `SELECT l.line_no AS lineNo, l.variant_id AS variantId, v.sku, p.name, l.quantity, l.unit_price AS unitPrice,
                l.line_total AS lineTotal
         FROM sale_lines l JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
         WHERE l.sale_id = ? ORDER BY l.line_no`,
      )
      .all(sale.id) as {
      lineNo: number;
      variantId: string;
      sku: string;
      name: string;
      quantity: number;
      unitPrice: number;
      lineTotal: number;
    }[];
    const returned = new Map(soldLines(ctx.db, sale.id).map((l) => [l.lineNo, l.returned]));
    return {
      ...sale,
      methods: methods.map((m) => m.method),
      lines: lines.map((l) => ({ ...l, returned: returned.get(l.lineNo) ?? 0 })),
    };
  },
});

/** What a return would refund and take back, before it is made (the screen shows it). */
export const quoteReturn = query({
  access: 'sales.return',
  input: z.object({
    saleId: id,
    lines: z
      .array(
        z.object({ lineNo: z.number().int().positive(), quantity: z.number().int().positive() }),
      )
      .min(1),
  }),
  handler: (ctx, input) => {
    const sale = saleById(ctx.db, input.saleId);
    if (!sale) throw validationError([{ field: 'saleId', message: 'no such sale on this PC' }]);
    const f = returnFigures(ctx.db, sale, input.lines);
    return {
      amount: f.amount,
      tax: f.tax,
      pointsTakenBack: f.pointsTakenBack,
      pointsGivenBack: f.pointsGivenBack,
    };
  },
});

export const recordReturn = command({
  access: 'sales.return',
  input: z.object({
    saleId: id,
    branchId: id.optional(),
    lines: z
      .array(
        z.object({
          lineNo: z.number().int('must be a whole number').positive('must be more than 0'),
          quantity: z.number().int('must be a whole number').positive('must be more than 0'),
        }),
      )
      .min(1, 'choose at least one line to return')
      .max(200),
    /** How the money goes back; only the last may leave out its amount (the rest). */
    refunds: z
      .array(
        z.object({
          method: z.enum(paymentMethods, { error: `must be one of ${paymentMethods.join(', ')}` }),
          amount: money.refine((n) => n > 0, 'must be more than 0').optional(),
          reference: optionalText(120),
        }),
      )
      .max(8),
    reason: optionalText(300),
  }),
  handler: (ctx, input) => {
    const branchId = input.branchId ?? requireActor(ctx).branchId;
    assertBranchAccess(ctx, branchId, 'take returns');
    const shop = requireBranchOfKind(ctx, branchId, ['shop']);
    const sale = saleById(ctx.db, input.saleId);
    if (!sale) throw validationError([{ field: 'saleId', message: 'no such sale on this PC' }]);
    const seen = new Set<number>();
    input.lines.forEach((l, i) => {
      if (seen.has(l.lineNo))
        throw validationError([
          {
            field: `lines.${i}.lineNo`,
            message: `line ${l.lineNo} is listed twice; give its quantity once`,
          },
        ]);
      seen.add(l.lineNo);
    });
    const f = returnFigures(ctx.db, sale, input.lines);
    const used = new Set(
      (
        ctx.db.sqlite
          .prepare('SELECT DISTINCT method FROM sale_payments WHERE sale_id = ?')
          .all(sale.id) as {
          method: string;
        }[]
      ).map((m) => m.method),
    );
    const inMoney = companyMoney(ctx.db);
    const issues: FieldIssue[] = [];
    input.refunds.forEach((r, i) => {
      if (!used.has(r.method))
        throw new DomainError(
          'REFUND_METHOD_NOT_USED',
          `refunds.${i}.method: sale ${sale.number} was not paid by ${r.method.replace('_', ' ')}; refund by ${[...used].join(' or ').replace('_', ' ') || 'the method it was paid by'}.`,
          { field: `refunds.${i}.method`, used: [...used] },
        );
      if (r.amount === undefined && i !== input.refunds.length - 1)
        issues.push({
          field: `refunds.${i}.amount`,
          rule: 'required',
          message: 'is required: only the last refund may leave its amount out (it takes the rest)',
        });
      if (referencedMethods.includes(r.method) && !r.reference)
        issues.push({
          field: `refunds.${i}.reference`,
          rule: 'required',
          message: 'is required: enter the transfer or transaction id of the refund',
        });
    });
    if (issues.length) throw validationError(issues);
    if (f.amount > 0 && input.refunds.length === 0)
      throw validationError([
        {
          field: 'refunds',
          rule: 'min_items',
          limit: 1,
          message: `say how ${inMoney(f.amount)} goes back: at least one refund`,
        },
      ]);
    const given = input.refunds.reduce((s, r) => s + (r.amount ?? 0), 0);
    const last = input.refunds.length - 1;
    const rest = last >= 0 && input.refunds[last]?.amount === undefined ? f.amount - given : null;
    if ((rest !== null && rest <= 0) || (rest === null && given !== f.amount))
      throw validationError([
        {
          field: `refunds.${Math.max(0, last)}.amount`,
          rule: 'other',
          message: `the refunds come to ${inMoney(given)} but the returned lines are worth ${inMoney(f.amount)}; make them add up exactly`,
        },
      ]);
    const refunds = input.refunds.map((r, i) => ({
      method: r.method,
      amount: i === last && rest !== null ? rest : (r.amount ?? 0),
      reference: r.reference ? r.reference : null,
    }));
    const program = programOf(ctx.db);
    const returnId = newId(ctx.now());
    const number = documentNumber(ctx, shop, 'return');
    emit(ctx, 'sale.returned', input.saleId, {
      returnId,
      saleId: input.saleId,
      number,
      branchId,
      shiftId: openShiftOf(ctx)?.id ?? null,
      lines: input.lines,
      refunds,
      reason: input.reason ? input.reason : null,
      pointsExpireAt: program?.expiryDays ? ctx.now() + program.expiryDays * DAY : null,
    });
    return { id: returnId, number, ...f, refunds };
  },
});
