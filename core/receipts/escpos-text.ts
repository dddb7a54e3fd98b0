// What every slip the receipt printer prints shares (a sale's or a return's receipt, the day's Z
// report): the encoder set up for ESC/POS, the paper's columns, text made safe and printable,
// and a writer that lays out "label … value" pairs that never run past the paper's edge.
//
// Text outside ASCII. The encoder chooses, per stretch of text, a code page the printer has
// (Epson's numbering, which most ESC/POS printers follow): Cyrillic, Greek, Central European,
// Turkish, Hebrew and Arabic letters print from one. Right-to-left text is put in display
// order first (core/pdf/bidi.ts), as the printer prints left to right; Arabic letters then
// print in their unjoined forms, which is what code pages hold. Scripts no printer code page
// has (Ethiopic/Amharic, Chinese, Japanese kanji, emoji) would print as "?": callers then print
// something else in their place (escpos.ts says what), and amounts whose symbol cannot print
// (ብር) are written with the ISO code (ETB 12.50), dates and numbers in Arabic-Indic digits
// with Latin digits (which read better among Latin labels).
import ReceiptPrinterEncoder, {
  type ReceiptPrinterEncoderOptions,
} from '@point-of-sale/receipt-printer-encoder';
import type { Currency } from '../locale/amounts';
import { embeddingLevels, hasRightToLeft, mirrored, visualIndices } from '../pdf/bidi';
import { money, quantity } from './format';

export type PaperWidth = 58 | 80;

/** Characters per line in the printer's standard font (12×24 dots) on each paper. */
export const columnsOf: Readonly<Record<PaperWidth, number>> = { 58: 32, 80: 48 };

// Printable dots per line at 203 dpi; a barcode wider than this is cut off by the printer.
export const dotsOf: Readonly<Record<PaperWidth, number>> = { 58: 384, 80: 512 };

const encoderOptions = {
  language: 'esc-pos',
  codepageMapping: 'epson',
  // Stray bytes from an unusual input must never stop a receipt: the encoder warns, not throws.
  errors: 'relaxed',
} as const satisfies ReceiptPrinterEncoderOptions;

const question = 0x3f;
const escape = 0x1b;
const selectCodePage = 0x74;

/**
 * Whether the bytes the encoder wrote for one character (a code page choice, the character, the
 * line's end) print it as text. The encoder writes "?" for a character none of its code pages
 * holds; and code page 437 holds arrows, card suits and smileys at the control bytes (← is 0x1B,
 * ESC), which a printer takes as commands, not glyphs.
 */
function printsAsText(bytes: Uint8Array): boolean {
  let i = 0;
  while (bytes[i] === escape && bytes[i + 1] === selectCodePage) i += 3;
  let end = bytes.length;
  while (end > i && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  if (end === i) return false;
  for (let j = i; j < end; j++) {
    const byte = bytes[j] ?? 0;
    if (byte === question || byte < 0x20 || byte === 0x7f) return false;
  }
  return true;
}

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
    known = character === '?' || printsAsText(bytes);
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
export const clean = (text: string): string =>
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
export function forPrinter(text: string): string | null {
  const shown = displayOrder(clean(text));
  return shown !== '' && canPrint(shown) ? shown : null;
}

/**
 * Dates and amounts: printable, and in Latin digits. Arabic-Indic digits exist in a code page,
 * but the printer lays them out left to right among Latin labels; a clerk reading the receipt
 * back to a customer is better served by 0-9.
 */
export const canPrintNumber = (text: string): boolean =>
  !/[^\P{Nd}0-9]/u.test(text) && canPrint(clean(text));

/** A date in numbers, as the printer lays it out: plain ASCII (no Arabic comma among digits). */
export const canPrintDate = (text: string): boolean => /^[\x20-\x7e]*$/.test(clean(text));

/** A slip being written: the encoder, and the layouts every slip uses. */
export interface Slip {
  e: ReceiptPrinterEncoder;
  columns: number;
  /** A label on the left and a value on the right, the value never cut. */
  pair(left: string, right: string): void;
  rule(): void;
  amount(minor: number): string;
  count(n: number): string;
}

/** A new slip for the paper, in the company's currency and locale, initialized and in auto code page. */
export function startSlip(width: PaperWidth, currency: Currency, locale: string): Slip {
  const columns = columnsOf[width];
  const e = new ReceiptPrinterEncoder({ ...encoderOptions, columns });
  e.initialize().codepage('auto');
  return {
    e,
    columns,
    pair: (left, right) => {
      const valueWidth = Math.min(Math.max(right.length, 1), columns - 4);
      e.table(
        [
          { width: columns - valueWidth - 1, align: 'left', marginRight: 1 },
          { width: valueWidth, align: 'right' },
        ],
        [[left, right]],
      );
    },
    rule: () => e.line('-'.repeat(columns)),
    amount: (minor) => clean(money(minor, currency, locale, canPrintNumber)),
    count: (n) => clean(quantity(n, locale, canPrintNumber)),
  };
}
