// An 80 mm till-roll invoice, as small shops and fuel stations hand out: everything in one
// narrow column, each line's description above its "qty x price" row, the page as long as the
// roll. Ethiopian fiscal printers head the number "FS No.".
import { textWidth } from './fonts';
import { formatAmount, formatDate } from './format';
import { Sheet } from './sheet';
import type { Extras } from './truth';
import type { DrawnPage, InvoiceTruth } from './types';

const WIDTH = (80 * 72) / 25.4;
const MARGIN = 10;
const RIGHT = WIDTH - MARGIN;
const SIZE = 7.5;
const STEP = SIZE * 1.55;

/** Laid out twice: once to learn the height, once on a page that tall. */
function draw(sheet: Sheet, truth: InvoiceTruth, extras: Extras): number {
  const s = extras.supplier;
  const amount = (minor: number) => formatAmount(minor, 'en');
  let y = MARGIN;
  const centre = (text: string, size = SIZE, font: 'regular' | 'bold' = 'regular') => {
    sheet.centre(text, y, size, font);
    y += size * 1.55;
  };
  const pair = (label: string, value: string, font: 'regular' | 'bold' = 'regular') => {
    sheet.text(label, MARGIN, y, SIZE, font);
    sheet.right(value, RIGHT, y, SIZE, font);
    y += STEP;
  };
  const nameSize = textWidth(truth.supplierName, s.script, 11) > RIGHT - MARGIN ? 9 : 11;
  sheet.centre(truth.supplierName, y, nameSize, s.script);
  y += nameSize * 1.6;
  if (s.latinName) centre(s.latinName);
  centre(s.address);
  if (s.phone) centre(`Tel ${s.phone}`);
  if (s.taxId) centre(`TIN ${s.taxId}`);
  if (s.email) centre(s.email);
  y += 4;
  centre(truth.kind === 'credit' ? 'CREDIT NOTE' : 'CASH / CREDIT SALES INVOICE', SIZE + 1, 'bold');
  pair(truth.kind === 'credit' ? 'Credit Note No.' : 'FS No.', truth.number, 'bold');
  pair('Date', `${formatDate(truth.date, 'dmy')} 10:42`);
  if (truth.orderReference) pair('PO', truth.orderReference);
  if (extras.correctsInvoice) pair('Ref. FS', extras.correctsInvoice);
  pair('Buyer TIN', extras.buyer.taxId);
  pair(extras.decoy.label, amount(extras.decoy.amount));
  sheet.rule(MARGIN, y, RIGHT, y);
  y += 4;
  for (const line of truth.lines) {
    sheet.text(line.description, MARGIN, y, SIZE);
    y += STEP;
    sheet.text(`${line.quantity} x ${amount(line.unitPrice)}`, MARGIN + 8, y, SIZE);
    sheet.right(`*${amount(line.amount)}`, RIGHT, y, SIZE);
    y += STEP;
  }
  sheet.rule(MARGIN, y, RIGHT, y);
  y += 4;
  pair('TXBL', amount(truth.subtotal));
  pair(`TAX ${extras.taxRate}%`, amount(truth.tax));
  pair(`TOTAL ${truth.currency}`, amount(truth.total), 'bold');
  y += 4;
  centre(s.bank);
  centre('Thank you!');
  return y + MARGIN;
}

export function drawReceipt(truth: InvoiceTruth, extras: Extras): DrawnPage[] {
  const height = draw(new Sheet(WIDTH, 1), truth, extras);
  const sheet = new Sheet(WIDTH, height);
  draw(sheet, truth, extras);
  return [sheet.page()];
}
