// A receipt as ESC/POS bytes for a thermal receipt printer, 58 mm (32 columns) or 80 mm (48),
// built with @point-of-sale/receipt-printer-encoder: it knows the code page tables and numbers
// of the common printers, picks a code page per stretch of text, lays out columns and encodes
// CODE128. The same bytes go to a printer over the network (tcp.ts), or over a serial or USB
// port where the platform offers one; those are for the hardware and not tested here:
//   - serial: written as they are at the printer's speed (9600 or 19200 baud, 8N1 on most; its
//     self-test page says), e.g. with `serialport` from the Electron main process;
//   - USB: a printer-class device takes them on its bulk OUT endpoint (`usb` in the main
//     process); on Windows the vendor's driver often claims the device, and its virtual COM
//     port (serial, above) is the way in.
// core/ stays free of those native modules: it only makes the bytes.
//
// Text a printer's code pages lack (./escpos-text.ts says which scripts they hold):
//   - a product whose name has any such letter prints its SKU in the name's place (a clerk
//     and customer can match the SKU with the shelf label; a name of question marks says
//     nothing), the whole name, not its printable part, so "ቡና Large" never reads "Large";
//   - the shop's name falls back to the shop's code, an unprintable clerk or customer name is
//     left out (the customer's points still print), as is an unprintable reason or tier.
// The PDF receipt (pdf.ts) prints every script as it is.
import { formatSoldAt, labels, methodLabel, taxLabel } from './format';
import {
  canPrintDate,
  clean,
  dotsOf,
  forPrinter,
  startSlip,
  type PaperWidth,
  type Slip,
} from './escpos-text';
import type { Receipt } from './receipt';

export { canPrint, columnsOf, type PaperWidth } from './escpos-text';

export interface EncodeOptions {
  width: PaperWidth;
  /** IANA zone for the printed time; the computer's when not given. */
  timeZone?: string;
}

/** CODE128 set B: 11 modules a character plus start, check and stop (35 with the quiet zones). */
const barcodeModules = (value: string) => 11 * value.length + 35;

/** Each line: its name, quantity × price and what that comes to, then its discount if any. */
function printLines(slip: Slip, receipt: Receipt): void {
  const { e, pair, amount, count } = slip;
  for (const line of receipt.lines) {
    e.line(forPrinter(line.name) ?? clean(line.sku));
    pair(
      `  ${count(line.quantity)} x ${amount(line.unitPrice)}`,
      amount(line.quantity * line.unitPrice),
    );
    if (line.discount > 0) pair(`  ${labels.discount}`, amount(-line.discount));
  }
}

/**
 * Subtotal, discount, reward and taxes added on top, the total, then taxes the prices held:
 * read down, each figure follows from the ones above it.
 */
function printTotals(slip: Slip, receipt: Receipt): void {
  const { e, pair, amount } = slip;
  const added = receipt.taxIncluded ? [] : receipt.taxes;
  if (receipt.discount > 0 || receipt.reward > 0 || added.length > 0) {
    const gross = receipt.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0);
    pair(labels.subtotal, amount(gross));
    if (receipt.discount > 0) pair(labels.discount, amount(-receipt.discount));
    if (receipt.reward > 0) pair(labels.reward, amount(-receipt.reward));
    for (const tax of added) pair(taxLabel(tax.rateBp, false), amount(tax.amount));
  }
  e.bold(true).size(1, 2);
  pair(receipt.kind === 'return' ? labels.refund : labels.total, amount(receipt.total));
  e.size(1, 1).bold(false);
  if (receipt.taxIncluded)
    for (const tax of receipt.taxes) pair(taxLabel(tax.rateBp, true), amount(tax.amount));
}

function printPayments(slip: Slip, receipt: Receipt): void {
  if (receipt.payments.length === 0) return;
  const { e, pair, amount } = slip;
  for (const payment of receipt.payments) {
    pair(forPrinter(methodLabel(payment.method)) ?? clean(payment.method), amount(payment.amount));
    if (payment.tendered !== null) pair(`  ${labels.tendered}`, amount(payment.tendered));
    const reference = payment.reference === null ? null : forPrinter(payment.reference);
    if (reference !== null) e.line(`  ${reference}`);
  }
  if (receipt.kind === 'sale') pair(labels.change, amount(receipt.change));
}

function printCustomer(slip: Slip, receipt: Receipt): void {
  const customer = receipt.customer;
  if (!customer) return;
  const { pair, rule, count } = slip;
  rule();
  const name = forPrinter(customer.name);
  if (name !== null) pair(labels.customer, name);
  const tier = customer.tier === null ? null : forPrinter(customer.tier);
  if (tier !== null) pair(labels.tier, tier);
  const sale = receipt.kind === 'sale';
  // Earned prints even when nothing was (the customer sees the program counts them).
  if (customer.pointsIn > 0 || (sale && customer.points !== null))
    pair(sale ? labels.pointsEarned : labels.pointsGivenBack, count(customer.pointsIn));
  if (customer.pointsOut > 0)
    pair(sale ? labels.pointsRedeemed : labels.pointsTakenBack, count(customer.pointsOut));
  if (customer.points !== null) pair(labels.pointsBalance, count(customer.points));
}

export function encodeReceipt(receipt: Receipt, options: EncodeOptions): Uint8Array {
  const slip = startSlip(options.width, receipt.currency, receipt.locale);
  const { e, pair, rule } = slip;

  e.align('center').bold(true).size(2, 2);
  e.line(forPrinter(receipt.shopName) ?? clean(receipt.shopCode));
  e.size(1, 1).bold(false);
  e.line(clean(formatSoldAt(receipt.soldAt, receipt.locale, options.timeZone, canPrintDate)));
  e.align('left');
  if (receipt.kind === 'return') pair(labels.return, clean(receipt.number));
  pair(labels.sale, clean(receipt.saleNumber ?? receipt.number));
  const clerk = forPrinter(receipt.clerk);
  if (clerk !== null) pair(labels.clerk, clerk);
  rule();
  printLines(slip, receipt);
  rule();
  printTotals(slip, receipt);
  printPayments(slip, receipt);
  const reason = receipt.reason === null ? null : forPrinter(receipt.reason);
  if (reason !== null) e.line(`${labels.reason}: ${reason}`);
  printCustomer(slip, receipt);

  e.newline().align('center');
  const number = clean(receipt.number);
  const wide = barcodeModules(number) * 2 <= dotsOf[options.width];
  e.barcode(number, 'code128', { height: 60, width: wide ? 2 : 1, text: 'below' });
  e.line(labels.thanks);
  e.cut();
  return e.encode();
}
