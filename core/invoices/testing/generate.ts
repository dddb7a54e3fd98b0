// Realistic supplier invoices for tests and the reading benchmark (decision 0033): from a seed,
// the facts of an invoice (its truth) and the pages that print them in one of several layouts,
// as a PDF, a scan or a phone photo, and the words a perfect reader would find.
//
// Amounts in the truth are minor units; how each layout prints them is in ./a4.ts A4_SPECS and
// ./receipt.ts. A seed gives the same facts in every layout (only `layout` differs, and the
// line codes, null where a layout prints none), so one seed compares layouts; and the same
// invoice whether or not its own layout is passed, as the layout is drawn from the seed first.
import type { Page } from '../document';
import { A4_SPECS, drawA4 } from './a4';
import { wordBoxes } from './fonts';
import { seededRandom } from './random';
import { drawReceipt } from './receipt';
import { makeTruth } from './truth';
import type { AmountStyle } from './format';
import { LAYOUTS, type GeneratedInvoice, type LayoutName } from './types';

export { LAYOUTS } from './types';
export type {
  DrawnPage,
  FontName,
  GeneratedInvoice,
  InvoiceTruth,
  LayoutName,
  Rule,
  Run,
  TruthLine,
} from './types';
export { formatAmount, formatDate, type AmountStyle, type DateStyle } from './format';
export { invoiceImage, invoicePdf, phonePhoto, pixelSize } from './render';

export function makeInvoice(seed: number, layout?: LayoutName): GeneratedInvoice {
  const random = seededRandom(seed);
  const drawn = random.pick(LAYOUTS);
  const chosen = layout ?? drawn;
  const { truth, extras } = makeTruth(random, chosen);
  const pages =
    chosen === 'receipt-narrow'
      ? drawReceipt(truth, extras)
      : drawA4(truth, extras, A4_SPECS[chosen]);
  return { truth, pages };
}

/** How the layout prints amounts: en 1,234.50; eu 1 234,50; plain 1234.50 (./format.ts). */
export function amountStyleOf(layout: LayoutName): AmountStyle {
  return layout === 'receipt-narrow' ? 'en' : A4_SPECS[layout].amounts;
}

/** The words of every run with their boxes in points: the text layer of a perfect PDF. */
export function truthWords(inv: GeneratedInvoice): Page[] {
  return inv.pages.map((page, i) => ({
    number: i + 1,
    width: page.width,
    height: page.height,
    unit: 'pt',
    words: page.runs.flatMap((run) => wordBoxes(run).map((box) => ({ ...box, confidence: 1 }))),
  }));
}
