// Supplier invoices as events (decision 0033). A file is uploaded at a branch PC or at head office
// and travels by its hash; head office reads it and records what it read; a person at head office
// posts what the invoice bills, which every replica sees, because the variants' costs follow it;
// a posting is undone by a reversal, never by editing it. The file and its reading stay with the
// branch that uploaded it and head office.
import { z } from 'zod';
import * as num from '../events/numbers';
import type { Db } from '../db/open';
import { parseRow } from '../db/rows';
import { DomainError } from '../errors';
import { defineEvent, type EventEnvelope } from '../events/define';
import { parseHlc } from '../hlc';
import { companyCurrency } from '../locale/money';
import { settleCosts } from '../purchasing/costs';
import { minorUnitsOf, toCompanyMinor } from '../purchasing/money';

/** An invoice number as compared for duplicates: letters and digits only, upper case. */
export const numberKey = (number: string): string =>
  number.toUpperCase().replace(/[^\p{L}\p{N}]/gu, '');

const invoiceRow = (e: EventEnvelope<{ invoiceId: string }>) => e.payload.invoiceId;

const headWrite = { table: 'supplier_invoices', column: 'id', key: invoiceRow };
const linesWrite = { table: 'supplier_invoice_lines', column: 'invoice_id', key: invoiceRow };
const costsWrite = {
  table: 'variant_costs',
  column: 'variant_id',
  key: (e: EventEnvelope<{ variantIds: string[] }>) => e.payload.variantIds,
  shared: settleCosts,
};

const statusRow = z.object({ status: z.string() });

function statusOf(db: Db, invoiceId: string): string | null {
  return (
    parseRow(
      statusRow,
      db.sqlite.prepare(`SELECT status FROM supplier_invoices WHERE id = ?`).get(invoiceId),
    )?.status ?? null
  );
}

function expectStatus(db: Db, invoiceId: string, allowed: readonly string[], step: string) {
  const status = statusOf(db, invoiceId);
  if (status === null)
    throw new DomainError('NOT_FOUND', `Supplier invoice ${invoiceId} is not known here.`);
  if (!allowed.includes(status))
    throw new DomainError(
      'INVALID_STATE',
      `A supplier invoice that is ${status} cannot be ${step}.`,
      {
        status,
      },
    );
}

export const invoiceUploaded = defineEvent({
  type: 'supplier_invoice.uploaded',
  ordered: true,
  authority: {
    permission: 'invoices.upload',
    from: ['factory', 'shop'],
    acts: (p) => p.branchId,
  },
  visibility: { branches: (p) => [p.branchId] },
  files: (p) => [p.fileHash],
  writes: [headWrite],
  payload: z.object({
    invoiceId: z.string(),
    branchId: z.string(),
    fileHash: z.string().regex(/^[0-9a-f]{64}$/),
    mime: z.enum(['application/pdf', 'image/jpeg', 'image/png']),
    size: num.fileSize,
    originalName: z.string().min(1).max(255),
  }),
  apply: (db, e) => {
    const p = e.payload;
    db.sqlite
      .prepare(
        `INSERT INTO supplier_invoices (id, branch_id, file_hash, mime, size, original_name, uploaded_by,
           uploaded_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'uploaded')`,
      )
      .run(
        p.invoiceId,
        p.branchId,
        p.fileHash,
        p.mime,
        p.size,
        p.originalName,
        e.userId,
        e.createdAt,
      );
  },
});

export const invoiceRead = defineEvent({
  type: 'supplier_invoice.read',
  ordered: true,
  authority: { permission: 'invoices.post', from: [], acts: 'aggregate' },
  visibility: { aggregate: true },
  writes: [headWrite],
  payload: z.object({
    invoiceId: z.string(),
    /** JSON of the reading (core/invoices/reading.ts); null when the file could not be read. */
    reading: z.string().nullable(),
    /** Why it could not be read, for the person: what to do next. */
    error: z.string().nullable(),
  }),
  apply: (db, e) => {
    const p = e.payload;
    expectStatus(db, p.invoiceId, ['uploaded', 'read', 'unreadable'], 'read again');
    db.sqlite
      .prepare(
        `UPDATE supplier_invoices SET status = ?, reading = ?, read_error = ?, read_at = ? WHERE id = ?`,
      )
      .run(
        p.reading === null ? 'unreadable' : 'read',
        p.reading,
        p.error,
        e.createdAt,
        p.invoiceId,
      );
  },
});

export const postedLine = z.object({
  /** Null: a charge that is not a product (freight, a service). */
  variantId: z.string().nullable(),
  supplierItemId: z.string().nullable(),
  supplierCode: z.string().nullable(),
  description: z.string().min(1),
  quantity: num.positiveUnits,
  /** Per unit, in minor units of the invoice's currency, before tax. */
  unitPrice: num.minor,
  amount: num.minor,
  /** The supplier item's price before this posting (null: none, or not a product). */
  priceBefore: num.minor.nullable(),
});
export type PostedLine = z.infer<typeof postedLine>;

const duplicateRow = z.object({ id: z.string() });

export const invoicePosted = defineEvent({
  type: 'supplier_invoice.posted',
  ordered: true,
  authority: { permission: 'invoices.post', from: [], acts: 'aggregate' },
  // Every replica: the variants' costs follow what invoices bill, and must agree everywhere.
  visibility: { everywhere: true },
  writes: [headWrite, linesWrite, costsWrite],
  payload: z.object({
    invoiceId: z.string(),
    /** Where the file was uploaded: a replica that never saw the upload still records it. */
    branchId: z.string(),
    kind: z.enum(['invoice', 'credit']),
    supplierId: z.string(),
    number: z.string().min(1),
    /** YYYY-MM-DD, as printed. */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    currencyCode: z.string().length(3),
    /** Company units per unit of the invoice's currency; null when it is the company's. */
    rate: z.string().nullable(),
    orderId: z.string().nullable(),
    subtotal: num.minor,
    tax: num.minor,
    total: num.minor,
    totalCompany: num.minor,
    lines: z.array(postedLine).min(1).max(500),
    /** The variants the lines bill: the costs the posting moves (its `variant_costs` keys). */
    variantIds: z.array(z.string()),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const status = statusOf(db, p.invoiceId);
    if (status === 'posted' || status === 'reversed')
      throw new DomainError('INVALID_STATE', `This supplier invoice is already ${status}.`, {
        status,
      });
    const key = numberKey(p.number);
    const twin = parseRow(
      duplicateRow,
      db.sqlite
        .prepare(
          `SELECT id FROM supplier_invoices WHERE supplier_id = ? AND number_key = ? AND status = 'posted'`,
        )
        .get(p.supplierId, key),
    );
    if (twin)
      throw new DomainError(
        'DUPLICATE_INVOICE',
        `number: this supplier's invoice ${p.number} is already posted.`,
        { field: 'number', invoiceId: twin.id },
      );
    const at = parseHlc(e.hlc).wall;
    db.sqlite
      .prepare(
        `INSERT INTO supplier_invoices (id, branch_id, status, kind, supplier_id, number, number_key, invoice_date,
           currency_code, rate, subtotal, tax, total, total_company, order_id, posted_at, posted_by)
         VALUES (@id, @branchId, 'posted', @kind, @supplierId, @number, @key, @date, @currencyCode, @rate,
           @subtotal, @tax, @total, @totalCompany, @orderId, @at, @by)
         ON CONFLICT (id) DO UPDATE SET status = 'posted', kind = @kind, supplier_id = @supplierId,
           number = @number, number_key = @key, invoice_date = @date, currency_code = @currencyCode,
           rate = @rate, subtotal = @subtotal, tax = @tax, total = @total, total_company = @totalCompany,
           order_id = @orderId, posted_at = @at, posted_by = @by`,
      )
      .run({
        id: p.invoiceId,
        branchId: p.branchId,
        kind: p.kind,
        supplierId: p.supplierId,
        number: p.number,
        key,
        date: p.date,
        currencyCode: p.currencyCode,
        rate: p.rate,
        subtotal: p.subtotal,
        tax: p.tax,
        total: p.total,
        totalCompany: p.totalCompany,
        orderId: p.orderId,
        at,
        by: e.userId,
      });
    // The cost follows from the invoice's price and rate, worked out here on every replica alike.
    const supplierMinor = minorUnitsOf(p.currencyCode);
    const companyMinor = companyCurrency(db).minorUnits;
    const insert = db.sqlite.prepare(
      `INSERT INTO supplier_invoice_lines (invoice_id, line_no, variant_id, supplier_item_id, supplier_code,
         description, quantity, unit_price, amount, unit_cost_company, price_before, posted_at, credit)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const billed = new Set<string>();
    p.lines.forEach((l, i) => {
      insert.run(
        p.invoiceId,
        i + 1,
        l.variantId,
        l.supplierItemId,
        l.supplierCode,
        l.description,
        l.quantity,
        l.unitPrice,
        l.amount,
        toCompanyMinor(l.unitPrice, p.rate, supplierMinor, companyMinor),
        l.priceBefore,
        at,
        p.kind === 'credit' ? 1 : 0,
      );
      if (l.variantId) billed.add(l.variantId);
    });
    if (billed.size !== new Set(p.variantIds).size || p.variantIds.some((v) => !billed.has(v)))
      throw new DomainError(
        'INVALID_STATE',
        'The posting names other variants than its lines bill.',
      );
    settleCosts(db, [...billed]);
  },
});

export const invoiceReversed = defineEvent({
  type: 'supplier_invoice.reversed',
  ordered: true,
  authority: { permission: 'invoices.post', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [headWrite, costsWrite],
  payload: z.object({
    invoiceId: z.string(),
    reason: z.string().min(1),
    /** The variants the posting billed, whose costs the reversal moves back. */
    variantIds: z.array(z.string()),
  }),
  apply: (db, e) => {
    const p = e.payload;
    expectStatus(db, p.invoiceId, ['posted'], 'reversed');
    const billed = new Set(
      db.sqlite
        .prepare(
          `SELECT DISTINCT variant_id AS v FROM supplier_invoice_lines WHERE invoice_id = ? AND variant_id IS NOT NULL`,
        )
        .all(p.invoiceId)
        .map((r) => z.object({ v: z.string() }).parse(r).v),
    );
    if (billed.size !== new Set(p.variantIds).size || p.variantIds.some((v) => !billed.has(v)))
      throw new DomainError(
        'INVALID_STATE',
        'The reversal names other variants than the posting billed.',
      );
    db.sqlite
      .prepare(
        `UPDATE supplier_invoices SET status = 'reversed', reversed_at = ?, reversed_by = ?, reverse_reason = ?
         WHERE id = ?`,
      )
      .run(e.createdAt, e.userId, p.reason, p.invoiceId);
    settleCosts(db, p.variantIds);
  },
});
