// What the receipt queue prints: a sale's receipt, a return's, or a till's Z report. Each is
// kept in `receipt_queue` under its kind and a document id (the sale's or return's id, or
// `z:<deviceId>:<day>`), and read back from the tables when it prints, so a reprint prints the
// same receipt and a Z report the day's figures as they stand.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow } from '../db/rows';
import { DomainError } from '../errors';
import { getMeta } from '../db/meta';
import { companyCurrency, companyLocale } from '../locale/money';
import { zReportOf } from '../sales/shifts';
import { renderZReportPdf } from '../sales/zreport-pdf';
import { encodeReceipt } from './escpos';
import { renderReceiptPdf } from './pdf';
import type { PrinterSettings } from './printer-settings';
import { receiptOf } from './receipt';
import { receiptOfReturn } from './return-receipt';
import { encodeZReport } from './zreport-escpos';

export type QueuedDocument =
  | { kind: 'sale'; saleId: string }
  | { kind: 'return'; returnId: string }
  | { kind: 'z_report'; deviceId: string; day: string };

export type DocumentKind = QueuedDocument['kind'];

export const documentIdOf = (doc: QueuedDocument): string =>
  doc.kind === 'sale'
    ? doc.saleId
    : doc.kind === 'return'
      ? doc.returnId
      : `z:${doc.deviceId}:${doc.day}`;

const zDocument = /^z:(.+):(\d{4}-\d{2}-\d{2})$/;

/** A queue row's document; null for a Z report id this app did not write. */
export function documentOf(kind: DocumentKind, documentId: string): QueuedDocument | null {
  if (kind === 'sale') return { kind, saleId: documentId };
  if (kind === 'return') return { kind, returnId: documentId };
  const m = zDocument.exec(documentId);
  return m?.[1] && m[2] ? { kind, deviceId: m[1], day: m[2] } : null;
}

const branchRow = z.object({ branchId: z.string() });

/** The branch a document belongs to (whose people may print it); NOT_FOUND naming the field. */
export function branchOfDocument(db: Db, doc: QueuedDocument): string {
  const [sql, key, field, what] =
    doc.kind === 'sale'
      ? ['SELECT branch_id AS branchId FROM sales WHERE id = ?', doc.saleId, 'saleId', 'sale']
      : doc.kind === 'return'
        ? [
            'SELECT branch_id AS branchId FROM sale_returns WHERE id = ?',
            doc.returnId,
            'returnId',
            'return',
          ]
        : [
            'SELECT branch_id AS branchId FROM devices WHERE id = ?',
            doc.deviceId,
            'deviceId',
            'till',
          ];
  const row = parseRow(branchRow, db.sqlite.prepare(sql).get(key));
  if (!row)
    throw new DomainError('NOT_FOUND', `There is no ${what} ${key} on this computer.`, {
      field,
      [field]: key,
    });
  return row.branchId;
}

export interface PrintedPdf {
  fileName: string;
  mime: 'application/pdf';
  contentBase64: string;
}

/** The document as the PC's printer takes it: ESC/POS bytes, or a PDF for the system printer. */
export async function renderDocument(
  db: Db,
  doc: QueuedDocument,
  settings: PrinterSettings,
  now: number,
): Promise<{ bytes: Uint8Array } | { pdf: PrintedPdf }> {
  const pdf = (fileName: string, bytes: Buffer) => ({
    pdf: { fileName, mime: 'application/pdf' as const, contentBase64: bytes.toString('base64') },
  });
  if (doc.kind === 'z_report') {
    const report = zReportOf(db, doc.deviceId, doc.day);
    const company = getMeta(db, 'company.name');
    const words = {
      ...(company !== undefined && { company }),
      currency: companyCurrency(db),
      locale: companyLocale(db),
    };
    if (settings.kind === 'pdf') {
      const till = report.deviceNumber === null ? 'till' : `till-${report.deviceNumber}`;
      return pdf(`z-report-${report.day}-${till}.pdf`, await renderZReportPdf(report, words));
    }
    return { bytes: encodeZReport(report, { ...words, width: settings.paperWidth }) };
  }
  const receipt =
    doc.kind === 'sale' ? receiptOf(db, doc.saleId, now) : receiptOfReturn(db, doc.returnId, now);
  if (settings.kind === 'pdf') return pdf(`${receipt.number}.pdf`, await renderReceiptPdf(receipt));
  return { bytes: encodeReceipt(receipt, { width: settings.paperWidth }) };
}
