// Supplier invoices as operations of the one contract (decision 0033). Any PC uploads a file;
// head office reads it (its service: text layer, OCR, rules, model); a person at head office
// reviews what was read beside the page, corrects it and posts it, all in one transaction that
// also moves the supplier's prices; a posting is undone by a reversal.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { action, command, query } from '../contract/define';
import { id, isoDate, money, quantity } from '../contract/fields';
import { requireActor, requireDevice } from '../contract/scope';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError, validationError, type FieldIssue } from '../errors';
import { emit, refuseIfNotHere } from '../events/emit';
import { MAX_MINOR } from '../events/numbers';
import { acceptUpload, uploadContent } from '../files/upload';
import { newId } from '../ids';
import { companyCurrency } from '../locale/money';
import { exchangeRateOf, itemFor } from '../purchasing/suppliers';
import { isCurrencyCode, minorUnitsOf, parseRate, toCompanyMinor } from '../purchasing/money';
import { checkInvoice } from './checks';
import { numberKey, type PostedLine } from './events';
import { compareWithOrder, matchLines, matchSupplier } from './match';
import { parseReading } from './reading';
import type { InvoiceMime, InvoiceReadingService } from './service';
import { MAX_FILE_BYTES } from '../sync/protocol';

/** The largest file taken: a phone photo or a scanned PDF of a few pages. */
export const MAX_INVOICE_BYTES = MAX_FILE_BYTES;

const readingService = (ctx: Context): InvoiceReadingService => {
  if (!ctx.services?.invoices)
    throw new DomainError(
      'HEAD_OFFICE_ONLY',
      "Invoices are read at head office: it reads this one when the file arrives there. Review and post it in head office's console.",
    );
  return ctx.services.invoices;
};

const headRow = z.object({
  id: z.string(),
  branchId: z.string(),
  branchName: z.string().nullable(),
  fileHash: z.string().nullable(),
  mime: z.string().nullable(),
  size: z.number().int().nullable(),
  originalName: z.string().nullable(),
  uploadedBy: z.string().nullable(),
  uploadedByName: z.string().nullable(),
  uploadedAt: z.number().int().nullable(),
  status: z.enum(['uploaded', 'read', 'unreadable', 'posted', 'reversed']),
  readAt: z.number().int().nullable(),
  readError: z.string().nullable(),
  kind: z.enum(['invoice', 'credit']).nullable(),
  supplierId: z.string().nullable(),
  supplierName: z.string().nullable(),
  number: z.string().nullable(),
  invoiceDate: z.string().nullable(),
  currencyCode: z.string().nullable(),
  rate: z.string().nullable(),
  subtotal: z.number().int().nullable(),
  tax: z.number().int().nullable(),
  total: z.number().int().nullable(),
  totalCompany: z.number().int().nullable(),
  orderId: z.string().nullable(),
  orderNumber: z.string().nullable(),
  postedAt: z.number().int().nullable(),
  postedByName: z.string().nullable(),
  reversedAt: z.number().int().nullable(),
  reverseReason: z.string().nullable(),
});
export type InvoiceRow = z.infer<typeof headRow>;

const HEAD = `SELECT i.id, i.branch_id AS branchId, b.name AS branchName, i.file_hash AS fileHash, i.mime,
    i.size, i.original_name AS originalName, i.uploaded_by AS uploadedBy, u.display_name AS uploadedByName,
    i.uploaded_at AS uploadedAt, i.status, i.read_at AS readAt, i.read_error AS readError, i.kind,
    i.supplier_id AS supplierId, s.name AS supplierName, i.number, i.invoice_date AS invoiceDate,
    i.currency_code AS currencyCode, i.rate, i.subtotal, i.tax, i.total, i.total_company AS totalCompany,
    i.order_id AS orderId, o.number AS orderNumber, i.posted_at AS postedAt, p.display_name AS postedByName,
    i.reversed_at AS reversedAt, i.reverse_reason AS reverseReason
  FROM supplier_invoices i
  LEFT JOIN branches b ON b.id = i.branch_id
  LEFT JOIN users u ON u.id = i.uploaded_by
  LEFT JOIN users p ON p.id = i.posted_by
  LEFT JOIN suppliers s ON s.id = i.supplier_id
  LEFT JOIN purchase_orders o ON o.id = i.order_id`;

function invoiceOf(db: Db, invoiceId: string): InvoiceRow {
  const row = parseRow(headRow, db.sqlite.prepare(`${HEAD} WHERE i.id = ?`).get(invoiceId));
  if (!row)
    throw new DomainError('NOT_FOUND', 'That supplier invoice is not known here.', {
      field: 'invoiceId',
    });
  return row;
}

const fileOf = (ctx: Context, row: InvoiceRow) => {
  if (!row.fileHash || !row.mime)
    throw new DomainError(
      'NOT_FOUND',
      'This invoice was posted elsewhere: its file is kept where it was uploaded and at head office.',
    );
  return { bytes: ctx.files.get(row.fileHash), mime: row.mime as InvoiceMime };
};

const today = (ctx: Context) => new Date(ctx.now()).toISOString().slice(0, 10);

export const uploadInvoice = command({
  access: 'invoices.upload',
  input: z.object({
    fileName: z.string().trim().min(1, 'is required').max(255, 'is too long'),
    contentBase64: uploadContent(MAX_INVOICE_BYTES, 'an invoice'),
  }),
  handler: (ctx, input) => {
    const device = requireDevice(ctx);
    const { bytes, mime } = acceptUpload(input.fileName, input.contentBase64, {
      maxBytes: MAX_INVOICE_BYTES,
      what: 'an invoice',
      instead: 'save or photograph the invoice as one of those',
    });
    const fileHash = ctx.files.put(bytes);
    // The same file again (a second drop into the folder, a retry) is the invoice already here.
    const same = parseRow(
      z.object({ id: z.string() }),
      ctx.db.sqlite
        .prepare(
          `SELECT id FROM supplier_invoices WHERE file_hash = ? AND status != 'reversed' ORDER BY uploaded_at LIMIT 1`,
        )
        .get(fileHash),
    );
    if (same) return { invoiceId: same.id, already: true };
    const invoiceId = newId(ctx.now());
    emit(ctx, 'supplier_invoice.uploaded', invoiceId, {
      invoiceId,
      branchId: device.branchId,
      fileHash,
      mime,
      size: bytes.length,
      originalName: input.fileName,
    });
    return { invoiceId, already: false };
  },
});

export const listInvoices = query({
  access: 'invoices.upload',
  input: z.object({
    status: z.enum(['uploaded', 'read', 'unreadable', 'posted', 'reversed']).optional(),
    limit: z.number().int().min(1).max(500).optional(),
  }),
  handler: (ctx, input) =>
    parseRows(
      headRow,
      ctx.db.sqlite
        .prepare(
          `${HEAD} ${input.status ? 'WHERE i.status = ?' : ''}
           ORDER BY coalesce(i.uploaded_at, i.posted_at) DESC, i.id DESC LIMIT ?`,
        )
        .all(...(input.status ? [input.status] : []), input.limit ?? 200),
    ),
});

const lineRow = z.object({
  lineNo: z.number().int(),
  variantId: z.string().nullable(),
  sku: z.string().nullable(),
  supplierCode: z.string().nullable(),
  description: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
  amount: z.number().int(),
  unitCostCompany: z.number().int(),
  priceBefore: z.number().int().nullable(),
});

const postedLines = (db: Db, invoiceId: string) =>
  parseRows(
    lineRow,
    db.sqlite
      .prepare(
        `SELECT l.line_no AS lineNo, l.variant_id AS variantId, v.sku, l.supplier_code AS supplierCode,
           l.description, l.quantity, l.unit_price AS unitPrice, l.amount,
           l.unit_cost_company AS unitCostCompany, l.price_before AS priceBefore
         FROM supplier_invoice_lines l LEFT JOIN variants v ON v.id = l.variant_id
         WHERE l.invoice_id = ? ORDER BY l.line_no`,
      )
      .all(invoiceId),
  );

/**
 * An invoice with what was read from it and what that proposes today: the supplier and each
 * line's product (matched now, so a supplier added since is found), the purchase order compared,
 * the checks, and whether the number is already posted.
 */
export const getInvoice = query({
  access: 'invoices.upload',
  input: z.object({ invoiceId: id }),
  handler: (ctx, input) => {
    const row = invoiceOf(ctx.db, input.invoiceId);
    const reading = parseReading(
      parseRow(
        z.object({ reading: z.string().nullable() }),
        ctx.db.sqlite.prepare(`SELECT reading FROM supplier_invoices WHERE id = ?`).get(row.id),
      )?.reading ?? null,
    );
    const lines = postedLines(ctx.db, row.id);
    if (!reading) return { invoice: row, reading: null, proposal: null, lines };
    const read = reading.invoice;
    const supplier = matchSupplier(ctx.db, read);
    const lineMatches = matchLines(ctx.db, supplier.supplierId, read.lines);
    const order = compareWithOrder(
      ctx.db,
      read.orderReference?.value ?? null,
      supplier.supplierId,
      read.lines.map((l, i) => ({
        variantId: lineMatches[i]?.variantId ?? null,
        quantity: l.quantity.value,
        unitPrice: l.unitPrice.value,
      })),
    );
    const checks = checkInvoice(
      {
        lines: read.lines.map((l) => ({
          quantity: l.quantity.value,
          unitPrice: l.unitPrice.value,
          amount: l.amount.value,
        })),
        subtotal: read.subtotal?.value ?? null,
        tax: read.tax?.value ?? null,
        total: read.total?.value ?? null,
        date: read.date?.value ?? null,
        number: read.number?.value ?? null,
      },
      { today: today(ctx) },
    );
    const duplicateOf =
      supplier.supplierId && read.number
        ? duplicateOfNumber(ctx.db, supplier.supplierId, read.number.value, row.id)
        : null;
    return {
      invoice: row,
      reading,
      proposal: { supplier, lines: lineMatches, order, checks, duplicateOf },
      lines,
    };
  },
});

function duplicateOfNumber(db: Db, supplierId: string, number: string, except: string) {
  return (
    parseRow(
      z.object({ id: z.string(), postedAt: z.number().int().nullable() }),
      db.sqlite
        .prepare(
          `SELECT id, posted_at AS postedAt FROM supplier_invoices
           WHERE supplier_id = ? AND number_key = ? AND status = 'posted' AND id != ?`,
        )
        .get(supplierId, numberKey(number), except),
    ) ?? null
  );
}

/** The uploaded file itself, to open or save. */
export const invoiceFile = query({
  access: 'invoices.upload',
  input: z.object({ invoiceId: id }),
  handler: (ctx, input) => {
    const row = invoiceOf(ctx.db, input.invoiceId);
    const file = fileOf(ctx, row);
    return {
      fileName: row.originalName ?? `invoice-${row.id}`,
      mime: file.mime,
      contentBase64: file.bytes.toString('base64'),
    };
  },
});

/** A page of the file as an image, for the review screen (head office draws it). */
export const invoicePage = query({
  access: 'invoices.post',
  input: z.object({ invoiceId: id, page: z.number().int().min(1).max(100) }),
  handler: async (ctx, input) => {
    const service = readingService(ctx);
    const row = invoiceOf(ctx.db, input.invoiceId);
    const image = await service.pageImage(fileOf(ctx, row), input.page);
    return { width: image.width, height: image.height, pngBase64: image.png.toString('base64') };
  },
});

const knownCodes = (db: Db): Set<string> =>
  new Set(
    parseRows(
      z.object({ code: z.string() }),
      db.sqlite
        .prepare(`SELECT supplier_code AS code FROM supplier_items WHERE supplier_code IS NOT NULL`)
        .all(),
    ).map((r) => r.code),
  );

/**
 * Reads an invoice (again): head office does it by itself when a file arrives; a person asks
 * again after setting up the model, or after a failure. Nothing is written when reading fails
 * for a reason that may pass (the model timed out is not that: the rules' reading is kept).
 */
export const readInvoice = action({
  access: 'invoices.post',
  input: z.object({ invoiceId: id }),
  handler: async (ctx, input) => {
    refuseIfNotHere(ctx, 'supplier_invoice.read');
    const service = readingService(ctx);
    const row = invoiceOf(ctx.db, input.invoiceId);
    if (row.status === 'posted' || row.status === 'reversed')
      throw new DomainError('INVALID_STATE', `This invoice is already ${row.status}.`, {
        status: row.status,
      });
    const file = fileOf(ctx, row);
    let reading: string | null = null;
    let error: string | null = null;
    try {
      reading = JSON.stringify(
        await service.read(file, { knownCodes: knownCodes(ctx.db), today: today(ctx) }),
      );
    } catch (e) {
      if (!(e instanceof DomainError) || e.code !== 'FILE_REJECTED') throw e;
      error = e.message.replace(/^file: /, '');
    }
    ctx.db.sqlite
      .transaction(() =>
        emit(ctx, 'supplier_invoice.read', row.id, { invoiceId: row.id, reading, error }),
      )
      .immediate();
    return { status: reading === null ? ('unreadable' as const) : ('read' as const), error };
  },
});

const postLine = z.object({
  /** Null: a charge that is not a product (freight, a service): counted in the totals only. */
  variantId: id.nullable(),
  supplierCode: z.string().trim().max(64, 'is too long').nullable().optional(),
  description: z.string().trim().min(1, 'is required').max(300, 'is too long'),
  quantity,
  /** Per unit, minor units of the invoice's currency, before tax. */
  unitPrice: money,
  amount: money,
});

export const postInvoice = command({
  access: 'invoices.post',
  input: z.object({
    invoiceId: id,
    kind: z.enum(['invoice', 'credit']),
    supplierId: id,
    number: z.string().trim().min(1, 'is required').max(64, 'is too long'),
    date: isoDate,
    currencyCode: z.string().trim().toUpperCase().length(3, 'must be a three-letter currency code'),
    /** Company units per unit of the invoice's currency, a decimal; left out: the saved rate. */
    rate: z.string().trim().max(20, 'is too long').nullable().optional(),
    orderId: id.nullable().optional(),
    subtotal: money,
    tax: money,
    total: money,
    lines: z
      .array(postLine)
      .min(1, 'must have at least one line')
      .max(500, 'must have at most 500 lines'),
    /** Set the supplier's price for each product line to the invoice's (default: yes). */
    updatePrices: z.boolean().optional(),
  }),
  handler: (ctx, input) => {
    refuseIfNotHere(ctx, 'supplier_invoice.posted');
    const row = invoiceOf(ctx.db, input.invoiceId);
    if (row.status === 'posted' || row.status === 'reversed')
      throw new DomainError('INVALID_STATE', `This invoice is already ${row.status}.`, {
        status: row.status,
      });
    const issues: FieldIssue[] = [];
    const known = (table: string, rowId: string) =>
      ctx.db.sqlite.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(rowId) !== undefined;
    if (!known('suppliers', input.supplierId))
      issues.push({ field: 'supplierId', message: 'is not a known supplier: add it first' });
    input.lines.forEach((l, i) => {
      if (l.variantId && !known('variants', l.variantId))
        issues.push({ field: `lines.${i}.variantId`, message: 'is not a known product variant' });
    });
    if (!isCurrencyCode(input.currencyCode))
      issues.push({ field: 'currencyCode', message: 'is not a currency code, like ETB or USD' });
    for (const c of checkInvoice(
      {
        lines: input.lines,
        subtotal: input.subtotal,
        tax: input.tax,
        total: input.total,
        date: input.date,
        number: input.number,
      },
      { today: today(ctx) },
    ))
      issues.push({ field: c.field, message: c.message });
    if (input.orderId) {
      const order = parseRow(
        z.object({ supplierId: z.string() }),
        ctx.db.sqlite
          .prepare(`SELECT supplier_id AS supplierId FROM purchase_orders WHERE id = ?`)
          .get(input.orderId),
      );
      if (!order) issues.push({ field: 'orderId', message: 'is not a known purchase order' });
      else if (order.supplierId !== input.supplierId)
        issues.push({ field: 'orderId', message: "is another supplier's purchase order" });
    }
    if (issues.length > 0) throw validationError(issues);

    const twin = duplicateOfNumber(ctx.db, input.supplierId, input.number, row.id);
    if (twin)
      throw new DomainError(
        'DUPLICATE_INVOICE',
        `number: this supplier's invoice ${input.number} is already posted. If this is a second copy, leave it; if the first was wrong, reverse it first.`,
        { field: 'number', invoiceId: twin.id },
      );

    const company = companyCurrency(ctx.db);
    let rate: string | null = null;
    if (input.currencyCode !== company.code) {
      rate = input.rate ?? exchangeRateOf(ctx.db, input.currencyCode);
      if (!rate || !parseRate(rate))
        throw new DomainError(
          'RATE_REQUIRED',
          `rate: enter how many ${company.code} one ${input.currencyCode} is, or save a rate for ${input.currencyCode} under Purchase orders → Rates.`,
          { field: 'rate' },
        );
    }
    const supplierMinor = minorUnitsOf(input.currencyCode);
    const actor = requireActor(ctx);

    // The supplier's prices follow the invoice (an invoice, not a credit note), each change kept
    // in the item's price history; an item the supplier did not have yet is added.
    const lines: PostedLine[] = input.lines.map((l) => {
      if (!l.variantId)
        return {
          variantId: null,
          supplierItemId: null,
          supplierCode: l.supplierCode ?? null,
          description: l.description,
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          amount: l.amount,
          priceBefore: null,
        };
      const item = itemFor(ctx.db, input.supplierId, l.variantId);
      const itemId = item?.id ?? newId(ctx.now());
      const updates = input.kind === 'invoice' && input.updatePrices !== false;
      if (
        updates &&
        (!item || item.price !== l.unitPrice || (!item.supplierCode && l.supplierCode))
      )
        emit(ctx, 'supplier_item.saved', itemId, {
          id: itemId,
          supplierId: input.supplierId,
          variantId: l.variantId,
          supplierCode: item?.supplierCode ?? l.supplierCode ?? null,
          price: l.unitPrice,
          packSize: item?.packSize ?? 1,
          minOrderQty: item?.minOrderQty ?? 1,
          active: item?.active ?? true,
        });
      return {
        variantId: l.variantId,
        supplierItemId: item || updates ? itemId : null,
        supplierCode: l.supplierCode ?? null,
        description: l.description,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        amount: l.amount,
        priceBefore: item?.price ?? null,
      };
    });
    const totalCompany = toCompanyMinor(input.total, rate, supplierMinor, company.minorUnits);
    // The invoice's event holds no larger total (core/events/numbers.ts).
    if (totalCompany > MAX_MINOR)
      throw validationError([
        { field: 'total', message: "comes to more than can be recorded in the company's currency" },
      ]);
    emit(ctx, 'supplier_invoice.posted', row.id, {
      invoiceId: row.id,
      branchId: row.branchId,
      kind: input.kind,
      supplierId: input.supplierId,
      number: input.number,
      date: input.date,
      currencyCode: input.currencyCode,
      rate,
      orderId: input.orderId ?? null,
      subtotal: input.subtotal,
      tax: input.tax,
      total: input.total,
      totalCompany,
      lines,
      variantIds: [...new Set(lines.flatMap((l) => (l.variantId ? [l.variantId] : [])))],
    });
    return { invoiceId: row.id, postedBy: actor.userId };
  },
});

/**
 * Undoes a posting with new entries: the invoice no longer counts towards costs, and each
 * supplier price it set goes back to what it was, unless someone has changed it since.
 */
export const reverseInvoice = command({
  access: 'invoices.post',
  input: z.object({
    invoiceId: id,
    reason: z
      .string()
      .trim()
      .min(3, 'must say why, in at least 3 characters')
      .max(300, 'is too long'),
  }),
  handler: (ctx, input) => {
    refuseIfNotHere(ctx, 'supplier_invoice.reversed');
    const row = invoiceOf(ctx.db, input.invoiceId);
    if (row.status !== 'posted')
      throw new DomainError(
        'INVALID_STATE',
        `Only a posted invoice can be reversed; this one is ${row.status}.`,
        {
          status: row.status,
        },
      );
    const lines = postedLines(ctx.db, row.id);
    for (const l of lines) {
      if (!l.variantId || l.priceBefore === null || row.kind !== 'invoice' || !row.supplierId)
        continue;
      const item = itemFor(ctx.db, row.supplierId, l.variantId);
      if (!item || item.price !== l.unitPrice) continue;
      emit(ctx, 'supplier_item.saved', item.id, {
        id: item.id,
        supplierId: row.supplierId,
        variantId: l.variantId,
        supplierCode: item.supplierCode,
        price: l.priceBefore,
        packSize: item.packSize,
        minOrderQty: item.minOrderQty,
        active: item.active,
      });
    }
    emit(ctx, 'supplier_invoice.reversed', row.id, {
      invoiceId: row.id,
      reason: input.reason,
      variantIds: [...new Set(lines.flatMap((l) => (l.variantId ? [l.variantId] : [])))],
    });
    return { invoiceId: row.id };
  },
});
