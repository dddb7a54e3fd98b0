// Returns and refunds at the counter: finding the sale by its receipt number, what a return
// would refund, and the return itself (./return-events.ts says what it does; decision 0030).
import { z } from 'zod';
import { documentNumber } from '../branches/numbers';
import { requireBranchOfKind } from '../catalog/lookup';
import { command, query } from '../contract/define';
import { id, money, optionalText } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import type { Db } from '../db/open';
import { parseRows } from '../db/rows';
import { DomainError, validationError, type FieldIssue } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { companyMoney } from '../locale/money';
import { DAY, programOf } from '../loyalty/program';
import { paymentMethods, referencedMethods, type PaymentMethod } from '../vocabulary';
import { returnFigures, saleById, saleByNumber, soldLines } from './return-events';
import { openShiftOf } from './shifts';

/** The methods a sale was paid by: the ones its refunds may use. */
const methodsOf = (db: Db, saleId: string): PaymentMethod[] =>
  parseRows(
    z.object({ method: z.enum(paymentMethods) }),
    db.sqlite.prepare('SELECT DISTINCT method FROM sale_payments WHERE sale_id = ?').all(saleId),
  ).map((m) => m.method);

/**
 * What each method the sale was paid by can still take back: what it paid, less what returns of
 * the sale in the books refunded by it (a return set aside as a conflict refunded nothing yet).
 */
const refundableBy = (db: Db, saleId: string): Map<PaymentMethod, { paid: number; left: number }> =>
  new Map(
    parseRows(
      z.object({ method: z.enum(paymentMethods), paid: z.number().int(), left: z.number().int() }),
      db.sqlite
        .prepare(
          `SELECT p.method, p.paid, p.paid - coalesce((SELECT sum(f.amount) FROM sale_refunds f
                    JOIN sale_returns r ON r.id = f.return_id
                    WHERE r.sale_id = @sale AND f.method = p.method), 0) AS left
           FROM (SELECT method, sum(amount) AS paid FROM sale_payments WHERE sale_id = @sale GROUP BY method) p`,
        )
        .all({ sale: saleId }),
    ).map(({ method, ...m }) => [method, m]),
  );

const returnableLine = z.object({
  lineNo: z.number().int(),
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
  lineTotal: z.number().int(),
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
    const methods = methodsOf(ctx.db, sale.id);
    const lines = parseRows(
      returnableLine,
      ctx.db.sqlite
        .prepare(
          `SELECT l.line_no AS lineNo, l.variant_id AS variantId, v.sku, p.name, l.quantity, l.unit_price AS unitPrice,
                l.line_total AS lineTotal
         FROM sale_lines l JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
         WHERE l.sale_id = ? ORDER BY l.line_no`,
        )
        .all(sale.id),
    );
    const returned = new Map(soldLines(ctx.db, sale.id).map((l) => [l.lineNo, l.returned]));
    return {
      ...sale,
      methods,
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
    // What each method paid, and has left to refund: its keys are the methods the sale used.
    const left = refundableBy(ctx.db, sale.id);
    const used = new Set(left.keys());
    const words = (m: PaymentMethod) => m.replaceAll('_', ' ');
    const inMoney = companyMoney(ctx.db);
    const issues: FieldIssue[] = [];
    input.refunds.forEach((r, i) => {
      if (!used.has(r.method))
        throw new DomainError(
          'REFUND_METHOD_NOT_USED',
          `refunds.${i}.method: sale ${sale.number} was not paid by ${words(r.method)}; refund by ${[...used].map(words).join(' or ') || 'the method it was paid by'}.`,
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
    // A method gives back no more than it took: a card refund beyond what the card paid would
    // send the cash part of the sale to the card (decision 0030: refunds go to the sale's methods).
    refunds.forEach((r, i) => {
      const by = left.get(r.method) ?? { paid: 0, left: 0 };
      const can = Math.max(0, by.left);
      if (r.amount > can) {
        const others = [...left]
          .filter(([m, n]) => m !== r.method && n.left > 0)
          .map(([m]) => words(m));
        throw validationError([
          {
            field: `refunds.${i}.amount`,
            rule: 'max',
            limit: can,
            message: `${inMoney(r.amount)} is more than ${words(r.method)} can take back: sale ${sale.number} was paid ${inMoney(by.paid)} by ${words(r.method)} and ${inMoney(can)} of it is left to refund. Refund at most that by ${words(r.method)}${others.length ? ` and the rest by ${others.join(' or ')}` : ''}.`,
          },
        ]);
      }
      left.set(r.method, { paid: by.paid, left: can - r.amount });
    });
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
