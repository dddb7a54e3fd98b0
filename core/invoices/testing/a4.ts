// The A4 layouts. They share one skeleton (supplier, document facts, buyer, table, totals) but
// differ where real suppliers differ: the words of the labels, how amounts and dates are
// printed, the order of the columns, whether codes are printed, where the totals stand and
// whether the table goes over a page.
import { formatAmount, formatDate, type AmountStyle, type DateStyle } from './format';
import { A4, Sheet, drawRows, drawTable, type Column, type LabelRow } from './sheet';
import type { Extras } from './truth';
import type { DrawnPage, FontName, InvoiceTruth, LayoutName } from './types';

const MARGIN = 40;
const RIGHT = A4.width - MARGIN;

export interface A4Spec {
  title: { invoice: string; credit: string };
  numberLabel: string;
  dateLabel: string;
  dates: DateStyle;
  taxIdLabel: string;
  /** A row among the document's facts, or a sentence under the buyer ("Your order PO-…"). */
  order: (reference: string) => LabelRow | string;
  subtotalLabel: string;
  taxLabel: (rate: number) => string;
  totalLabel: string;
  amounts: AmountStyle;
  columns: readonly Column[];
  size: number;
  /** The title and document facts on the left, the supplier on the right. */
  titleLeft?: boolean;
  totalsTop?: boolean;
  twoPages?: boolean;
  dueDate?: boolean;
}

const col = (key: Column['key'], header: string, x: number, align: Column['align'] = 'right') => ({
  key,
  header,
  x,
  align,
});

export const A4_SPECS: Readonly<Record<Exclude<LayoutName, 'receipt-narrow'>, A4Spec>> = {
  classic: {
    title: { invoice: 'INVOICE', credit: 'CREDIT NOTE' },
    numberLabel: 'Invoice No.',
    dateLabel: 'Date',
    dates: 'dmy',
    taxIdLabel: 'TIN',
    order: (ref) => ({ label: 'PO:', value: ref }),
    subtotalLabel: 'Subtotal',
    taxLabel: (rate) => `VAT ${rate}%`,
    totalLabel: 'Total',
    amounts: 'en',
    size: 9,
    dueDate: true,
    columns: [
      col('code', 'Code', MARGIN, 'left'),
      col('description', 'Description', 110, 'left'),
      col('quantity', 'Qty', 365),
      col('unitPrice', 'Unit Price', 450),
      col('amount', 'Amount', RIGHT),
    ],
  },
  modern: {
    title: { invoice: 'Tax Invoice', credit: 'Credit Note' },
    numberLabel: 'Invoice #',
    dateLabel: 'Issued',
    dates: 'd-mon-y',
    taxIdLabel: 'VAT No',
    order: (ref) => `Your order ${ref}`,
    subtotalLabel: 'Sub-total',
    taxLabel: () => 'Tax',
    totalLabel: 'Amount due',
    amounts: 'en',
    size: 9.5,
    titleLeft: true,
    columns: [
      col('description', 'Description', MARGIN, 'left'),
      col('unitPrice', 'Unit price', 390),
      col('quantity', 'Qty', 450),
      col('amount', 'Total', RIGHT),
    ],
  },
  compact: {
    title: { invoice: 'INVOICE', credit: 'CREDIT NOTE' },
    numberLabel: 'Inv. Number',
    dateLabel: 'Invoice date',
    dates: 'iso',
    taxIdLabel: 'Tax ID',
    order: (ref) => ({ label: 'Order ref.', value: ref }),
    subtotalLabel: 'Net amount',
    taxLabel: (rate) => `VAT ${rate}%`,
    totalLabel: 'Grand total',
    amounts: 'plain',
    size: 8,
    dueDate: true,
    columns: [
      col('quantity', 'Qty', 62),
      col('code', 'Item code', 72, 'left'),
      col('description', 'Description', 140, 'left'),
      col('unitPrice', 'Price', 470),
      col('amount', 'Amount', RIGHT),
    ],
  },
  'totals-top': {
    title: { invoice: 'INVOICE', credit: 'CREDIT NOTE' },
    numberLabel: 'Bill No',
    dateLabel: 'Date',
    dates: 'dmy-dots',
    taxIdLabel: 'TIN',
    order: (ref) => ({ label: 'PO:', value: ref }),
    subtotalLabel: 'Net amount',
    taxLabel: (rate) => `VAT ${rate}%`,
    totalLabel: 'TOTAL PAYABLE',
    amounts: 'eu',
    size: 9,
    totalsTop: true,
    columns: [
      col('description', 'Description', MARGIN, 'left'),
      col('quantity', 'Qty', 360),
      col('unitPrice', 'Rate', 450),
      col('amount', 'Amount', RIGHT),
    ],
  },
  'two-page': {
    title: { invoice: 'INVOICE', credit: 'CREDIT NOTE' },
    numberLabel: 'Invoice No',
    dateLabel: 'Invoice date',
    dates: 'mon-d-y',
    taxIdLabel: 'VAT Reg. No',
    order: (ref) => ({ label: 'Your order', value: ref }),
    subtotalLabel: 'Subtotal',
    taxLabel: (rate) => `VAT (${rate}%)`,
    totalLabel: 'Grand total',
    amounts: 'en',
    size: 9,
    twoPages: true,
    dueDate: true,
    columns: [
      col('index', '#', 55),
      col('code', 'Code', 65, 'left'),
      col('description', 'Description', 130, 'left'),
      col('quantity', 'Qty', 380),
      col('unitPrice', 'Unit Price', 465),
      col('amount', 'Line Total', RIGHT),
    ],
  },
  'columns-swapped': {
    title: { invoice: 'TAX INVOICE', credit: 'CREDIT NOTE' },
    numberLabel: 'Invoice Number',
    dateLabel: 'Date',
    dates: 'd-mon-y',
    taxIdLabel: 'Tax ID',
    order: (ref) => ({ label: 'P.O. No.', value: ref }),
    subtotalLabel: 'Sub-total',
    taxLabel: (rate) => `VAT ${rate}%`,
    totalLabel: 'Total',
    amounts: 'en',
    size: 9,
    titleLeft: true,
    columns: [
      col('code', 'Code', MARGIN, 'left'),
      col('description', 'Description', 110, 'left'),
      col('amount', 'Amount', 400),
      col('unitPrice', 'Unit price', 480),
      col('quantity', 'Quantity', RIGHT),
    ],
  },
};

/** The supplier's block: name as it is written, a Latin name if it is not Latin, then contacts. */
function supplierRows(extras: Extras, spec: A4Spec): string[] {
  const s = extras.supplier;
  return [
    ...(s.latinName ? [s.latinName] : []),
    s.address,
    ...(s.phone ? [`Tel: ${s.phone}`] : []),
    ...(s.email ? [`Email: ${s.email}`] : []),
    ...(s.taxId ? [`${spec.taxIdLabel}: ${s.taxId}`] : []),
    extras.supplier.bank,
  ];
}

function drawSupplier(
  sheet: Sheet,
  truth: InvoiceTruth,
  extras: Extras,
  spec: A4Spec,
  alignRight: boolean,
): number {
  const x = alignRight ? RIGHT : MARGIN;
  const write = (text: string, y: number, size: number, font: FontName) =>
    alignRight ? sheet.right(text, x, y, size, font) : sheet.text(text, x, y, size, font);
  write(truth.supplierName, MARGIN, 15, extras.supplier.script);
  let y = MARGIN + 24;
  for (const row of supplierRows(extras, spec)) {
    write(row, y, spec.size, 'regular');
    y += spec.size * 1.5;
  }
  return y;
}

/** The document's own facts: number, dates, order, and the amount that is not the total. */
function factRows(truth: InvoiceTruth, extras: Extras, spec: A4Spec): LabelRow[] {
  const credit = truth.kind === 'credit';
  const amount = (minor: number) => `${truth.currency} ${formatAmount(minor, spec.amounts)}`;
  const order = truth.orderReference ? spec.order(truth.orderReference) : null;
  return [
    { label: credit ? 'Credit Note No.' : spec.numberLabel, value: truth.number, bold: true },
    { label: spec.dateLabel, value: formatDate(truth.date, spec.dates) },
    ...(spec.dueDate ? [{ label: 'Due date', value: formatDate(extras.dueDate, spec.dates) }] : []),
    ...(order && typeof order !== 'string' ? [order] : []),
    ...(extras.correctsInvoice
      ? [{ label: 'Against invoice', value: extras.correctsInvoice }]
      : []),
    { label: 'Currency', value: truth.currency },
    { label: extras.decoy.label, value: amount(extras.decoy.amount) },
  ];
}

function drawBuyer(sheet: Sheet, truth: InvoiceTruth, extras: Extras, spec: A4Spec, top: number) {
  const order = truth.orderReference ? spec.order(truth.orderReference) : null;
  const rows = [
    extras.buyer.name,
    extras.buyer.address,
    `${spec.taxIdLabel}: ${extras.buyer.taxId}`,
    ...(typeof order === 'string' ? [order] : []),
  ];
  sheet.text('Bill to:', MARGIN, top, spec.size, 'bold');
  let y = top + spec.size * 1.6;
  for (const row of rows) {
    sheet.text(row, MARGIN, y, spec.size);
    y += spec.size * 1.5;
  }
  return y;
}

function totalRows(truth: InvoiceTruth, extras: Extras, spec: A4Spec): LabelRow[] {
  const amount = (minor: number) => formatAmount(minor, spec.amounts);
  return [
    { label: spec.subtotalLabel, value: amount(truth.subtotal) },
    { label: spec.taxLabel(extras.taxRate), value: amount(truth.tax) },
    { label: `${spec.totalLabel} ${truth.currency}`, value: amount(truth.total), bold: true },
  ];
}

function footer(sheet: Sheet, page: number, pages: number, size: number) {
  const y = A4.height - MARGIN - size;
  sheet.text(
    'Thank you for your business. Goods once sold are not returnable.',
    MARGIN,
    y,
    size - 1,
  );
  sheet.right(`Page ${page} of ${pages}`, RIGHT, y, size - 1);
}

/** Everything above the table on the first page; returns where the table may start. */
function drawHead(sheet: Sheet, truth: InvoiceTruth, extras: Extras, spec: A4Spec): number {
  const title = truth.kind === 'credit' ? spec.title.credit : spec.title.invoice;
  const facts = factRows(truth, extras, spec);
  let left: number;
  let right: number;
  if (spec.titleLeft) {
    sheet.text(title, MARGIN, MARGIN, 22, 'bold');
    left = drawRows(sheet, facts, MARGIN, 300, MARGIN + 36, spec.size);
    right = drawSupplier(sheet, truth, extras, spec, true);
  } else {
    left = drawSupplier(sheet, truth, extras, spec, false);
    sheet.right(title, RIGHT, MARGIN, 20, 'bold');
    right = drawRows(sheet, facts, 355, RIGHT, MARGIN + 34, spec.size);
  }
  const buyerEnd = drawBuyer(sheet, truth, extras, spec, Math.max(left, right) + 10);
  if (!spec.totalsTop) return buyerEnd + 16;
  const totalsEnd = drawRows(
    sheet,
    totalRows(truth, extras, spec),
    355,
    RIGHT,
    Math.max(left, right) + 10,
    spec.size + 1,
  );
  return Math.max(buyerEnd, totalsEnd) + 16;
}

/** The top of a following page: which document it continues, and whose. */
function drawContinuation(sheet: Sheet, truth: InvoiceTruth, extras: Extras, spec: A4Spec) {
  const title = truth.kind === 'credit' ? 'Credit Note No.' : spec.numberLabel;
  sheet.text(`${title} ${truth.number} (continued)`, MARGIN, MARGIN, spec.size + 2, 'bold');
  sheet.right(truth.supplierName, RIGHT, MARGIN, spec.size + 2, extras.supplier.script);
  return MARGIN + 40;
}

export function drawA4(truth: InvoiceTruth, extras: Extras, spec: A4Spec): DrawnPage[] {
  const table = {
    columns: spec.columns,
    size: spec.size,
    rowHeight: spec.size * 1.9,
    amounts: spec.amounts,
    left: MARGIN,
    right: RIGHT,
  };
  const first = new Sheet(A4.width, A4.height);
  const top = drawHead(first, truth, extras, spec);
  const pages = spec.twoPages ? 2 : 1;
  const split = spec.twoPages ? Math.ceil(truth.lines.length / 2) : truth.lines.length;
  let y = drawTable(first, table, truth.lines.slice(0, split), 0, top);
  footer(first, 1, pages, spec.size);
  let last = first;
  if (spec.twoPages) {
    first.right('continued on next page', RIGHT, y + 4, spec.size, 'bold');
    last = new Sheet(A4.width, A4.height);
    y = drawContinuation(last, truth, extras, spec);
    y = drawTable(last, table, truth.lines.slice(split), split, y);
    footer(last, 2, pages, spec.size);
  }
  if (!spec.totalsTop)
    drawRows(last, totalRows(truth, extras, spec), 355, RIGHT, y + 10, spec.size + 1);
  return spec.twoPages ? [first.page(), last.page()] : [first.page()];
}
