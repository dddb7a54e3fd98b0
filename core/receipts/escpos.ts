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
// Text outside ASCII. The encoder chooses, per stretch of text, a code page the printer has
// (Epson's numbering, which most ESC/POS printers follow): Cyrillic, Greek, Central European,
// Turkish, Hebrew and Arabic letters print from one. Right-to-left text is put in display
// order first (core/pdf/bidi.ts), as the printer prints left to right; Arabic letters then
// print in their unjoined forms, which is what code pages hold. Scripts no printer code page
// has (Ethiopic/Amharic, Chinese, Japanese kanji, emoji) would print as "?": instead
//   - a product whose name has any such letter prints its SKU in the name's place (a clerk
//     and customer can match the SKU with the shelf label; a name of question marks says
//     nothing), the whole name, not its printable part, so "ቡና Large" never reads "Large";
//   - the shop's name falls back to the shop's code, an unprintable clerk or customer name is
//     left out (the customer's points still print);
//   - amounts whose symbol cannot print (ብር) are written with the ISO code (ETB 12.50), dates
//     and numbers in Arabic-Indic digits with Latin digits (which read better among Latin labels).
// The PDF receipt (pdf.ts) prints every script as it is.
import ReceiptPrinterEncoder, {
  type ReceiptPrinterEncoderOptions,
} from '@point-of-sale/receipt-printer-encoder';
import { embeddingLevels, hasRightToLeft, mirrored, visualIndices } from '../pdf/bidi';
import { formatSoldAt, labels, methodLabel, money, quantity } from './format';
import type { Receipt } from './receipt';

export type PaperWidth = 58 | 80;

/** Characters per line in the printer's standard font (12×24 dots) on each paper. */
export const columnsOf: Readonly<Record<PaperWidth, number>> = { 58: 32, 80: 48 };

// Printable dots per line at 203 dpi; a barcode wider than this is cut off by the printer.
const dotsOf: Readonly<Record<PaperWidth, number>> = { 58: 384, 80: 512 };

export interface EncodeOptions {
  width: PaperWidth;
  /** IANA zone for the printed time; the computer's when not given. */
  timeZone?: string;
}

const encoderOptions = {
  language: 'esc-pos',
  codepageMapping: 'epson',
  // Stray bytes from an unusual input must never stop a receipt: the encoder warns, not throws.
  errors: 'relaxed',
} as const satisfies ReceiptPrinterEncoderOptions;

const question = 0x3f;
// Per character, not per text: the encoder's search through its code pages is slow for a
// character none of them has (about 2 ms each), and a shop's names share their characters.
const printable = new Map<number, boolean>();

function canPrintCharacter(codePoint: number): boolean {
  let known = printable.get(codePoint);
  if (known === undefined) {
    const character = String.fromCodePoint(codePoint);
    const bytes = new ReceiptPrinterEncoder({ ...encoderOptions, columns: columnsOf[80] })
      .codepage('auto')
      .text(character)
      .encode();
    // The encoder writes "?" for a character none of its code pages holds.
    known = character === '?' || !bytes.includes(question);
    // Only a flood of distinct characters (random input) gets here; memory stays bounded.
    if (printable.size > 50_000) printable.clear();
    printable.set(codePoint, known);
  }
  return known;
}

/** Whether the printer can print the text as it is, from the code pages the encoder knows. */
export function canPrint(text: string): boolean {
  for (const character of text)
    if (!canPrintCharacter(character.codePointAt(0) ?? question)) return false;
  return true;
}

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/**
 * Control characters out (an ESC in a product name would be a printer command), format
 * characters (direction marks, joiners) dropped, every kind of space a plain one, and accents
 * typed as separate marks composed (code pages hold "é", not "e" and a combining accent).
 */
const clean = (text: string): string =>
  text
    .normalize('NFC')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** Right-to-left stretches reversed into the order the printer must print them, left to right. */
function displayOrder(text: string): string {
  if (!hasRightToLeft(text)) return text;
  const clusters = Array.from(graphemes.segment(text), (g) => g.segment);
  const levels = embeddingLevels(clusters);
  return visualIndices(levels)
    .map((i) => {
      const cluster = clusters[i] ?? '';
      return (levels[i] ?? 0) % 2 === 1 ? mirrored(cluster) : cluster;
    })
    .join('');
}

/** The text as the printer should get it, or null when it cannot print it. */
function forPrinter(text: string): string | null {
  const shown = displayOrder(clean(text));
  return shown !== '' && canPrint(shown) ? shown : null;
}

/**
 * Dates and amounts: printable, and in Latin digits. Arabic-Indic digits exist in a code page,
 * but the printer lays them out left to right among Latin labels; a clerk reading the receipt
 * back to a customer is better served by 0-9.
 */
const canPrintNumber = (text: string): boolean =>
  !/[^\P{Nd}0-9]/u.test(text) && canPrint(clean(text));

/** A date in numbers, as the printer lays it out: plain ASCII (no Arabic comma among digits). */
const canPrintDate = (text: string): boolean => /^[\x20-\x7e]*$/.test(clean(text));

/** CODE128 set B: 11 modules a character plus start, check and stop (35 with the quiet zones). */
const barcodeModules = (value: string) => 11 * value.length + 35;

export function encodeReceipt(receipt: Receipt, options: EncodeOptions): Uint8Array {
  const columns = columnsOf[options.width];
  const { currency, locale } = receipt;
  const amount = (minor: number) => clean(money(minor, currency, locale, canPrintNumber));
  const e = new ReceiptPrinterEncoder({ ...encoderOptions, columns });

  /** A label on the left and a value on the right, the value never cut. */
  const pair = (left: string, right: string) => {
    const width = Math.min(Math.max(right.length, 1), columns - 4);
    e.table(
      [
        { width: columns - width - 1, align: 'left', marginRight: 1 },
        { width, align: 'right' },
      ],
      [[left, right]],
    );
  };
  const rule = () => e.line('-'.repeat(columns));

  e.initialize().codepage('auto');
  e.align('center').bold(true).size(2, 2);
  e.line(forPrinter(receipt.shopName) ?? clean(receipt.shopCode));
  e.size(1, 1).bold(false);
  e.line(clean(formatSoldAt(receipt.soldAt, locale, options.timeZone, canPrintDate)));
  e.align('left');
  pair(labels.sale, clean(receipt.number));
  const clerk = forPrinter(receipt.clerk);
  if (clerk !== null) pair(labels.clerk, clerk);
  rule();

  for (const line of receipt.lines) {
    e.line(forPrinter(line.name) ?? clean(line.sku));
    pair(
      `  ${clean(quantity(line.quantity, locale, canPrintNumber))} x ${amount(line.unitPrice)}`,
      amount(line.lineTotal),
    );
  }
  rule();
  e.bold(true).size(1, 2);
  pair(labels.total, amount(receipt.total));
  e.size(1, 1).bold(false);

  if (receipt.payments.length > 0) {
    for (const payment of receipt.payments) {
      pair(
        forPrinter(methodLabel(payment.method)) ?? clean(payment.method),
        amount(payment.amount),
      );
      if (payment.tendered !== null) pair(`  ${labels.tendered}`, amount(payment.tendered));
      const reference = payment.reference === null ? null : forPrinter(payment.reference);
      if (reference !== null) e.line(`  ${reference}`);
    }
    pair(labels.change, amount(receipt.change));
  }

  const customer = receipt.customer;
  if (customer) {
    rule();
    const name = forPrinter(customer.name);
    if (name !== null) pair(labels.customer, name);
    if (customer.points !== null)
      pair(labels.points, clean(quantity(customer.points, locale, canPrintNumber)));
    const tier = customer.tier === null ? null : forPrinter(customer.tier);
    if (tier !== null) pair(labels.tier, tier);
  }

  e.newline().align('center');
  const number = clean(receipt.number);
  const wide = barcodeModules(number) * 2 <= dotsOf[options.width];
  e.barcode(number, 'code128', { height: 60, width: wide ? 2 : 1, text: 'below' });
  e.line(labels.thanks);
  e.cut();
  return e.encode();
}
