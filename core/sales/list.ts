// A shop's sales of one day, as the Sales screen shows them at the counter: each sale with its
// clerk, customer, payments and whether its receipt still waits for the printer, the day's
// totals per payment method, and the clerks who sold that day (the screen's filter).
import { z } from 'zod';
import { query } from '../contract/define';
import { assertNotFuture } from '../contract/dates';
import { companyDayBounds } from '../locale/day';
import { id, isoDate } from '../contract/fields';
import { assertBranchAccess } from '../contract/scope';
import { parseRows } from '../db/rows';
import { paymentMethods, type PaymentMethod } from '../vocabulary';
import { salePaymentsOf } from './commands';
import { changeOf } from './payments';

const saleRow = z.object({
  id: z.string(),
  number: z.string(),
  soldAt: z.number().int(),
  userId: z.string(),
  clerk: z.string().nullable(),
  customerName: z.string().nullable(),
  total: z.number().int(),
  receipt: z.enum(['waiting', 'printed']).nullable(),
});

export const salesOfDay = query({
  access: 'orders.read',
  input: z.object({
    branchId: id,
    /** The company's day (its time zone's), as every count of sales goes by. */
    day: isoDate,
    /** Only this clerk's sales. */
    userId: id.optional(),
    /** Only sales with a payment by this method. */
    method: z.enum(paymentMethods).optional(),
  }),
  handler: (ctx, input) => {
    assertBranchAccess(ctx, input.branchId, 'see sales');
    assertNotFuture(ctx, 'day', input.day);
    const { start, end } = companyDayBounds(ctx.db, input.day);
    // The branch and day use the (branch_id, sold_at) index; a day is a few hundred sales.
    const all = parseRows(
      saleRow,
      ctx.db.sqlite
        .prepare(
          `SELECT s.id, s.number, s.sold_at AS soldAt, s.user_id AS userId, u.display_name AS clerk,
             c.name AS customerName, s.total, q.status AS receipt
           FROM sales s
           LEFT JOIN users u ON u.id = s.user_id
           LEFT JOIN customers c ON c.id = s.customer_id
           LEFT JOIN receipt_queue q ON q.document_id = s.id AND q.kind = 'sale'
           WHERE s.branch_id = ? AND s.sold_at >= ? AND s.sold_at < ?
           ORDER BY s.sold_at DESC, s.number DESC`,
        )
        .all(input.branchId, start, end),
    );
    const paid = salePaymentsOf(
      ctx.db,
      all.map((s) => s.id),
    );
    const clerks = new Map<string, string>();
    for (const s of all) clerks.set(s.userId, s.clerk ?? s.userId);

    const shown = all
      .map((s) => {
        const payments = paid.get(s.id) ?? [];
        return { ...s, clerk: s.clerk ?? s.userId, payments, change: changeOf(payments) };
      })
      .filter((s) => input.userId === undefined || s.userId === input.userId)
      .filter(
        (s) => input.method === undefined || s.payments.some((p) => p.method === input.method),
      );

    const byMethod = new Map<PaymentMethod, { amount: number; sales: number }>();
    for (const s of shown)
      for (const method of new Set(s.payments.map((p) => p.method))) {
        if (input.method !== undefined && method !== input.method) continue;
        const amount = s.payments
          .filter((p) => p.method === method)
          .reduce((t, p) => t + p.amount, 0);
        const sum = byMethod.get(method) ?? { amount: 0, sales: 0 };
        byMethod.set(method, { amount: sum.amount + amount, sales: sum.sales + 1 });
      }
    return {
      day: input.day,
      sales: shown,
      total: shown.reduce((t, s) => t + s.total, 0),
      /** In the vocabulary's order, only methods taken that day. */
      totals: paymentMethods.flatMap((method) => {
        const sum = byMethod.get(method);
        return sum ? [{ method, ...sum }] : [];
      }),
      clerks: [...clerks].map(([userId, name]) => ({ userId, name })),
    };
  },
});
