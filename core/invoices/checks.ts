// What a clerk is asked to look at before a read invoice is accepted: the arithmetic of the lines
// and totals, a date that cannot be right, and a field nothing was read for. Each finding names
// the figures, so the clerk can compare them with the paper without working anything out.
import { formatAmount } from '../locale/amounts';

export interface Check {
  /** The field to look at: 'lines.3.amount' (0-based), 'subtotal', 'total', 'date', 'number'. */
  field: string;
  rule: 'line_product' | 'lines_sum' | 'total_sum' | 'date_future' | 'date_old' | 'missing';
  /** A sentence a clerk can act on, naming the figures. */
  message: string;
  /**
   * The figures the sentence names (amounts in minor units), for a screen that says it in the
   * person's language: line (1-based), quantity, unitPrice, product, amount; lines, sum,
   * subtotal, tax, total; date, today, days.
   */
  figures: Record<string, number | string>;
}

export interface CheckedInvoice {
  lines: readonly { quantity: number; unitPrice: number; amount: number }[];
  /** Minor units. */
  subtotal: number | null;
  tax: number | null;
  total: number | null;
  /** YYYY-MM-DD. */
  date: string | null;
  /** Checked when given: null or '' is a missing number; left out, it is not checked. */
  number?: string | null;
}

/** A date more than this many days before today is probably misread (or a very late invoice). */
export const OLDEST_DAYS = 400;
/** Days after today an invoice date may be (a supplier a time zone ahead, a clock a day off). */
export const FUTURE_DAYS = 1;

const money = (minor: number) => formatAmount(minor, 2);
const quantity = (q: number) => (Number.isInteger(q) ? String(q) : q.toFixed(3).replace(/0+$/, ''));
const dayNumber = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000;

function lineChecks(inv: CheckedInvoice): Check[] {
  const checks: Check[] = [];
  inv.lines.forEach((line, i) => {
    const product = Math.round(line.quantity * line.unitPrice);
    if (Math.abs(product - line.amount) <= 1) return;
    checks.push({
      field: `lines.${i}.amount`,
      rule: 'line_product',
      figures: {
        line: i + 1,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        product,
        amount: line.amount,
      },
      message:
        `Line ${i + 1}: ${quantity(line.quantity)} × ${money(line.unitPrice)} is ${money(product)}, ` +
        `but the amount reads ${money(line.amount)}. Check the quantity, the unit price and the amount.`,
    });
  });
  if (inv.lines.length === 0) return checks;
  const sum = inv.lines.reduce((s, l) => s + l.amount, 0);
  if (inv.subtotal !== null) {
    if (sum !== inv.subtotal)
      checks.push({
        field: 'subtotal',
        rule: 'lines_sum',
        figures: { lines: inv.lines.length, sum, subtotal: inv.subtotal },
        message:
          `The ${inv.lines.length} lines add up to ${money(sum)}, but the subtotal reads ` +
          `${money(inv.subtotal)}. Look for a missing or misread line, or a misread subtotal.`,
      });
  } else if (inv.total !== null && !inv.tax && sum !== inv.total) {
    checks.push({
      field: 'total',
      rule: 'lines_sum',
      figures: { lines: inv.lines.length, sum, total: inv.total },
      message:
        `The ${inv.lines.length} lines add up to ${money(sum)}, but the total reads ` +
        `${money(inv.total)} and no subtotal or tax was read. Check the lines and the total.`,
    });
  }
  return checks;
}

function totalCheck(inv: CheckedInvoice): Check[] {
  if (inv.subtotal === null || inv.total === null) return [];
  const tax = inv.tax ?? 0;
  if (inv.subtotal + tax === inv.total) return [];
  const taxPart = inv.tax === null ? ' (no tax was read)' : ` plus tax ${money(tax)}`;
  return [
    {
      field: 'total',
      rule: 'total_sum',
      figures: { subtotal: inv.subtotal, tax, sum: inv.subtotal + tax, total: inv.total },
      message:
        `Subtotal ${money(inv.subtotal)}${taxPart} makes ${money(inv.subtotal + tax)}, but the ` +
        `total reads ${money(inv.total)}. Check the subtotal, the tax and the total.`,
    },
  ];
}

/** The date against today: after it, or too long before it (none when it is plausible). */
export function dateCheck(date: string, today: string): Check[] {
  const days = dayNumber(date) - dayNumber(today);
  if (!Number.isFinite(days))
    return [
      {
        field: 'date',
        rule: 'missing',
        figures: { date },
        message: `The date "${date}" is not a date; enter it.`,
      },
    ];
  if (days > FUTURE_DAYS)
    return [
      {
        field: 'date',
        rule: 'date_future',
        figures: { date, today, days },
        message: `The invoice date ${date} is after today (${today}). Check the day and the month; they may be swapped.`,
      },
    ];
  if (days < -OLDEST_DAYS)
    return [
      {
        field: 'date',
        rule: 'date_old',
        figures: { date, today, days },
        message: `The invoice date ${date} is more than ${OLDEST_DAYS} days before today (${today}). Check the year.`,
      },
    ];
  return [];
}

function missing(field: string, what: string): Check {
  return {
    field,
    rule: 'missing',
    figures: {},
    message: `No ${what} was read; enter it from the invoice.`,
  };
}

/** Every problem found, in the order a clerk reads the invoice: header, lines, totals. */
export function checkInvoice(inv: CheckedInvoice, options: { today: string }): Check[] {
  const checks: Check[] = [];
  if (inv.number !== undefined && (inv.number === null || inv.number.trim() === ''))
    checks.push(missing('number', 'invoice number'));
  if (inv.date === null) checks.push(missing('date', 'invoice date'));
  else checks.push(...dateCheck(inv.date, options.today));
  if (inv.lines.length === 0) checks.push(missing('lines', 'line'));
  checks.push(...lineChecks(inv));
  if (inv.total === null) checks.push(missing('total', 'total'));
  checks.push(...totalCheck(inv));
  return checks;
}
