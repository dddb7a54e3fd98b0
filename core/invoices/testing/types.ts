// The shapes the invoice generator hands out, kept apart from the drawing code so that the
// layouts, the renderers and the tests all import one definition.

export type LayoutName =
  | 'classic'
  | 'modern'
  | 'compact'
  | 'totals-top'
  | 'two-page'
  | 'columns-swapped'
  | 'receipt-narrow';

export const LAYOUTS: readonly LayoutName[] = [
  'classic',
  'modern',
  'compact',
  'totals-top',
  'two-page',
  'columns-swapped',
  'receipt-narrow',
];

/** Amounts in minor units (cents); quantity in whole units. */
export interface TruthLine {
  code: string | null;
  description: string;
  quantity: number;
  unitPrice: number;
  amount: number;
}

/** What a perfect reader would get back from the document. */
export interface InvoiceTruth {
  layout: LayoutName;
  kind: 'invoice' | 'credit';
  /** As printed: for a supplier with an Amharic, Arabic or Chinese name, that name. */
  supplierName: string;
  supplierTaxId: string | null;
  supplierPhone: string | null;
  supplierEmail: string | null;
  number: string;
  /** YYYY-MM-DD. */
  date: string;
  /** ISO 4217. */
  currency: string;
  /** The purchase order as printed after its label (e.g. "PO-000123"). */
  orderReference: string | null;
  lines: TruthLine[];
  subtotal: number;
  tax: number;
  total: number;
}

export type FontName = 'regular' | 'bold' | 'ethiopic' | 'arabic' | 'cjk';

/**
 * One piece of text in one font. x, y in PDF points from the page's top left; y is the top of
 * the text box. With align 'right', x is the right edge of the text rather than its left.
 */
export interface Run {
  text: string;
  x: number;
  y: number;
  size: number;
  font: FontName;
  align?: 'left' | 'right';
}

export interface Rule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface DrawnPage {
  width: number;
  height: number;
  runs: Run[];
  rules?: Rule[];
}

export interface GeneratedInvoice {
  truth: InvoiceTruth;
  pages: DrawnPage[];
}
