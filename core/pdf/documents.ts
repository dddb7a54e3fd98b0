// The printable documents of an order: the order sheet the shop sends, the payment proof
// finance files, and the dispatch note that travels with the goods and comes back signed.
import { documentTitles, sentence, statusLabel, stepLabel, type DocumentKind } from '../vocabulary';
import { formatQuantity } from './money';
import { defaultCurrency, formatMoney as formatIn } from '../locale/money';
import { drawSlip, slipVerification, type Slip } from './slip';
import { formatDateTime, Sheet, styles, type Column, type DocumentOptions } from './layout';
import type { OrderDetail } from '../orders/queries';

export type { DocumentOptions } from './layout';
export type { Slip } from './slip';
export { formatMoney } from './money';

export type OrderDocumentKind = DocumentKind;

/** A new document with the order's header: who it is from, which order, what it is. */
function startDocument(order: OrderDetail, kind: OrderDocumentKind, opts: DocumentOptions): Sheet {
  const title = documentTitles[kind];
  const company = opts.company?.trim() || order.factoryName;
  const sheet = new Sheet({
    title: `${title} — order ${order.number}`,
    subject: `${title} for order ${order.number}, ${order.shopName}`,
    createdAt: new Date(order.placedAt),
    modifiedAt: new Date(order.updatedAt),
    runningHead: `${company} · Order ${order.number} · ${title} (continued)`,
    footer: `${company} · Order ${order.number} · ${title}`,
  });
  const { text } = sheet;
  const split = sheet.width * 0.6;
  text.line(company, sheet.left, sheet.y, styles.company, { width: split });
  text.line(title.toUpperCase(), sheet.left + split, sheet.y, styles.company, {
    width: sheet.width - split,
    align: 'right',
  });
  sheet.gap(text.lineHeight(styles.company) + 2);
  sheet.line(`Order ${order.number}`, styles.title);
  sheet.gap(4);
  sheet.hr();
  sheet.gap(6);
  return sheet;
}

function placedBy(order: OrderDetail, timeZone: string | undefined): string {
  const when = formatDateTime(order.placedAt, timeZone);
  return order.placedByName ? `${when} by ${order.placedByName}` : when;
}

/** The fields every document shows about the order itself. */
function orderFields(order: OrderDetail, opts: DocumentOptions): [string, string][] {
  const fields: [string, string][] = [
    ['Shop', `${order.shopName} (${order.shopCode})`],
    ['Factory', order.factoryName],
    ['Placed', placedBy(order, opts.timeZone)],
    ['Status', sentence(statusLabel[order.status])],
  ];
  if (order.rejectionReason) fields.push(['Slip rejected', order.rejectionReason]);
  if (order.status === 'cancelled' && order.cancelReason)
    fields.push(['Cancelled', order.cancelReason]);
  return fields;
}

function linesSummary(order: OrderDetail): string {
  const items = order.lines.reduce((sum, l) => sum + l.quantity, 0);
  return `${order.lines.length} lines, ${formatQuantity(items)} items`;
}

/** Every amount in the company's currency, with its symbol and minor units. */
const money = (minor: number, opts: DocumentOptions) =>
  formatIn(minor, opts.currency ?? defaultCurrency);

// The renderers are async although they draw synchronously: a drawing error then rejects the
// promise like a stream error does, instead of throwing at the caller.
export async function renderOrderSheet(
  order: OrderDetail,
  opts: DocumentOptions = {},
): Promise<Buffer> {
  const sheet = startDocument(order, 'order_sheet', opts);
  const fields = orderFields(order, opts);
  fields.push(['Lines', linesSummary(order)]);
  sheet.fields(fields);

  sheet.heading('Items');
  const columns: Column[] = [
    { header: 'No', width: 28, align: 'right' },
    { header: 'SKU', width: 82 },
    { header: 'Item', width: 190 },
    { header: 'Qty', width: 50, align: 'right' },
    { header: 'Unit price', width: 80, align: 'right' },
    { header: 'Line total', width: 85, align: 'right' },
  ];
  sheet.table(
    columns,
    order.lines.map((l) => [
      String(l.lineNo),
      l.sku,
      l.name,
      formatQuantity(l.quantity),
      money(l.unitPrice, opts),
      money(l.lineTotal, opts),
    ]),
  );
  sheet.gap(4);
  sheet.line(`Total: ${money(order.total, opts)}`, styles.total, { align: 'right' });

  if (order.note) {
    sheet.heading('Note');
    sheet.paragraph(order.note);
  }
  timeline(sheet, order, opts);
  return sheet.finish();
}

function timeline(sheet: Sheet, order: OrderDetail, opts: DocumentOptions): void {
  if (order.timeline.length === 0) return;
  sheet.heading('History');
  sheet.table(
    [
      { header: 'Step', width: 110 },
      { header: 'When', width: 85 },
      { header: 'By', width: 110 },
      { header: 'Note', width: 210, wrap: true },
    ],
    order.timeline.map((t) => [
      stepLabel(t.step),
      formatDateTime(t.at, opts.timeZone),
      t.userName ?? t.userId,
      t.note ?? '',
    ]),
  );
}

export async function renderPaymentProof(
  order: OrderDetail,
  slip: Slip | null,
  opts: DocumentOptions = {},
): Promise<Buffer> {
  const sheet = startDocument(order, 'payment_proof', opts);
  const fields = orderFields(order, opts);
  fields.push(['Lines', linesSummary(order)]);
  sheet.fields(fields);
  sheet.gap(6);
  sheet.line(`Amount due: ${money(order.total - order.paid, opts)}`, styles.title);
  if (order.payments.length > 0) {
    sheet.heading('Payments received');
    sheet.table(
      [
        { header: 'Received on', width: 80 },
        { header: 'Reference', width: 150 },
        { header: 'Amount', width: 100, align: 'right' },
        { header: 'Due then', width: 100, align: 'right' },
        { header: 'Matches', width: 60 },
      ],
      order.payments.map((p) => [
        p.receivedOn,
        p.reference,
        money(p.amount, opts),
        money(p.due, opts),
        p.amount === p.due ? 'yes' : 'NO',
      ]),
    );
    sheet.line(`Paid ${money(order.paid, opts)} of ${money(order.total, opts)}`, styles.bold, {
      align: 'right',
    });
  }
  sheet.gap(4);
  sheet.fields([['Verification', slipVerification(order, slip, opts.timeZone)]], 1);

  if (order.slips.length > 1) {
    sheet.heading('All slips attached to this order');
    sheet.table(
      [
        { header: 'File', width: 190 },
        { header: 'Attached', width: 85 },
        { header: 'Status', width: 70 },
        { header: 'Reason', width: 170, wrap: true },
      ],
      order.slips.map((s) => [
        s.originalName,
        formatDateTime(s.attachedAt, opts.timeZone),
        s.status,
        s.reason ?? '',
      ]),
    );
  }
  drawSlip(sheet, slip, opts.timeZone);
  return sheet.finish();
}

/** What a line still owes: ordered, less what was sent and what was cancelled. */
const owed = (l: OrderDetail['lines'][number]) => l.quantity - l.dispatchedQty - l.cancelledQty;

export async function renderDispatchNote(
  order: OrderDetail,
  opts: DocumentOptions = {},
): Promise<Buffer> {
  const sheet = startDocument(order, 'dispatch_note', opts);
  const delivered = order.status === 'delivered';
  const tz = opts.timeZone;
  const fields = orderFields(order, opts);
  fields.push(
    ['Vehicle', order.vehicle ?? 'not recorded'],
    ['Driver', order.driverName ?? 'not recorded'],
    ['Planned dispatch', order.plannedDispatchOn ?? 'not planned'],
    [
      'Dispatched',
      order.dispatchedAt ? formatDateTime(order.dispatchedAt, tz) : 'not dispatched yet',
    ],
  );
  if (order.deliveredAt) fields.push(['Delivered', formatDateTime(order.deliveredAt, tz)]);
  sheet.fields(fields);

  sheet.heading('Goods');
  const columns: Column[] = [
    { header: 'No', width: 28, align: 'right' },
    { header: 'SKU', width: 82 },
    { header: 'Item', width: delivered ? 110 : 190 },
    { header: 'Ordered', width: 55, align: 'right' },
    { header: 'Dispatched', width: 60, align: 'right' },
    { header: 'Backorder', width: 65, align: 'right' },
  ];
  if (delivered)
    columns.push(
      { header: 'Received', width: 55, align: 'right' },
      { header: 'Short', width: 45, align: 'right' },
    );
  sheet.table(
    columns,
    order.lines.map((l) => {
      const row = [
        String(l.lineNo),
        l.sku,
        l.name,
        formatQuantity(l.quantity),
        formatQuantity(l.dispatchedQty),
        formatQuantity(owed(l)),
      ];
      if (!delivered) return row;
      const received = l.receivedQty;
      const short =
        received === null ? '' : formatQuantity(Math.max(0, l.dispatchedQty - received));
      return [...row, received === null ? '' : formatQuantity(received), short];
    }),
  );
  const sum = (pick: (l: OrderDetail['lines'][number]) => number) =>
    formatQuantity(order.lines.reduce((total, l) => total + pick(l), 0));
  sheet.gap(4);
  const receivedTotal = delivered ? `, received ${sum((l) => l.receivedQty ?? 0)}` : '';
  sheet.line(
    `Ordered ${sum((l) => l.quantity)}, dispatched ${sum((l) => l.dispatchedQty)}${receivedTotal}, back-ordered ${sum(owed)}`,
    styles.bold,
    { align: 'right' },
  );
  const cancelled = order.lines.reduce((n, l) => n + l.cancelledQty, 0);
  if (cancelled > 0)
    sheet.line(`Backorder cancelled: ${formatQuantity(cancelled)}`, styles.body, {
      align: 'right',
    });

  if (delivered) discrepancies(sheet, order);
  signatures(sheet, order);
  return sheet.finish();
}

function discrepancies(sheet: Sheet, order: OrderDetail): void {
  sheet.heading('Discrepancies');
  if (order.discrepancies.length === 0) {
    sheet.paragraph('None: everything dispatched arrived.');
    return;
  }
  sheet.table(
    [
      { header: 'No', width: 28, align: 'right' },
      { header: 'SKU', width: 82 },
      { header: 'Dispatched', width: 60, align: 'right' },
      { header: 'Received', width: 55, align: 'right' },
      { header: 'Short', width: 45, align: 'right' },
      { header: 'Note', width: 245, wrap: true },
    ],
    order.discrepancies.map((d) => [
      String(d.lineNo),
      d.sku,
      formatQuantity(d.dispatched),
      formatQuantity(d.received),
      formatQuantity(d.shortage),
      d.note ?? '',
    ]),
  );
}

/** Blanks for the driver and the receiving shop to sign on paper. */
function signatures(sheet: Sheet, order: OrderDetail): void {
  const lh = sheet.text.lineHeight(styles.body);
  sheet.ensure(40 + lh * 8);
  sheet.heading('Signatures');
  sheet.gap(4);
  const half = sheet.width / 2;
  const blocks: [string, string | null][] = [
    ['Driver', order.driverName],
    [`Received by (${order.shopName})`, null],
  ];
  const top = sheet.y;
  blocks.forEach(([title, name], i) => {
    const x = sheet.left + i * half;
    const width = half - 20;
    sheet.text.line(title, x, top, styles.bold, { width });
    ['Name', 'Signature', 'Date'].forEach((label, n) => {
      const y = top + lh * (1.8 + n * 2.2);
      sheet.text.line(label, x, y, styles.label, { width: 60 });
      if (label === 'Name' && name)
        sheet.text.line(name, x + 62, y - 1, styles.body, { width: width - 62 });
      const lineY = y + lh;
      sheet.doc
        .save()
        .moveTo(x + 60, lineY)
        .lineTo(x + width, lineY);
      sheet.doc.lineWidth(0.6).strokeColor('#444444').stroke().restore();
    });
  });
  sheet.y = top + lh * 8;
}
