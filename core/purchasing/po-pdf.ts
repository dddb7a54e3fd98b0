// The purchase order an approved order becomes (issue 14): an A4 PDF the buyer sends the supplier,
// priced in the supplier's currency, with what the total comes to in the company's when the two
// differ. Laid out with the order documents' Sheet (core/pdf/layout.ts), so names in any script
// print, long orders continue on more pages with the table header repeated, and the same order
// prints to the same bytes.
import { BugError } from '../errors';
import { formatAmount, type Currency } from '../locale/amounts';
import { formatDateTime, Sheet, styles, type Column } from '../pdf/layout';
import { parseRate, toCompanyMinor } from './money';

export interface PurchaseOrderDocument {
  number: string;
  approvedAt: number;
  /** Display names, one or two. */
  approvedBy: readonly string[];
  company: { name: string; currency: Currency; locale: string };
  supplier: {
    name: string;
    taxId: string | null;
    phone: string | null;
    email: string | null;
    currency: Currency;
    paymentTerms: string | null;
    leadTimeDays: number;
  };
  /** Where the goods are to be delivered. */
  branch: { name: string; code: string };
  /** approvedAt + the supplier's lead time. */
  expectedBy: number | null;
  /** Units of the company's currency per unit of the supplier's, as a decimal string ("1", "56.25"); null when the same currency. */
  rate: string | null;
  lines: readonly {
    supplierCode: string | null;
    sku: string;
    name: string;
    /** In the variant's unit; a multiple of packSize. */
    quantity: number;
    packSize: number;
    /** Minor units of the supplier's currency, per unit. */
    price: number;
    /** Minor units of the supplier's currency. */
    lineTotal: number;
  }[];
  /** Minor units of the supplier's currency. */
  total: number;
  note: string | null;
}

const title = 'Purchase order';

/**
 * Text typed by people (a note pasted from a chat, a supplier's name) made safe to lay out:
 * control characters would print as boxes or not at all, and the bidi overrides and isolates are
 * dropped because core/pdf/bidi.ts does not handle embeddings. Line breaks are kept, at most one
 * blank line in a row, so a note of empty lines cannot fill pages.
 */
function printable(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\p{Cs}/gu, '\ufffd')
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[^\S\n]/g, ' ')
    .replace(/\p{Cc}/gu, (c) => (c === '\n' ? c : ''))
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** One line of text: a field's value or a table cell. */
const single = (text: string) => printable(text).replace(/\n+/g, ' ');

/** The rate as people write it, in the company's locale: "56.25" (en), "56,25" (de). */
function formatRate(rate: string, locale: string): string {
  const fraction = parseRate(rate);
  if (!fraction) throw new BugError(`purchase order: "${rate}" is not an exchange rate`);
  const decimals = fraction.denominator.toString().length - 1;
  const numerator = Number(fraction.numerator);
  return Number.isSafeInteger(numerator) ? formatAmount(numerator, decimals, locale) : rate.trim();
}

export async function renderPurchaseOrderPdf(
  doc: PurchaseOrderDocument,
  options: { timeZone?: string } = {},
): Promise<Buffer> {
  const { locale } = doc.company;
  const supplierCurrency = doc.supplier.currency;
  // Codes, not symbols: two currencies meet on this page, and "$" or "KD" can be read two ways.
  const amount = (minor: number, currency: Currency) =>
    formatAmount(minor, currency.minorUnits, locale);
  const count = (n: number) => formatAmount(n, 0, locale);
  const company = single(doc.company.name);
  const number = single(doc.number);
  const dated = new Date(doc.approvedAt);
  const sheet = new Sheet({
    title: `${title} ${number}`,
    subject: `${title} ${number} to ${single(doc.supplier.name)}`,
    createdAt: dated,
    modifiedAt: dated,
    runningHead: `${company} · ${title} ${number} (continued)`,
    footer: `${company} · ${title} ${number} · ${single(doc.supplier.name)}`,
  });

  sheet.line(company, styles.company);
  sheet.gap(2);
  sheet.line(`${title} ${number}`, styles.title);
  sheet.gap(4);
  sheet.hr();
  sheet.gap(6);

  const approvers = doc.approvedBy.map(single).filter((n) => n !== '');
  const expected =
    doc.expectedBy === null
      ? '—'
      : // The day is what the supplier commits to; the time of approval says nothing about it.
        `${formatDateTime(doc.expectedBy, options.timeZone).slice(0, 10)} (lead time ${count(doc.supplier.leadTimeDays)} days)`;
  sheet.fields([
    ['Deliver to', `${single(doc.branch.name)} (${single(doc.branch.code)})`],
    ['Approved', formatDateTime(doc.approvedAt, options.timeZone)],
    ['Expected by', expected],
    ['Approved by', approvers.length > 0 ? approvers.join(' and ') : '—'],
  ]);

  sheet.heading('Supplier');
  const orDash = (value: string | null) => (value === null ? '—' : single(value) || '—');
  sheet.fields([
    ['Name', single(doc.supplier.name)],
    ['Tax ID', orDash(doc.supplier.taxId)],
    ['Phone', orDash(doc.supplier.phone)],
    ['Email', orDash(doc.supplier.email)],
    ['Payment terms', orDash(doc.supplier.paymentTerms)],
    ['Currency', supplierCurrency.code],
  ]);

  sheet.heading('Items');
  const code = supplierCurrency.code;
  const columns: Column[] = [
    // In points across the A4 width: the bold headers with a currency code, and amounts of
    // hundreds of millions with three decimals, fit without being cut short.
    { header: 'Supplier code', width: 68 },
    { header: 'SKU', width: 74 },
    { header: 'Description', width: 129, wrap: true },
    { header: 'Quantity', width: 76, align: 'right' },
    { header: `Unit price (${code})`, width: 84, align: 'right' },
    { header: `Line total (${code})`, width: 84, align: 'right' },
  ];
  sheet.table(
    columns,
    doc.lines.map((l) => [
      l.supplierCode === null ? '' : single(l.supplierCode),
      single(l.sku),
      single(l.name),
      packed(l.quantity, l.packSize, count),
      amount(l.price, supplierCurrency),
      amount(l.lineTotal, supplierCurrency),
    ]),
  );
  sheet.gap(4);
  sheet.line(`Total: ${code} ${amount(doc.total, supplierCurrency)}`, styles.total, {
    align: 'right',
  });

  if (doc.rate !== null) {
    const to = doc.company.currency;
    const rate = formatRate(doc.rate, locale);
    // The conversion the company books its costs with, so paper and ledger agree to the cent.
    const converted = toCompanyMinor(
      doc.total,
      doc.rate,
      supplierCurrency.minorUnits,
      to.minorUnits,
    );
    if (!Number.isSafeInteger(converted))
      throw new BugError(`purchase order: ${doc.total} at ${doc.rate} is too large to print`);
    sheet.line(
      `Exchange rate: 1 ${code} = ${rate} ${to.code}; total ${to.code} ${amount(converted, to)}`,
      styles.body,
      { align: 'right' },
    );
  }

  const note = doc.note === null ? '' : printable(doc.note);
  if (note !== '') {
    sheet.heading('Note');
    sheet.paragraph(note);
  }
  return sheet.finish();
}

/** "48 (4 × 12)": the quantity, and the packs the supplier ships it in. */
function packed(quantity: number, packSize: number, count: (n: number) => string): string {
  if (packSize <= 1) return count(quantity);
  const packs = Math.floor(quantity / packSize);
  const rest = quantity - packs * packSize;
  // Never expected (quantities are whole packs), but the paper must not hide a loose remainder.
  const loose = rest === 0 ? '' : ` + ${count(rest)}`;
  return `${count(quantity)} (${count(packs)} × ${count(packSize)}${loose})`;
}
