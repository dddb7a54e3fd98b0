import { z } from 'zod';
import { query } from '../contract/define';
import { id } from '../contract/fields';
import { DomainError } from '../errors';
import { sniffMime } from '../files/sniff';
import {
  renderDispatchNote,
  renderOrderSheet,
  renderPaymentProof,
  type OrderDocumentKind,
} from '../pdf/documents';
import { orderInScope } from './access';
import { orderDetail } from './queries';

const kinds = [
  'order_sheet',
  'payment_proof',
  'dispatch_note',
] as const satisfies readonly OrderDocumentKind[];

/** Which documents an order has at its stage. */
export const documentsAvailable = (status: string, hasSlip: boolean): OrderDocumentKind[] => [
  'order_sheet',
  ...(hasSlip ? (['payment_proof'] as const) : []),
  ...(status === 'dispatched' || status === 'delivered' ? (['dispatch_note'] as const) : []),
];

export const orderDocument = query({
  access: 'orders.read',
  input: z.object({ orderId: id, kind: z.enum(kinds) }),
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
    const company = ctx.db.sqlite
      .prepare(`SELECT value FROM meta WHERE key = 'company.name'`)
      .get() as { value: string } | undefined;
    const opts = company ? { company: company.value } : {};
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
