// An order's PDFs as head office's replica has the order now, rendered by core's documents.
import { getMeta } from '../../core/db/meta';
import { companyCurrency } from '../../core/locale/money';
import type { Db } from '../../core/db/open';
import type { FileStore } from '../../core/files/store';
import { sniffMime } from '../../core/files/sniff';
import { orderDetail, type OrderDetail } from '../../core/orders/queries';
import {
  renderDispatchNote,
  renderOrderSheet,
  renderPaymentProof,
  type OrderDocumentKind,
} from '../../core/pdf/documents';

export async function renderOrderDocument(
  replica: { db: Db; files: FileStore },
  orderId: string,
  kind: OrderDocumentKind,
  timeZone?: string,
): Promise<{ order: OrderDetail; pdf: Buffer }> {
  const order = orderDetail(replica.db, orderId);
  const company = getMeta(replica.db, 'company.name');
  const opts = {
    ...(company !== undefined && { company }),
    ...(timeZone && { timeZone }),
    currency: companyCurrency(replica.db),
  };
  if (kind === 'order_sheet') return { order, pdf: await renderOrderSheet(order, opts) };
  if (kind === 'dispatch_note') return { order, pdf: await renderDispatchNote(order, opts) };
  // A slip whose file has not reached head office yet prints as missing, as in the app.
  const row = order.slips.at(-1);
  const bytes = row && replica.files.has(row.fileHash) ? replica.files.get(row.fileHash) : null;
  const mime = bytes ? sniffMime(bytes) : null;
  const slip =
    row && bytes && mime
      ? { bytes, mime, originalName: row.originalName, attachedAt: row.attachedAt }
      : null;
  return { order, pdf: await renderPaymentProof(order, slip, opts) };
}
