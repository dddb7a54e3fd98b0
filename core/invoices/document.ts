// What reading a supplier invoice works on and gives back (decision 0033). A document is its
// pages; a page is the words found on it, each with the box it sits in and how sure the reader
// was. The text layer of a PDF and the OCR of a photo both end here, so the rules, the model and
// the review screen's highlights see one shape whatever came in.

/** A box on a page, in the page's own units (PDF points, or the photo's pixels), from its top left. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Word extends Box {
  text: string;
  /** 0–1: 1 for a PDF's text layer, the OCR's confidence for a photo. */
  confidence: number;
}

export interface Page {
  /** 1-based. */
  number: number;
  width: number;
  height: number;
  /** 'pt' for a PDF page, 'px' for an image (the original photo's pixels, upright). */
  unit: 'pt' | 'px';
  words: Word[];
}

export interface ReadDocument {
  /** How the words were found. */
  source: 'text-layer' | 'ocr';
  pages: Page[];
  /** The mean word confidence, 0–1 (1 for a text layer). */
  confidence: number;
  /** How far the photo was turned to straighten it, in degrees (0 for a PDF). */
  deskewDegrees: number;
  /** Milliseconds spent reading. */
  ms: number;
}

/** Where a value was read and how sure the reading is. */
export interface Evidence {
  page: number;
  box: Box;
  /** 0–1. */
  confidence: number;
  /** Who proposed the value: the layout rules, the AI model, or the person at review. */
  by: 'rules' | 'model' | 'person';
}

export interface Read<T> {
  value: T;
  /** Null when no place on the page backs the value (a model's answer not found in the text). */
  at: Evidence | null;
}

/** Amounts are minor units (cents) of the invoice's currency; quantities are whole units. */
export interface ReadLine {
  code: Read<string> | null;
  description: Read<string>;
  quantity: Read<number>;
  unitPrice: Read<number>;
  amount: Read<number>;
}

export interface ReadInvoice {
  kind: 'invoice' | 'credit';
  supplierName: Read<string> | null;
  supplierTaxId: Read<string> | null;
  supplierPhone: Read<string> | null;
  supplierEmail: Read<string> | null;
  number: Read<string> | null;
  /** YYYY-MM-DD. */
  date: Read<string> | null;
  /** ISO 4217 when the document names it. */
  currency: Read<string> | null;
  /** The purchase order the invoice names, as printed. */
  orderReference: Read<string> | null;
  subtotal: Read<number> | null;
  tax: Read<number> | null;
  total: Read<number> | null;
  lines: ReadLine[];
}
