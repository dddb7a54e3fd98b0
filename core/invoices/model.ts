// Reading an invoice with the AI model at head office (decision 0033), beside the layout rules.
// The model is given the page text in reading order (and the page pictures, to a model that
// sees) and asked for JSON only. It never gets the last word on a figure: every value it gives
// is looked for in the document's own words; one found there gets that place, one not found is
// kept without a place, for the review screen to mark unconfirmed. Its reading is then merged
// with the rules' one (./merge.ts), and the checks that follow judge the sums.
import { z } from 'zod';
import type { AiFailure, AiImage, AiService } from '../ai/service';
import { isCurrencyCode, minorUnitsOf } from '../purchasing/money';
import type { Evidence, Page, Read, ReadInvoice, ReadLine } from './document';
import { amountReadings, DocumentIndex, readingText, type ValueKind } from './evidence';
import { mergeReadings } from './merge';
import { dateReadings } from './numbers';

const text = z.string().nullable();
/** Amounts come as decimal strings or numbers, whichever the model gives. */
const figure = z.union([z.number(), z.string()]).nullable();

export const modelAnswerSchema = z.object({
  supplier_name: text,
  supplier_tax_id: text,
  supplier_phone: text,
  supplier_email: text,
  invoice_number: text,
  date: text,
  currency: text,
  order_reference: text,
  kind: z.enum(['invoice', 'credit']).nullable(),
  subtotal: figure,
  tax: figure,
  total: figure,
  lines: z
    .array(
      z.object({
        code: text,
        description: text,
        quantity: figure,
        unit_price: figure,
        amount: figure,
      }),
    )
    .max(500),
});
export type ModelAnswer = z.infer<typeof modelAnswerSchema>;

const nullableString = { type: ['string', 'null'] };
const nullableFigure = { type: ['number', 'string', 'null'] };
const closed = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

/** The same answer for the server: strict, every property required, absent ones null. */
export const modelAnswerJsonSchema: Record<string, unknown> = closed({
  supplier_name: nullableString,
  supplier_tax_id: nullableString,
  supplier_phone: nullableString,
  supplier_email: nullableString,
  invoice_number: nullableString,
  date: { ...nullableString, description: 'YYYY-MM-DD' },
  currency: { ...nullableString, description: 'ISO 4217 code, like ETB or USD' },
  order_reference: { ...nullableString, description: 'the purchase order number it names' },
  kind: { type: ['string', 'null'], enum: ['invoice', 'credit', null] },
  subtotal: nullableFigure,
  tax: nullableFigure,
  total: nullableFigure,
  lines: {
    type: 'array',
    items: closed({
      code: nullableString,
      description: nullableString,
      quantity: nullableFigure,
      unit_price: nullableFigure,
      amount: nullableFigure,
    }),
  },
});

const SYSTEM = `You read supplier invoices and credit notes for a company's purchasing office.
Copy every value exactly as it is printed on the document. Never invent, guess or calculate a value that is not printed: use null for anything the document does not show.
Give amounts as decimal numbers with a dot and no thousands separators or currency signs (1234.50), quantities as printed, dates as YYYY-MM-DD, the currency as its ISO 4217 code.
"supplier_*" is the company that issued the document, never the customer it is addressed to. "order_reference" is the customer's purchase order number, if printed.
"kind" is "credit" for a credit note, else "invoice". List every product line of the table in order; leave out subtotal, tax and total rows.`;

export interface ModelDocument {
  pages: Page[];
  /** The document's text as its reader found it (the rows below are rebuilt from the words). */
  text: string;
  /** Page pictures for a model that sees (a photo, a scanned PDF). */
  images?: AiImage[];
}

export type ModelReading =
  | {
      ok: true;
      invoice: ReadInvoice;
      model: string;
      /** The server took no pictures: the model read the text alone. */
      withoutImages: boolean;
      /** Where a value has no place on the page (the model's, not found): "total", "lines.2.amount". */
      unconfirmed: string[];
      /** Lines of the model's left out: two of their three figures were missing or no numbers. */
      skippedLines: number;
    }
  | { ok: false; reason: AiFailure; message: string };

function promptFor(doc: ModelDocument): string {
  const rows = readingText(doc.pages);
  const body = rows.trim() ? rows : doc.text;
  return `Read this supplier document. Its text follows, page by page, row by row in reading order${
    doc.images?.length ? ' (the page pictures are attached)' : ''
  }.\n\n${body}`;
}

/** An amount as the model gave it, in minor units; null when it is no amount. */
function minorOf(value: number | string | null, digits: number): number | null {
  if (value === null) return null;
  const n = typeof value === 'number' ? value : amountReadings(value)[0];
  if (n === undefined || !Number.isFinite(n)) return null;
  return Math.round(n * 10 ** digits);
}

/** A quantity as given, and whether it is whole as printed (ours are whole units). */
function quantityOf(value: number | string | null): { value: number; whole: boolean } | null {
  const n = minorOf(value, 0);
  if (n === null) return null;
  const exact = typeof value === 'number' ? value : amountReadings(value ?? '')[0];
  return { value: n, whole: exact === n };
}

/** A date as YYYY-MM-DD: as asked, or printed otherwise but only one date it can be. */
function isoDate(date: string | null): string | null {
  if (!date) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  const readings = dateReadings(date);
  return readings.length === 1 ? (readings[0] ?? null) : null;
}

/** The model's answer as a reading, each value placed where the words hold it, or nowhere. */
export function placeAnswer(
  answer: ModelAnswer,
  index: DocumentIndex,
  rules: ReadInvoice,
): { invoice: ReadInvoice; skippedLines: number } {
  const place = <T extends string | number>(
    kind: ValueKind,
    value: T | null,
    options: { digits?: number; near?: Evidence | null } = {},
  ): Read<T> | null => {
    if (value === null || value === '') return null;
    return { value, at: index.find(kind, value, options) };
  };
  const trimmed = (v: string | null) => v?.trim() || null;
  const currencyCode = trimmed(answer.currency)?.toUpperCase() ?? null;
  const currency = currencyCode && isCurrencyCode(currencyCode) ? currencyCode : null;
  const digits = minorUnitsOf(currency ?? rules.currency?.value ?? 'ETB');
  const date = isoDate(trimmed(answer.date));
  const money = (v: number | string | null) => place('amount', minorOf(v, digits), { digits });

  const lines: ReadLine[] = [];
  let skippedLines = 0;
  for (const line of answer.lines) {
    const given = quantityOf(line.quantity);
    let quantity = given?.value ?? null;
    let unitPrice = minorOf(line.unit_price, digits);
    let amount = minorOf(line.amount, digits);
    const description = trimmed(line.description) ?? trimmed(line.code);
    if (!description) continue;
    // One missing figure follows from the other two (and has no place: it is not printed).
    if (quantity === null && unitPrice && amount !== null && amount % unitPrice === 0)
      quantity = amount / unitPrice;
    if (unitPrice === null && quantity && amount !== null)
      unitPrice = Math.round(amount / quantity);
    if (amount === null && quantity !== null && unitPrice !== null) amount = quantity * unitPrice;
    if (quantity === null || unitPrice === null || amount === null) {
      skippedLines++;
      continue;
    }
    const described = place('text', description) ?? { value: description, at: null };
    const near = described.at;
    const found = (kind: ValueKind, value: number, printed: boolean, d = digits) => ({
      value,
      at: printed ? index.find(kind, value, { digits: d, near }) : null,
    });
    const code = trimmed(line.code);
    lines.push({
      code: code ? place('code', code) : null,
      description: described,
      // A quantity of 2.5 is kept as 3 but never as read: it has no place.
      quantity: found('quantity', quantity, given?.whole === true, 0),
      unitPrice: found('amount', unitPrice, minorOf(line.unit_price, digits) !== null),
      amount: found('amount', amount, minorOf(line.amount, digits) !== null),
    });
  }

  const invoice: ReadInvoice = {
    kind: answer.kind ?? 'invoice',
    supplierName: place('text', trimmed(answer.supplier_name)),
    supplierTaxId: place('code', trimmed(answer.supplier_tax_id)),
    supplierPhone: place('phone', trimmed(answer.supplier_phone)),
    supplierEmail: place('email', trimmed(answer.supplier_email)),
    number: place('code', trimmed(answer.invoice_number)),
    date: place('date', date),
    currency: currency
      ? {
          value: currency,
          // "Birr" or "Br" print ETB: the rules' place for the same currency serves.
          at:
            index.find('code', currency) ??
            (rules.currency?.value === currency ? rules.currency.at : null),
        }
      : null,
    orderReference: place('code', trimmed(answer.order_reference)),
    subtotal: money(answer.subtotal),
    tax: money(answer.tax),
    total: money(answer.total),
    lines,
  };
  return { invoice, skippedLines };
}

/** The paths of every value with no place on the page. */
export function unconfirmedIn(invoice: ReadInvoice): string[] {
  const paths: string[] = [];
  const check = (path: string, read: Read<unknown> | null) => {
    if (read && read.at === null) paths.push(path);
  };
  for (const key of [
    'supplierName',
    'supplierTaxId',
    'supplierPhone',
    'supplierEmail',
    'number',
    'date',
    'currency',
    'orderReference',
    'subtotal',
    'tax',
    'total',
  ] as const)
    check(key, invoice[key]);
  invoice.lines.forEach((line, i) => {
    for (const key of ['code', 'description', 'quantity', 'unitPrice', 'amount'] as const)
      check(`lines.${i}.${key}`, line[key]);
  });
  return paths;
}

/**
 * Asks the model to read `doc`, places its answer on the document's words and merges it with
 * the rules' reading. Never throws for the model's or the server's failure.
 */
export async function readWithModel(
  ai: AiService,
  doc: ModelDocument,
  rules: ReadInvoice,
): Promise<ModelReading> {
  const answer = await ai.ask({
    name: 'supplier_invoice',
    system: SYSTEM,
    user: promptFor(doc),
    schema: modelAnswerSchema,
    jsonSchema: modelAnswerJsonSchema,
    ...(doc.images?.length ? { images: doc.images } : {}),
  });
  if (!answer.ok) return { ok: false, reason: answer.reason, message: answer.message };
  const index = new DocumentIndex(doc.pages);
  const placed = placeAnswer(answer.value, index, rules);
  const invoice = mergeReadings(rules, placed.invoice, index.mentions(/^credit$/i));
  return {
    ok: true,
    invoice,
    model: answer.model,
    withoutImages: answer.withoutImages === true,
    unconfirmed: unconfirmedIn(invoice),
    skippedLines: placed.skippedLines,
  };
}
