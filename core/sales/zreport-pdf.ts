// The day's close of one till (the Z report) as an A4 page the shop files or sends head office:
// the day's sales and returns, money by payment method, the shifts with their counts and the
// differences' reasons, and the points given and taken. Laid out with the order documents' Sheet
// (core/pdf/layout.ts), so every script prints and the same day prints to the same bytes.
import { formatMoney, type Currency } from '../locale/amounts';
import { formatDateTime, Sheet, styles, type Column } from '../pdf/layout';
import { methodLabel, quantity } from '../receipts/format';
import type { ZReport } from './shifts';

export interface ZReportPdfOptions {
  /** Printed at the top; the shop's name alone when not given. */
  company?: string;
  currency: Currency;
  /** The company's locale (en-GB, am-ET): how amounts and counts are written. */
  locale: string;
  /** IANA zone for the shifts' times; the computer's when not given. */
  timeZone?: string;
}

const title = 'Z report';

/** "SH01 till 2": the till by its device number when it has one. */
const tillName = (report: ZReport) =>
  report.deviceNumber === null ? report.deviceId : `till ${report.deviceNumber}`;

export async function renderZReportPdf(
  report: ZReport,
  options: ZReportPdfOptions,
): Promise<Buffer> {
  const amount = (minor: number) =>
    formatMoney(minor, options.currency, options.locale).replace(/\u00a0/g, ' ');
  const count = (n: number) => quantity(n, options.locale);
  const when = (ms: number | null) => (ms === null ? '—' : formatDateTime(ms, options.timeZone));
  const company = options.company?.trim() || report.branchName;
  const till = tillName(report);
  // The day itself dates the document, never the clock: printing it again gives the same bytes.
  const dated = new Date(`${report.day}T00:00:00Z`);
  const sheet = new Sheet({
    title: `${title} — ${report.branchName}, ${till}, ${report.day}`,
    subject: `The day's close of ${report.branchName}, ${till}, on ${report.day}`,
    createdAt: dated,
    modifiedAt: dated,
    runningHead: `${company} · ${title} ${report.day} · ${till} (continued)`,
    footer: `${company} · ${title} · ${report.branchName} · ${till} · ${report.day}`,
  });
  const { text } = sheet;
  const split = sheet.width * 0.6;
  text.line(company, sheet.left, sheet.y, styles.company, { width: split });
  text.line(title.toUpperCase(), sheet.left + split, sheet.y, styles.company, {
    width: sheet.width - split,
    align: 'right',
  });
  sheet.gap(text.lineHeight(styles.company) + 2);
  sheet.line(`Day close ${report.day}`, styles.title);
  sheet.gap(4);
  sheet.hr();
  sheet.gap(6);
  sheet.fields(
    [
      ['Shop', report.branchName],
      ['Till', till],
      ['Day', report.day],
    ],
    3,
  );
  const receipts =
    report.firstNumber === null
      ? 'none'
      : report.firstNumber === report.lastNumber
        ? report.firstNumber
        : `${report.firstNumber} to ${report.lastNumber}`;
  sheet.fields([['Receipts', receipts]], 1);

  const figures: Column[] = [
    { header: '', width: 3 },
    { header: 'Amount', width: 2, align: 'right' },
  ];
  sheet.heading('Sales');
  sheet.table(figures, [
    ['Sales', count(report.sales.count)],
    ['Gross (before discounts)', amount(report.sales.gross)],
    ['Discounts', amount(-report.sales.discount)],
    ['Rewards redeemed', amount(-report.sales.rewards)],
    ['Total sold', amount(report.sales.total)],
    ['of which tax', amount(report.sales.tax)],
    ['Returns', count(report.returns.count)],
    ['Refunded', amount(-report.returns.amount)],
    ['of which tax', amount(-report.returns.tax)],
    ['Net (sold less refunded)', amount(report.sales.total - report.returns.amount)],
  ]);

  sheet.heading('Payments by method');
  const byMethod: Column[] = [
    { header: 'Method', width: 3 },
    { header: 'Taken', width: 2, align: 'right' },
    { header: 'Refunded', width: 2, align: 'right' },
    { header: 'Net', width: 2, align: 'right' },
  ];
  const totals = report.methods.reduce(
    (s, m) => ({ taken: s.taken + m.taken, refunded: s.refunded + m.refunded, net: s.net + m.net }),
    { taken: 0, refunded: 0, net: 0 },
  );
  sheet.table(byMethod, [
    ...report.methods.map((m) => [
      methodLabel(m.method),
      amount(m.taken),
      amount(m.refunded),
      amount(m.net),
    ]),
    ['All methods', amount(totals.taken), amount(totals.refunded), amount(totals.net)],
  ]);
  sheet.gap(4);
  sheet.line(
    `Cash the drawer should hold (floats and cash, before any count): ${amount(report.expectedCash)}`,
    styles.bold,
  );

  sheet.heading('Shifts');
  if (report.shifts.length === 0) sheet.paragraph('No shift was opened on this till that day.');
  else
    sheet.table(
      [
        { header: 'Opened', width: 3, wrap: true },
        { header: 'Closed', width: 3, wrap: true },
        { header: 'Float', width: 2, align: 'right' },
        { header: 'Expected', width: 2, align: 'right' },
        { header: 'Counted', width: 2, align: 'right' },
        { header: 'Difference', width: 2, align: 'right' },
        { header: 'Reason', width: 3, wrap: true },
      ],
      report.shifts.map((s) => [
        `${when(s.openedAt)} ${s.openedByName ?? ''}`.trim(),
        s.closedAt === null ? 'still open' : `${when(s.closedAt)} ${s.closedByName ?? ''}`.trim(),
        amount(s.openingFloat),
        s.expectedCash === null ? '—' : amount(s.expectedCash),
        s.countedCash === null ? '—' : amount(s.countedCash),
        s.difference === null ? '—' : amount(s.difference),
        s.reason ?? '',
      ]),
    );

  sheet.heading('Loyalty points');
  sheet.fields([
    ['Earned', count(report.points.earned)],
    ['Redeemed', count(report.points.redeemed)],
  ]);
  return sheet.finish();
}
