// The lifecycle steps after placement. Each checks who may act here; the event's projection
// checks the order's state (orders/events.ts), the same way locally and in sync.
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { command } from '../contract/define';
import { id, isoDate, money, optionalText, text } from '../contract/fields';
import { assertNotFuture } from '../contract/dates';
import { requireActor } from '../contract/scope';
import { prepared } from '../db/prepared';
import { orderLines, users } from '../db/schema';
import { DomainError, validationError } from '../errors';
import { emit } from '../events/emit';
import { adminStepsHere } from '../auth/may';
import { acceptUpload, uploadContent } from '../files/upload';
import { balanceOf } from '../stock/ledger';
import { orderInScope } from './access';
import { MAX_FILE_BYTES } from '../sync/protocol';

const reads = prepared((orm) => ({
  driver: orm
    .select({ name: users.displayName })
    .from(users)
    .where(and(eq(users.id, sql.placeholder('id')), eq(users.role, 'driver')))
    .prepare(),
  ordered: orm
    .select({
      lineNo: orderLines.lineNo,
      variantId: orderLines.variantId,
      sku: orderLines.sku,
      quantity: orderLines.quantity,
      owed: sql<number>`${orderLines.quantity} - ${orderLines.dispatchedQty} - ${orderLines.cancelledQty}`,
    })
    .from(orderLines)
    .where(eq(orderLines.orderId, sql.placeholder('orderId')))
    .orderBy(asc(orderLines.lineNo))
    .prepare(),
  dispatched: orm
    .select({
      lineNo: orderLines.lineNo,
      qty: sql<number>`${orderLines.dispatchedQty} - ${orderLines.confirmedQty}`,
    })
    .from(orderLines)
    .where(eq(orderLines.orderId, sql.placeholder('orderId')))
    .prepare(),
}));

export const MAX_SLIP_BYTES = MAX_FILE_BYTES;

export const attachSlip = command({
  access: 'orders.attachSlip',
  input: z.object({
    orderId: id,
    fileName: text(200),
    contentBase64: uploadContent(MAX_SLIP_BYTES, 'a slip'),
  }),
  handler: (ctx, input) => {
    orderInScope(ctx, input.orderId, 'shop');
    const { bytes, mime } = acceptUpload(input.fileName, input.contentBase64, {
      maxBytes: MAX_SLIP_BYTES,
      what: 'a slip',
      instead: 'scan or photograph the slip again',
    });
    const fileHash = ctx.files.put(bytes);
    emit(ctx, 'order.slip_attached', input.orderId, {
      orderId: input.orderId,
      fileHash,
      mime,
      size: bytes.length,
      originalName: input.fileName,
    });
    return { fileHash, mime, size: bytes.length };
  },
});

/**
 * What the bank slip shows, in minor units. Never assumed from what is due: a slip that reads
 * 2,340.00 against a 9,650.00 order must be seen to, so someone has to read it and type it in.
 */
const slipAmount = z
  .number({
    error: (issue) =>
      issue.input === undefined
        ? 'is required: enter what the bank slip shows'
        : 'must be an amount in minor units (a whole number)',
  })
  .pipe(money)
  .refine((n) => n > 0, 'must be more than zero: enter what the slip shows');

export const verifyPayment = command({
  access: 'orders.verifyPayment',
  input: z.object({
    orderId: id,
    /** What the bank slip shows as received; less than is due is a part payment. */
    amount: slipAmount,
    /** The day the bank received it; left out, today. */
    receivedOn: isoDate.optional(),
    reference: optionalText(60),
    note: optionalText(300),
  }),
  handler: (ctx, input) => {
    orderInScope(ctx, input.orderId);
    if (input.receivedOn) assertNotFuture(ctx, 'receivedOn', input.receivedOn);
    emit(ctx, 'order.payment_verified', input.orderId, {
      orderId: input.orderId,
      note: input.note ?? null,
      amount: input.amount,
      receivedOn: input.receivedOn ?? new Date(ctx.now()).toISOString().slice(0, 10),
      reference: input.reference ?? '',
    });
    return { ok: true as const };
  },
});

export const rejectPayment = command({
  access: 'orders.verifyPayment',
  input: z.object({ orderId: id, reason: text(300) }),
  handler: (ctx, input) => {
    orderInScope(ctx, input.orderId);
    emit(ctx, 'order.payment_rejected', input.orderId, input);
    return { ok: true as const };
  },
});

export const dispatchOrder = command({
  access: 'orders.dispatch',
  input: z
    .object({
      orderId: id,
      vehicle: optionalText(60),
      driverName: optionalText(120),
      driverUserId: id.optional(),
      plannedDispatchOn: isoDate.optional(),
      note: optionalText(300),
      lines: z
        .array(
          z.object({
            lineNo: z.number().int().positive(),
            quantity: z.number().int().min(0, 'must not be negative'),
          }),
        )
        .optional(),
    })
    .refine((d) => d.vehicle || d.driverName || d.driverUserId, {
      message: 'give the vehicle or the driver',
      path: ['vehicle'],
    }),
  handler: (ctx, input) => {
    const order = orderInScope(ctx, input.orderId, 'factory');
    let driverName = input.driverName ?? null;
    if (input.driverUserId) {
      const driver = reads(ctx.db).driver.get({ id: input.driverUserId });
      if (!driver) throw validationError([{ field: 'driverUserId', message: 'is not a driver' }]);
      driverName ??= driver.name;
    }
    const ordered = reads(ctx.db).ordered.all({ orderId: input.orderId });
    const sent = new Map((input.lines ?? []).map((l) => [l.lineNo, l.quantity]));
    // Each entry is checked against what is owed on its own, so a line given twice would pass
    // twice and one of the two quantities be dispatched unseen (as confirmDelivery refuses).
    const seen = new Set<number>();
    (input.lines ?? []).forEach((l, i) => {
      const line = ordered.find((o) => o.lineNo === l.lineNo);
      if (!line)
        throw validationError([
          { field: `lines.${i}.lineNo`, message: 'the order has no such line' },
        ]);
      if (seen.has(l.lineNo))
        throw validationError([
          {
            field: `lines.${i}.lineNo`,
            message: `line ${l.lineNo} is given twice; give its quantity once`,
          },
        ]);
      seen.add(l.lineNo);
      if (l.quantity > line.owed)
        throw validationError([
          {
            field: `lines.${i}.quantity`,
            message: `is more than the ${line.owed} still owed of the ${line.quantity} ordered`,
          },
        ]);
    });
    // Goods that are not in the factory cannot leave it: record production first.
    if (['payment_verified', 'dispatched', 'delivered'].includes(order.status))
      ordered.forEach((line, i) => {
        const qty = sent.get(line.lineNo) ?? line.owed;
        const onHand = balanceOf(ctx.db, order.factoryId, line.variantId).onHand;
        if (qty > onHand)
          throw new DomainError(
            'INSUFFICIENT_STOCK',
            `lines.${i}.quantity: only ${onHand} of ${line.sku} are in the factory; record production or dispatch fewer`,
            {
              field: `lines.${i}.quantity`,
              onHand,
            },
          );
      });
    emit(ctx, 'order.dispatched', input.orderId, {
      orderId: input.orderId,
      vehicle: input.vehicle ?? null,
      driverName,
      driverUserId: input.driverUserId ?? null,
      plannedDispatchOn: input.plannedDispatchOn ?? null,
      note: input.note ?? null,
      // What is not sent now stays owed as a backorder (decision 0023).
      lines: ordered.map((l) => ({ lineNo: l.lineNo, quantity: sent.get(l.lineNo) ?? l.owed })),
      backorder: true,
    });
    return { ok: true as const };
  },
});

export const confirmDelivery = command({
  access: 'orders.receive',
  input: z.object({
    orderId: id,
    lines: z
      .array(
        z.object({
          lineNo: z.number().int().positive(),
          received: z
            .number({ error: 'must be a whole number' })
            .int('must be a whole number')
            .min(0, 'must not be negative'),
          note: optionalText(300),
        }),
      )
      .min(1, 'confirm at least one line'),
  }),
  handler: (ctx, input) => {
    orderInScope(ctx, input.orderId, 'shop');
    const dispatched = new Map(
      reads(ctx.db)
        .dispatched.all({ orderId: input.orderId })
        .map((l) => [l.lineNo, l.qty]),
    );
    const seen = new Set<number>();
    input.lines.forEach((l, i) => {
      const qty = dispatched.get(l.lineNo);
      if (qty === undefined)
        throw validationError([
          { field: `lines.${i}.lineNo`, message: 'the order has no such line' },
        ]);
      if (seen.has(l.lineNo))
        throw validationError([{ field: `lines.${i}.lineNo`, message: 'is confirmed twice' }]);
      seen.add(l.lineNo);
      if (l.received > qty)
        throw validationError([
          {
            field: `lines.${i}.received`,
            message: `is more than the ${qty} dispatched; count again`,
          },
        ]);
    });
    // Only what is on its way now is confirmed: an earlier dispatch was confirmed on its own.
    const missing = [...dispatched].filter(([n, qty]) => qty > 0 && !seen.has(n)).map(([n]) => n);
    if (missing.length > 0)
      throw validationError([
        { field: 'lines', message: `confirm every line; line ${missing.join(', ')} is missing` },
      ]);
    emit(ctx, 'order.delivered', input.orderId, {
      orderId: input.orderId,
      lines: input.lines.map((l) => ({
        lineNo: l.lineNo,
        received: l.received,
        note: l.note ?? null,
      })),
    });
    return { ok: true as const };
  },
});

export const cancelBackorder = command({
  access: 'orders.dispatch',
  input: z.object({ orderId: id, reason: text(300) }),
  handler: (ctx, input) => {
    orderInScope(ctx, input.orderId, 'factory');
    emit(ctx, 'order.backorder_cancelled', input.orderId, input);
    return { ok: true as const };
  },
});

export const cancelOrder = command({
  access: 'orders.cancel',
  input: z.object({ orderId: id, reason: text(300) }),
  handler: (ctx, input) => {
    const actor = requireActor(ctx);
    orderInScope(ctx, input.orderId, actor.role === 'admin' ? 'any' : 'shop');
    // At an enrolled branch PC nobody cancels as an admin: that is proven only at head office.
    const asAdmin = adminStepsHere(ctx);
    emit(ctx, 'order.cancelled', input.orderId, { ...input, asAdmin });
    return { ok: true as const };
  },
});
