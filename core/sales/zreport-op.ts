// The day's close of one till as a PDF to download or print (shifts.zReportPdf): the same figures
// as shifts.zReport, laid out by ./zreport-pdf.ts, sent as base64 like an order's documents.
import { z } from 'zod';
import { query } from '../contract/define';
import { id, isoDate } from '../contract/fields';
import { getMeta } from '../db/meta';
import { companyCurrency, companyLocale } from '../locale/money';
import { zReportFor } from './shifts';
import { renderZReportPdf } from './zreport-pdf';

export const zReportPdf = query({
  access: 'sales.record',
  input: z.object({
    day: isoDate,
    deviceId: id.optional(),
  }),
  handler: async (ctx, input) => {
    const report = zReportFor(ctx, input);
    const company = getMeta(ctx.db, 'company.name');
    const pdf = await renderZReportPdf(report, {
      ...(company !== undefined && { company }),
      currency: companyCurrency(ctx.db),
      locale: companyLocale(ctx.db),
    });
    const till = report.deviceNumber === null ? 'till' : `till-${report.deviceNumber}`;
    return {
      fileName: `z-report-${report.day}-${till}.pdf`,
      mime: 'application/pdf' as const,
      contentBase64: pdf.toString('base64'),
    };
  },
});
