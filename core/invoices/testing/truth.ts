// The facts of one invoice, drawn from the seed before anything is laid out: the layouts only
// print these, so the truth cannot disagree with the page.
import { BUYER, ETB_PER, PRODUCTS, SUPPLIERS } from './catalogue';
import type { Random } from './random';
import type { InvoiceTruth, LayoutName, TruthLine } from './types';
import type { Supplier } from './catalogue';

/** Layouts that print a supplier code beside each line; the others print none. */
export const LAYOUTS_WITH_CODES: ReadonlySet<LayoutName> = new Set([
  'classic',
  'compact',
  'two-page',
  'columns-swapped',
]);

const MIN_PRICE = 50;
const MAX_PRICE = 2_500_000;

/** What the layouts print beyond the truth: things a reader must see past. */
export interface Extras {
  supplier: Supplier;
  taxRate: 0 | 15;
  dueDate: string;
  /** An amount printed near the top that is not the total (a balance, a credit limit). */
  decoy: { label: string; amount: number };
  /** For a credit note, the invoice it corrects. */
  correctsInvoice: string | null;
  buyer: typeof BUYER;
}

function unitPrice(random: Random, low: number, high: number, currency: Supplier['currency']) {
  const etb = low + (high - low) * random.next();
  const major = etb / ETB_PER[currency];
  // Round to what a price list would show: whole cents below 10, 5 cents below 1000, else
  // whole units, so amounts look typed by a person rather than computed.
  const step = major < 10 ? 1 : major < 1000 ? 5 : 100;
  const cents = Math.round((major * 100) / step) * step;
  return Math.min(MAX_PRICE, Math.max(MIN_PRICE, cents));
}

function isoDate(random: Random): string {
  const start = Date.UTC(2025, 0, 1);
  const day = random.int(0, 729);
  return new Date(start + day * 86_400_000).toISOString().slice(0, 10);
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString().slice(0, 10);
}

function documentNumber(random: Random, kind: InvoiceTruth['kind'], year: string): string {
  if (kind === 'credit') return `CN-${year}-${String(random.int(1, 999)).padStart(4, '0')}`;
  const n = random.int(1, 99_999);
  return random.pick([
    `INV-${year}-${String(n).padStart(5, '0')}`,
    String(n).padStart(6, '0'),
    `A/${year}/${String(n % 10_000).padStart(4, '0')}`,
    `FS${String(n).padStart(8, '0')}`,
  ]);
}

function makeLines(random: Random, layout: LayoutName, supplier: Supplier): TruthLine[] {
  const products = random.sample(PRODUCTS, random.int(3, 25));
  const withCodes = LAYOUTS_WITH_CODES.has(layout);
  return products.map((product) => {
    // Mostly small orders, now and then a pallet-load: quantities up to 500.
    const quantity = random.chance(0.7) ? random.int(1, 60) : random.int(61, 500);
    const price = unitPrice(random, product.low, product.high, supplier.currency);
    return {
      code: withCodes ? product.code : null,
      description: product.description,
      quantity,
      unitPrice: price,
      amount: quantity * price,
    };
  });
}

export function makeTruth(
  random: Random,
  layout: LayoutName,
): { truth: InvoiceTruth; extras: Extras } {
  const supplier = random.pick(SUPPLIERS);
  const kind = random.chance(0.15) ? 'credit' : 'invoice';
  const date = isoDate(random);
  const number = documentNumber(random, kind, date.slice(0, 4));
  const lines = makeLines(random, layout, supplier);
  const taxRate = random.chance(0.75) ? 15 : 0;
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const tax = Math.round((subtotal * taxRate) / 100);
  const orderReference = random.chance(0.6)
    ? `PO-${String(random.int(1, 999_999)).padStart(6, '0')}`
    : null;
  const truth: InvoiceTruth = {
    layout,
    kind,
    supplierName: supplier.name,
    supplierTaxId: supplier.taxId,
    supplierPhone: supplier.phone,
    supplierEmail: supplier.email,
    number,
    date,
    currency: supplier.currency,
    orderReference,
    lines,
    subtotal,
    tax,
    total: subtotal + tax,
  };
  const extras: Extras = {
    supplier,
    taxRate,
    dueDate: addDays(date, random.pick([0, 15, 30, 45])),
    decoy: {
      label: random.pick(['Previous balance', 'Credit limit', 'Paid-up capital', 'Deposit held']),
      amount: random.int(1_000, 50_000) * 100 * random.pick([1, 10, 100]),
    },
    correctsInvoice:
      kind === 'credit'
        ? `INV-${date.slice(0, 4)}-${String(random.int(1, 99_999)).padStart(5, '0')}`
        : null,
    buyer: BUYER,
  };
  return { truth, extras };
}
