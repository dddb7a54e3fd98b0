// The printed papers of a trip (decision 0034): the trip sheet the driver takes (stops in order,
// what to load and hand over, a line for cash) and a delivery's note (what was delivered, damaged
// and short, what came back, what was collected, the signature). Dated from the trip, never the
// clock, so the same trip prints to the same bytes.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow } from '../db/rows';
import { getMeta } from '../db/meta';
import { DomainError } from '../errors';
import type { FileStore } from '../files/store';
import { companyTimeZone } from '../locale/day';
import { companyCurrency, formatMoney, type Currency } from '../locale/money';
import { formatDateTime, Sheet, styles, type Column } from '../pdf/layout';
import { formatQuantity } from '../pdf/money';
import { imageSize } from '../pdf/slip';
import { proofOf, tripDetail, type TripDetail } from './queries';

interface Print {
  company: string;
  currency: Currency;
  timeZone: string;
}

const printOf = (db: Db): Print => ({
  company: getMeta(db, 'company.name')?.trim() || 'Factory-Shop',
  currency: companyCurrency(db),
  timeZone: companyTimeZone(db),
});

function start(p: Print, title: string, subject: string, at: number, heading: string): Sheet {
  const sheet = new Sheet({
    title,
    subject,
    createdAt: new Date(at),
    modifiedAt: new Date(at),
    runningHead: `${p.company} · ${title} (continued)`,
    footer: `${p.company} · ${title}`,
  });
  sheet.line(p.company, styles.company);
  sheet.gap(2);
  sheet.line(heading, styles.title);
  sheet.gap(4);
  sheet.hr();
  sheet.gap(6);
  return sheet;
}

const stopFields = (s: TripDetail['stops'][number]): [string, string][] => [
  ['Customer', s.customerName ?? s.customerId],
  ['Order', s.orderNumber],
  ['Address', s.address ?? 'not recorded'],
  ['Phone', s.phone ?? 'not recorded'],
];

export async function tripSheetPdf(db: Db, tripId: string): Promise<Buffer> {
  const trip = tripDetail(db, tripId);
  const p = printOf(db);
  const sheet = start(
    p,
    `Trip ${trip.number}`,
    `Trip sheet ${trip.number}`,
    trip.plannedAt,
    `Trip ${trip.number}`,
  );
  sheet.fields([
    ['Branch', trip.branchName ?? trip.branchId],
    ['Day', trip.day],
    ['Driver', trip.driverName ?? trip.driverId],
    ['Vehicle', trip.vehicle],
    ['Stops', String(trip.stops.length)],
    ['Status', trip.status],
  ]);
  const columns: Column[] = [
    { header: 'No', width: 28, align: 'right' },
    { header: 'SKU', width: 90 },
    { header: 'Item', width: 200, wrap: true },
    { header: 'Load', width: 60, align: 'right' },
    { header: 'Value', width: 90, align: 'right' },
  ];
  for (const s of trip.stops) {
    sheet.heading(`Stop ${s.seq}: ${s.customerName ?? s.customerId}`);
    sheet.fields(stopFields(s));
    sheet.table(
      columns,
      s.lines.map((l) => [
        String(l.lineNo),
        l.sku,
        l.name,
        formatQuantity(l.quantity),
        formatMoney(l.quantity * l.unitPrice, p.currency),
      ]),
    );
    sheet.gap(3);
    sheet.line(`Order total ${formatMoney(s.orderTotal, p.currency)} · ${s.status}`, styles.bold, {
      align: 'right',
    });
  }
  sheet.heading('Cash handed in');
  sheet.fields([
    ['Expected', trip.cashExpected === null ? '' : formatMoney(trip.cashExpected, p.currency)],
    ['Counted', trip.cashCounted === null ? '' : formatMoney(trip.cashCounted, p.currency)],
  ]);
  return sheet.finish();
}

/** A delivery's note with its proof and signature: for the customer, the portal and Telegram. */
export async function deliveryNotePdf(db: Db, files: FileStore, orderId: string): Promise<Buffer> {
  const proof = proofOf(db, orderId);
  const stop = parseRow(
    z.object({ tripId: z.string() }),
    db.sqlite
      .prepare(
        `SELECT trip_id AS tripId FROM trip_stops WHERE order_id = ? AND status = 'delivered'`,
      )
      .get(orderId),
  );
  if (!proof || !stop)
    throw new DomainError(
      'INVALID_STATE',
      'orderId: this order has not been delivered with a proof yet; its delivery note comes with the proof.',
      { field: 'orderId' },
    );
  const trip = tripDetail(db, stop.tripId);
  const s = trip.stops.find((x) => x.orderId === orderId);
  if (!s) throw new DomainError('NOT_FOUND', 'orderId: the delivered stop is not on its trip.');
  const p = printOf(db);
  const title = `Delivery note ${s.orderNumber}`;
  const sheet = start(p, title, `${title}, ${s.customerName ?? ''}`, proof.deliveredAt, title);
  sheet.fields([
    ...stopFields(s),
    ['Trip', `${trip.number} (${trip.day})`],
    ['Driver', trip.driverName ?? trip.driverId],
    ['Delivered', formatDateTime(proof.deliveredAt, p.timeZone)],
    ['Vehicle', trip.vehicle],
  ]);
  sheet.heading('Goods');
  const byNo = new Map(s.lines.map((l) => [l.lineNo, l]));
  sheet.table(
    [
      { header: 'No', width: 28, align: 'right' },
      { header: 'SKU', width: 80 },
      { header: 'Item', width: 150, wrap: true },
      { header: 'Loaded', width: 48, align: 'right' },
      { header: 'Delivered', width: 55, align: 'right' },
      { header: 'Damaged', width: 52, align: 'right' },
      { header: 'Short', width: 42, align: 'right' },
      { header: 'Reason', width: 110, wrap: true },
    ],
    proof.lines.map((l) => [
      String(l.lineNo),
      byNo.get(l.lineNo)?.sku ?? '',
      byNo.get(l.lineNo)?.name ?? '',
      formatQuantity(l.loaded),
      formatQuantity(l.delivered),
      formatQuantity(l.damaged),
      formatQuantity(l.short),
      l.reason ?? '',
    ]),
  );
  const value = proof.lines.reduce(
    (sum, l) => sum + l.delivered * (byNo.get(l.lineNo)?.unitPrice ?? 0),
    0,
  );
  sheet.gap(3);
  sheet.line(`Delivered value ${formatMoney(value, p.currency)}`, styles.bold, { align: 'right' });
  if (proof.returns.length > 0) {
    sheet.heading('Returned (crates and empties)');
    sheet.table(
      [
        { header: 'SKU', width: 90 },
        { header: 'Item', width: 240 },
        { header: 'Quantity', width: 70, align: 'right' },
      ],
      proof.returns.map((r) => [r.sku ?? r.variantId, r.name ?? '', formatQuantity(r.quantity)]),
    );
  }
  sheet.heading('Collected');
  sheet.paragraph(
    proof.collected > 0
      ? `${formatMoney(proof.collected, p.currency)} by ${(proof.method ?? '').replace('_', ' ')}${proof.reference ? `, reference ${proof.reference}` : ''}`
      : 'Nothing collected at this delivery.',
  );
  if (proof.note) sheet.paragraph(`Note: ${proof.note}`);
  sheet.heading('Received by');
  sheet.fields([
    ['Signed by', proof.signedBy],
    ['Time', formatDateTime(proof.deliveredAt, p.timeZone)],
  ]);
  drawSignature(sheet, files, proof.signatureFile);
  return sheet.finish();
}

function drawSignature(sheet: Sheet, files: FileStore, hash: string): void {
  // A signature not yet synced to this PC prints as missing rather than failing the note.
  const bytes = files.has(hash) ? files.get(hash) : null;
  if (!bytes) {
    sheet.paragraph(
      'The signature image has not reached this computer yet; it is kept with the proof.',
    );
    return;
  }
  const natural = imageSize(bytes, 'image/png');
  const box: [number, number] = [
    Math.min(220, natural?.width ?? 220),
    Math.min(90, natural?.height ?? 90),
  ];
  sheet.ensure(box[1] + 8);
  try {
    sheet.doc.image(bytes, sheet.left, sheet.y, { fit: box });
    sheet.y += box[1] + 4;
  } catch {
    sheet.paragraph('The signature image could not be read (the file may be damaged).');
  }
}
