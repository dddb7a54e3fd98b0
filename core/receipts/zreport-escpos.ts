// The day's close of one till (the Z report) on the receipt printer, for a shop that files the
// slip in the till's drawer: the same figures as the A4 PDF (core/sales/zreport-pdf.ts) in a
// column as wide as the paper, written with the encoder and the layouts receipts use
// (./escpos-text.ts). Names a code page lacks are left out, as on receipts.
import type { Currency } from '../locale/amounts';
import type { ZReport } from '../sales/shifts';
import { formatSoldAt, methodLabel } from './format';
import { canPrintDate, clean, forPrinter, startSlip, type PaperWidth } from './escpos-text';

export interface ZReportEncodeOptions {
  width: PaperWidth;
  currency: Currency;
  locale: string;
  /** The company's name, printed at the top; the shop's alone when not given. */
  company?: string;
  /** IANA zone for the shifts' times; the computer's when not given. */
  timeZone?: string;
}

export const zLabels = {
  title: 'Z REPORT',
  shop: 'Shop',
  till: 'Till',
  day: 'Day',
  receipts: 'Receipts',
  none: 'none',
  sales: 'Sales',
  gross: 'Gross',
  discounts: 'Discounts',
  rewards: 'Rewards redeemed',
  totalSold: 'Total sold',
  ofWhichTax: '  of which tax',
  returns: 'Returns',
  refunded: 'Refunded',
  net: 'Net (sold less refunded)',
  methods: 'PAYMENTS BY METHOD',
  taken: '  Taken',
  methodRefunded: '  Refunded',
  methodNet: '  Net',
  expected: 'Cash expected',
  shifts: 'SHIFTS',
  noShifts: 'No shift that day.',
  opened: 'Opened',
  closed: 'Closed',
  stillOpen: 'still open',
  float: '  Float',
  shiftExpected: '  Expected',
  counted: '  Counted',
  difference: '  Difference',
  reason: '  Reason',
  points: 'LOYALTY POINTS',
  earned: 'Earned',
  redeemed: 'Redeemed',
} as const;

export function encodeZReport(report: ZReport, options: ZReportEncodeOptions): Uint8Array {
  const slip = startSlip(options.width, options.currency, options.locale);
  const { e, pair, rule, amount, count } = slip;
  const L = zLabels;
  const when = (ms: number) =>
    clean(formatSoldAt(ms, options.locale, options.timeZone, canPrintDate));
  const heading = (text: string) => {
    e.bold(true);
    e.line(text);
    e.bold(false);
  };

  const company = forPrinter(options.company?.trim() || report.branchName);
  e.align('center').bold(true);
  if (company !== null) e.size(2, 2).line(company).size(1, 1);
  e.line(L.title);
  e.bold(false).align('left');
  const shop = forPrinter(report.branchName);
  if (shop !== null) pair(L.shop, shop);
  pair(L.till, report.deviceNumber === null ? clean(report.deviceId) : count(report.deviceNumber));
  pair(L.day, report.day);
  pair(
    L.receipts,
    report.firstNumber === null
      ? L.none
      : report.firstNumber === report.lastNumber
        ? clean(report.firstNumber)
        : `${clean(report.firstNumber)} - ${clean(report.lastNumber ?? report.firstNumber)}`,
  );
  rule();

  const { sales, returns } = report;
  pair(L.sales, count(sales.count));
  pair(L.gross, amount(sales.gross));
  pair(L.discounts, amount(-sales.discount));
  pair(L.rewards, amount(-sales.rewards));
  pair(L.totalSold, amount(sales.total));
  pair(L.ofWhichTax, amount(sales.tax));
  pair(L.returns, count(returns.count));
  pair(L.refunded, amount(-returns.amount));
  pair(L.ofWhichTax, amount(-returns.tax));
  e.bold(true);
  pair(L.net, amount(sales.total - returns.amount));
  e.bold(false);
  rule();

  heading(L.methods);
  for (const m of report.methods) {
    e.line(methodLabel(m.method));
    pair(L.taken, amount(m.taken));
    pair(L.methodRefunded, amount(-m.refunded));
    pair(L.methodNet, amount(m.net));
  }
  e.bold(true);
  pair(L.expected, amount(report.expectedCash));
  e.bold(false);
  rule();

  heading(L.shifts);
  if (report.shifts.length === 0) e.line(L.noShifts);
  for (const s of report.shifts) {
    const opener = s.openedByName === null ? null : forPrinter(s.openedByName);
    pair(L.opened, when(s.openedAt));
    if (opener !== null) e.line(`  ${opener}`);
    if (s.closedAt === null) pair(L.closed, L.stillOpen);
    else {
      const closer = s.closedByName === null ? null : forPrinter(s.closedByName);
      pair(L.closed, when(s.closedAt));
      if (closer !== null) e.line(`  ${closer}`);
    }
    pair(L.float, amount(s.openingFloat));
    if (s.expectedCash !== null) pair(L.shiftExpected, amount(s.expectedCash));
    if (s.countedCash !== null) pair(L.counted, amount(s.countedCash));
    if (s.difference !== null) pair(L.difference, amount(s.difference));
    const reason = s.reason === null ? null : forPrinter(s.reason);
    if (reason !== null) e.line(`${L.reason}: ${reason}`);
  }
  rule();

  heading(L.points);
  pair(L.earned, count(report.points.earned));
  pair(L.redeemed, count(report.points.redeemed));
  e.newline().newline();
  e.cut();
  return e.encode();
}
