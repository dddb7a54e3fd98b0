// The review form of a supplier invoice as plain data: what was read, turned into boxes a person
// corrects (amounts as decimals in the invoice's currency), the arithmetic checked again on every
// keystroke, and the boxes turned into invoices.post's input (amounts in minor units). No React
// here, so the rules are tested on their own (form.test.ts).
import { checkInvoice } from '../../../../core/invoices/checks';
import { formatAmount } from '../../../../core/locale/amounts';
import type { InputOf, OutputOf } from '../../client';
import { currencyOf, typedMoneyIn, whole } from '../purchasing/shared';

export type Found = OutputOf<'invoices.get'>;
export type Reading = NonNullable<Found['reading']>;
export type ReadInvoice = Reading['invoice'];
export type Evidence = NonNullable<NonNullable<ReadInvoice['number']>['at']>;
export type PostInput = InputOf<'invoices.post'>;

/** What a line's product is: not chosen yet, a variant, or a charge that is not a product. */
export type LineProduct = { kind: 'unset' } | { kind: 'none' } | { kind: 'variant'; id: string };

export interface LineDraft {
  /** Stays with the line when lines above it are removed (React's key, the evidence's index). */
  key: number;
  /** The line of the reading it came from; null for a line the person added. */
  readIndex: number | null;
  code: string;
  description: string;
  product: LineProduct;
  quantity: string;
  unitPrice: string;
  amount: string;
}

export interface Draft {
  kind: 'invoice' | 'credit';
  supplierId: string;
  number: string;
  date: string;
  currencyCode: string;
  rate: string;
  orderId: string;
  subtotal: string;
  tax: string;
  total: string;
  lines: LineDraft[];
  updatePrices: boolean;
}

/** Minor units as a box shows them: "1,234.50", without a currency symbol. */
export const amountBox = (minor: number, code: string): string =>
  formatAmount(minor, currencyOf(code).minorUnits);

let nextKey = 1;
export const emptyLine = (): LineDraft => ({
  key: nextKey++,
  readIndex: null,
  code: '',
  description: '',
  product: { kind: 'unset' },
  quantity: '',
  unitPrice: '',
  amount: '',
});

/**
 * The boxes as the reading proposes them: the supplier and each line's product where matching
 * found them, the currency as printed (else the supplier's, else the company's), and the purchase
 * order the invoice names when it was found. With no reading, the boxes are empty.
 */
export function draftOf(
  found: Found,
  company: string,
  supplierCurrency: (supplierId: string) => string | undefined,
): Draft {
  const read = found.reading?.invoice;
  const proposal = found.proposal;
  const supplierId = proposal?.supplier.supplierId ?? '';
  const currencyCode =
    read?.currency?.value.toUpperCase() ||
    (supplierId ? supplierCurrency(supplierId) : undefined) ||
    company;
  const money = (minor: number | undefined) =>
    minor === undefined ? '' : amountBox(minor, currencyCode);
  const lines: LineDraft[] = (read?.lines ?? []).map((l, i) => {
    const match = proposal?.lines[i];
    return {
      key: nextKey++,
      readIndex: i,
      code: l.code?.value ?? '',
      description: l.description.value,
      product: match?.variantId ? { kind: 'variant', id: match.variantId } : { kind: 'unset' },
      quantity: String(l.quantity.value),
      unitPrice: money(l.unitPrice.value),
      amount: money(l.amount.value),
    };
  });
  return {
    kind: read?.kind ?? 'invoice',
    supplierId,
    number: read?.number?.value ?? '',
    date: read?.date?.value ?? '',
    currencyCode,
    rate: '',
    orderId: proposal?.order.found ? proposal.order.orderId : '',
    subtotal: money(read?.subtotal?.value),
    tax: money(read?.tax?.value),
    total: money(read?.total?.value),
    lines: lines.length > 0 ? lines : [emptyLine()],
    updatePrices: true,
  };
}

/** A decimal box in minor units, or NaN when it is empty or not an amount. */
export const minorOf = (text: string, code: string): number => typedMoneyIn(text, code);

/** The form as invoices.post takes it; broken boxes go as NaN so the core names the field. */
export function postInput(invoiceId: string, d: Draft, company: string): PostInput {
  const code = d.currencyCode.trim().toUpperCase() || company;
  const optionalMoney = (text: string) => (text.trim() === '' ? 0 : minorOf(text, code));
  return {
    invoiceId,
    kind: d.kind,
    supplierId: d.supplierId,
    number: d.number,
    date: d.date,
    currencyCode: code,
    ...(code !== company && d.rate.trim() !== '' && { rate: d.rate.trim() }),
    orderId: d.orderId || null,
    subtotal: minorOf(d.subtotal, code),
    tax: optionalMoney(d.tax),
    total: minorOf(d.total, code),
    lines: d.lines.map((l) => ({
      variantId: l.product.kind === 'variant' ? l.product.id : null,
      supplierCode: l.code.trim() || null,
      description: l.description,
      quantity: whole(l.quantity),
      unitPrice: minorOf(l.unitPrice, code),
      amount: minorOf(l.amount, code),
    })),
    updatePrices: d.updatePrices,
  };
}

/** A finding of the live check: the field it is about, and the rule with its figures. */
export interface LiveCheck {
  field: string;
  rule: 'line_product' | 'lines_sum' | 'total_sum' | 'no_product' | 'not_amount';
  vars: Record<string, string | number>;
}

/**
 * The arithmetic of the boxes as they stand, by the core's own checks (core/invoices/checks.ts,
 * the ones posting enforces), plus what the form itself needs: each line's product chosen (or
 * marked as not a product), and amounts that are amounts.
 */
export function liveChecks(d: Draft, company: string): LiveCheck[] {
  const code = d.currencyCode.trim().toUpperCase() || company;
  const shown = (minor: number) => amountBox(minor, code);
  const out: LiveCheck[] = [];
  const amountOk = (field: string, text: string, optional = false): number | null => {
    if (text.trim() === '') return optional ? 0 : null;
    const minor = minorOf(text, code);
    if (Number.isNaN(minor)) {
      out.push({ field, rule: 'not_amount', vars: {} });
      return null;
    }
    return minor;
  };
  const lines = d.lines.map((l, i) => {
    if (l.product.kind === 'unset')
      out.push({ field: `lines.${i}.variantId`, rule: 'no_product', vars: { n: i + 1 } });
    return {
      unitPrice: amountOk(`lines.${i}.unitPrice`, l.unitPrice),
      amount: amountOk(`lines.${i}.amount`, l.amount),
      quantity: whole(l.quantity),
    };
  });
  const subtotal = amountOk('subtotal', d.subtotal);
  const tax = amountOk('tax', d.tax, true);
  const total = amountOk('total', d.total);
  const complete = lines.filter(
    (l): l is { unitPrice: number; amount: number; quantity: number } =>
      l.unitPrice !== null && l.amount !== null && !Number.isNaN(l.quantity),
  );
  // Sums only of lines whose figures all parse: a half-typed line is the box's to flag.
  const found = checkInvoice(
    {
      lines: complete,
      subtotal: complete.length === lines.length ? subtotal : null,
      tax,
      total: tax === null ? null : total,
      date: null,
    },
    { today: '' },
  );
  for (const c of found) {
    const f = c.figures;
    const money = (k: string) => shown(Number(f[k]));
    if (c.rule === 'line_product') {
      // The core numbers the complete lines; the form numbers them all.
      const line = complete[Number(f['line']) - 1];
      const n = lines.indexOf(line as (typeof lines)[number]);
      out.push({
        field: `lines.${n}.amount`,
        rule: 'line_product',
        vars: {
          n: n + 1,
          quantity: Number(f['quantity']),
          price: money('unitPrice'),
          product: money('product'),
          amount: money('amount'),
        },
      });
    } else if (c.rule === 'lines_sum' && c.field === 'subtotal')
      out.push({
        field: 'subtotal',
        rule: 'lines_sum',
        vars: { lines: Number(f['lines']), sum: money('sum'), subtotal: money('subtotal') },
      });
    else if (c.rule === 'total_sum')
      out.push({
        field: 'total',
        rule: 'total_sum',
        vars: {
          subtotal: money('subtotal'),
          tax: money('tax'),
          sum: money('sum'),
          total: money('total'),
        },
      });
  }
  return out;
}

/** Where a field's value came from: its evidence in the reading, for the boxes that have one. */
export function evidenceOf(
  read: ReadInvoice | undefined,
  field: string,
  line?: LineDraft,
): { at: Evidence | null } | undefined {
  if (!read) return undefined;
  if (line) {
    if (line.readIndex === null) return undefined;
    const l = read.lines[line.readIndex];
    if (!l) return undefined;
    const parts: Record<string, { at: Evidence | null } | null> = {
      code: l.code,
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      amount: l.amount,
    };
    return parts[field] ?? undefined;
  }
  const head: Record<string, { at: Evidence | null } | null> = {
    supplierId: read.supplierName ?? read.supplierTaxId,
    number: read.number,
    date: read.date,
    currencyCode: read.currency,
    orderId: read.orderReference,
    subtotal: read.subtotal,
    tax: read.tax,
    total: read.total,
  };
  return head[field] ?? undefined;
}

/** What the review's parts share: the draft, what was read, and how to change and check it. */
export interface Kit {
  draft: Draft;
  found: Found;
  /** The boxes the person has changed, by field path. */
  typed: ReadonlySet<string>;
  change(field: string, patch: Partial<Draft>): void;
  changeLine(index: number, field: string, patch: Partial<LineDraft>): void;
  setLines(lines: LineDraft[]): void;
  /** The live check's message for a field, if it fails one. */
  check(field: string): string | undefined;
  error: unknown;
  point(at: Evidence | null): void;
}
