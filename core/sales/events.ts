import { z } from 'zod';
import { defineEvent, ledgerWrite, mergeStamp, rowWrite } from '../events/define';
import { linesTotal, pricedLine } from '../events/lines';
import { mergeRow } from '../events/lww';
import { move } from '../stock/ledger';
import { resolvedPayment } from './payments';

export const customerSaved = defineEvent({
  type: 'customer.saved',
  merged: true,
  authority: { permission: 'customers.manage', from: ['shop'], acts: (p) => p.branchId ?? null },
  visibility: { branches: (p) => (p.branchId ? [p.branchId] : []) },
  writes: [rowWrite('customers')],
  payload: z.object({
    id: z.string(),
    branchId: z.string().optional(),
    name: z.string().optional(),
    phone: z.string().nullable().optional(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    mergeRow(db, 'customers', id, mergeStamp(e), fields);
  },
});

export const saleRecorded = defineEvent({
  type: 'sale.recorded',
  authority: { permission: 'sales.record', from: ['shop'], acts: (p) => p.branchId },
  visibility: { branches: (p) => [p.branchId] },
  writes: [
    { table: 'sales', column: 'id', key: (e) => e.payload.saleId },
    { table: 'sale_lines', column: 'sale_id', key: (e) => e.payload.saleId },
    { table: 'sale_payments', column: 'sale_id', key: (e) => e.payload.saleId },
    ledgerWrite,
  ],
  payload: z.object({
    saleId: z.string(),
    number: z.string(),
    branchId: z.string(),
    customerId: z.string().nullable(),
    lines: z.array(pricedLine).min(1),
    /** Resolved amounts (no "rest" left to compute); absent on sales recorded before payments. */
    payments: z.array(resolvedPayment).optional(),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const total = linesTotal(p.lines);
    db.sqlite
      .prepare(
        'INSERT INTO sales (id, number, branch_id, customer_id, total, sold_at, user_id, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(p.saleId, p.number, p.branchId, p.customerId, total, e.createdAt, e.userId, e.id);
    const line = db.sqlite.prepare(
      'INSERT INTO sale_lines (sale_id, line_no, variant_id, quantity, unit_price, line_total) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const l of p.lines) {
      line.run(p.saleId, l.lineNo, l.variantId, l.quantity, l.unitPrice, l.quantity * l.unitPrice);
      move(db, e, {
        branchId: p.branchId,
        variantId: l.variantId,
        kind: 'sale',
        onHand: -l.quantity,
      });
    }
    const pay = db.sqlite.prepare(
      'INSERT INTO sale_payments (sale_id, pay_no, method, amount, tendered, reference) VALUES (?, ?, ?, ?, ?, ?)',
    );
    (p.payments ?? []).forEach((m, i) =>
      pay.run(p.saleId, i + 1, m.method, m.amount, m.tendered, m.reference),
    );
  },
});
