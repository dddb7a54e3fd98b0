import { z } from 'zod';
import { query } from '../contract/define';
import { id } from '../contract/fields';
import { getMeta } from '../db/meta';
import { companyCurrency } from '../locale/money';
import { DomainError } from '../errors';
import { sniffMime } from '../files/sniff';
import { renderDispatchNote, renderOrderSheet, renderPaymentProof } from '../pdf/documents';
import { documentKinds, documentsAvailable } from '../vocabulary';
import { orderInScope } from './access';
import { orderDetail } from './queries';

export const orderDocument = query({
  access: 'orders.read',
  input: z.object({ orderId: id, kind: z.enum(documentKinds) }),
  handler: async (ctx, input) => {
    orderInScope(ctx, input.orderId);
    const order = orderDetail(ctx.db, input.orderId);
    const slipRow = order.slips.at(-1);
    if (!documentsAvailable(order.status, slipRow !== undefined).includes(input.kind))
      throw new DomainError(
        'INVALID_STATE',
        `Order ${order.number} has no ${input.kind.replace('_', ' ')} yet: it is ${order.status.replace('_', ' ')}.`,
        {
          field: 'kind',
        },
      );
    const company = getMeta(ctx.db, 'company.name');
    const currency = companyCurrency(ctx.db);
    const opts = company !== undefined ? { company, currency } : { currency };
    let pdf: Buffer;
    if (input.kind === 'order_sheet') pdf = await renderOrderSheet(order, opts);
    else if (input.kind === 'dispatch_note') pdf = await renderDispatchNote(order, opts);
    else {
      // A slip not yet synced to this PC prints as missing rather than failing the document.
      const bytes =
        slipRow && ctx.files.has(slipRow.fileHash) ? ctx.files.get(slipRow.fileHash) : null;
      const mime = bytes ? sniffMime(bytes) : null;
      const slip =
        slipRow && bytes && mime
          ? { bytes, mime, originalName: slipRow.originalName, attachedAt: slipRow.attachedAt }
          : null;
      pdf = await renderPaymentProof(order, slip, opts);
    }
    return {
      fileName: `${order.number}-${input.kind.replace('_', '-')}.pdf`,
      mime: 'application/pdf' as const,
      contentBase64: pdf.toString('base64'),
    };
  },
});
